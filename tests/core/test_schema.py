"""The migrations build exactly the models' schema, and the database refuses bad values."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.migrate import alembic_config, downgrade_database, is_up_to_date, upgrade_database
from db.models import (
    Agenda,
    Base,
    Client,
    Coach,
    CoachingSession,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    GasGoal,
    GoalScore,
    Outcome,
    OutcomeKind,
    RetentionPlan,
    ScoreKind,
    SessionTimer,
    Trajectory,
    TrajectoryStatus,
)
from db.setup import HEAD_REVISION, schema_revision
from tests.conftest import NOW, TODAY
from tests.factories import make_coach, make_practice, make_trajectory


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert is_up_to_date(engine)


def test_the_start_knows_the_newest_migration_without_alembic(engine: Engine) -> None:
    # The app's start compares the database with HEAD_REVISION and loads Alembic only when
    # they differ: a new migration must move HEAD_REVISION along.
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION
    assert schema_revision(engine) == HEAD_REVISION
    downgrade_database(engine, "0014")
    assert schema_revision(engine) == "0014"
    downgrade_database(engine, "base")
    assert schema_revision(engine) is None
    upgrade_database(engine)  # the other tests share this database
    assert schema_revision(engine) == HEAD_REVISION


def test_upgrading_keeps_the_coaches_and_clients_already_there(engine: Engine) -> None:
    downgrade_database(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO coach (username, display_name, email, password_hash, role, timezone,"
                " language, created_at) VALUES ('oud', 'Oude Coach', 'o@example.org', 'x',"
                " 'coach', 'Europe/Amsterdam', 'nl', CURRENT_TIMESTAMP)"
            )
        )
    upgrade_database(engine)
    with engine.begin() as connection:
        row = connection.execute(
            text("SELECT display_name, logged_out_at FROM coach WHERE username = 'oud'")
        ).one()
        connection.execute(text("DELETE FROM coach WHERE username = 'oud'"))
    assert tuple(row) == ("Oude Coach", None)


def test_migrations_go_down_and_up_again(engine: Engine) -> None:
    downgrade_database(engine, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    upgrade_database(engine)
    assert {"client", "trajectory", "goal_score", "follow_up"} <= set(
        inspect(engine).get_table_names()
    )


@pytest.mark.parametrize("score", [0, 11])
def test_a_goal_score_outside_1_to_10_is_refused(db: Session, score: int) -> None:
    trajectory = make_trajectory(db, make_coach(db))
    db.add(GoalScore(trajectory=trajectory, score=score, measured_at=NOW, kind=ScoreKind.SESSION))
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_trajectory_cannot_end_before_it_started(db: Session) -> None:
    trajectory = make_trajectory(db, make_coach(db))
    trajectory.ended_on = date(2020, 1, 1)
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_trajectory_needs_at_least_one_planned_session(db: Session) -> None:
    trajectory = make_trajectory(db, make_coach(db))
    trajectory.planned_sessions = 0
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_review_scores_1_to_5(db: Session) -> None:
    trajectory = make_trajectory(db, make_coach(db))
    db.add(
        Outcome(trajectory=trajectory, kind=OutcomeKind.REVIEW, recorded_on=TODAY, review_score=6)
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_follow_up_is_only_skipped_with_a_reason(db: Session) -> None:
    trajectory = make_trajectory(db, make_coach(db))
    db.add(
        FollowUp(
            trajectory=trajectory,
            kind=FollowUpKind.CUSTOM,
            due_on=TODAY,
            status=FollowUpStatus.SKIPPED,
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_deleting_a_client_removes_everything_about_them(db: Session) -> None:
    coach = make_practice(db, coaches=1, clients_each=20)[0]
    client = db.scalars(
        select(Client)
        .join(Trajectory, Trajectory.client_id == Client.id)
        .join(RetentionPlan)
        .where(Client.coach_id == coach.id)
    ).first()
    assert client is not None
    trajectory_ids = [t.id for t in client.trajectories]
    db.delete(client)
    db.flush()
    db.expire_all()
    for model in (CoachingSession, GoalScore, FollowUp, RetentionPlan, GasGoal):
        left = db.scalar(
            select(func.count()).select_from(model).where(model.trajectory_id.in_(trajectory_ids))
        )
        assert left == 0, model.__name__


def test_the_upgrade_repairs_a_closing_recorded_with_a_partial_coach_evaluation(
    engine: Engine,
) -> None:
    downgrade_database(engine, "0006")
    try:
        trajectory_id, coach_id = _closing_recorded_at_0006(engine)
    finally:
        upgrade_database(engine)  # the other tests share this database
    with Session(engine) as session, session.begin():
        repaired = session.get_one(Trajectory, trajectory_id)
        scores = session.scalars(
            select(GoalScore.score).where(
                GoalScore.trajectory_id == trajectory_id, GoalScore.kind == ScoreKind.CLOSING
            )
        ).all()
        full_protocol = repaired.full_protocol
        # Later migrations rebuild coaching_session and coach (SQLite copies the table):
        # the rows that refer to them are all still there.
        timers = session.scalar(
            select(func.count())
            .select_from(SessionTimer)
            .join(CoachingSession, CoachingSession.id == SessionTimer.session_id)
            .where(CoachingSession.trajectory_id == trajectory_id)
        )
        session.delete(repaired.client)
        session.flush()
        session.delete(session.get_one(Coach, coach_id))
    assert full_protocol is True
    assert scores == [7]
    assert timers == 1


def _closing_recorded_at_0006(engine: Engine) -> tuple[int, int]:
    """An ended closing as version 0006 stored it: the client's full form, the coach's
    partial record. Rows in tables later migrations changed are written as SQL of then."""
    with Session(engine) as session, session.begin():
        coach_id = session.execute(
            text(
                "INSERT INTO coach (username, display_name, email, password_hash, role, timezone,"
                " language, created_at) VALUES ('herstel', 'Herstel Coach', 'h@example.org',"
                " 'x', 'coach', 'Europe/Amsterdam', 'nl', :now) RETURNING id"
            ),
            {"now": NOW.replace(tzinfo=None)},
        ).scalar_one()
        client_id = session.execute(
            text(
                "INSERT INTO client (coach_id, name, created_at) VALUES (:c, 'Iris Klant', :now)"
                " RETURNING id"
            ),
            {"c": coach_id, "now": NOW.replace(tzinfo=None)},
        ).scalar_one()
        trajectory = Trajectory(
            client_id=client_id,
            goal="Rust in mijn week",
            started_on=NOW.date(),
            planned_sessions=8,
        )
        session.add(trajectory)
        trajectory.status = TrajectoryStatus.CLOSED
        trajectory.full_protocol = False  # judged on the coach's partial record
        session.flush()
        closing_id = session.execute(
            text(
                "INSERT INTO coaching_session (trajectory_id, scheduled_at, kind, status,"
                " duration_minutes) VALUES (:t, :now, 'closing_90', 'held', 90) RETURNING id"
            ),
            {"t": trajectory.id, "now": NOW.replace(tzinfo=None)},
        ).scalar_one()
        session.add(
            SessionTimer(
                session_id=closing_id, agenda=Agenda.SINGLE_90, started_at=NOW, ended_at=NOW
            )
        )
        # As the tables stood at 0006 (later migrations add columns the models now have).
        for statement in (
            "INSERT INTO evaluation (trajectory_id, source, submitted_at, goal_score,"
            " main_changes, testimonial_consent) VALUES (:t, 'client', :now, 7,"
            " 'Ik plan mijn week zelf', false)",
            "INSERT INTO evaluation (trajectory_id, source, submitted_at, could_be_better,"
            " testimonial_consent) VALUES (:t, 'coach', :now, 'Eerder', false)",
            "INSERT INTO retention_plan (trajectory_id, main_change, relapse_situations,"
            " relapse_strategy, accountability_person, self_check_method, updated_at, version)"
            " VALUES (:t, 'Nee zeggen', 'Deadlines', 'Lijstje erbij', 'Partner',"
            " 'Plan teruglezen', :now, 1)",
            "INSERT INTO closure_checklist (trajectory_id, relationship_acknowledged,"
            " successes_celebrated, emotion_room, feedback_asked, offered_follow_up,"
            " offered_single_sessions, offered_new_trajectory, goodbye_explicit, updated_at,"
            " version) VALUES (:t, true, true, false, true, true, false, false, true, :now, 1)",
        ):
            session.execute(text(statement), {"t": trajectory.id, "now": NOW.replace(tzinfo=None)})
        return trajectory.id, coach_id
