"""Logging and planning sessions: numbering, the after-session check, scores, refusals."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationError
from core.sessions import SessionLog, get_progress, log_session, plan_session
from db.models import (
    CoachingSession,
    GoalScore,
    ScoreKind,
    SessionKind,
    SessionStatus,
    TrajectoryStatus,
)
from tests.conftest import NOW
from tests.factories import make_coach, make_trajectory
from tests.factories import plan_session as planned

TZ = "Europe/Amsterdam"


def test_a_logged_session_gets_the_next_number_and_its_check(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=2)
    log = SessionLog(
        held_at=NOW,
        notes="Goed gesprek",
        goal_score=6,
        rating=9,
        takeaway="Eerst vragen",
        open_points="Werkdruk",
    )
    session_id = log_session(
        db, coach_id=coach.id, trajectory_id=trajectory.id, log=log, timezone=TZ
    )
    record = db.get_one(CoachingSession, session_id)
    assert (record.number, record.status, record.session_rating) == (3, SessionStatus.HELD, 9)
    assert (record.takeaway, record.open_points) == ("Eerst vragen", "Werkdruk")
    score = db.scalar(select(GoalScore).where(GoalScore.session_id == session_id))
    assert score is not None and (score.score, score.kind) == (6, ScoreKind.SESSION)


def test_the_session_planned_that_day_becomes_the_held_one(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=3)
    plan = planned(db, trajectory, NOW + timedelta(hours=2))
    session_id = log_session(
        db, coach_id=coach.id, trajectory_id=trajectory.id, log=SessionLog(held_at=NOW), timezone=TZ
    )
    assert session_id == plan.id
    left = db.scalars(
        select(CoachingSession).where(
            CoachingSession.trajectory_id == trajectory.id,
            CoachingSession.status == SessionStatus.PLANNED,
        )
    ).all()
    assert left == []


def test_an_intermediate_evaluation_needs_a_score(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=3)
    with pytest.raises(ValidationError) as refused:
        log_session(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            timezone=TZ,
            log=SessionLog(held_at=NOW, kind=SessionKind.INTERMEDIATE),
        )
    assert refused.value.errors == {"goal_score": "sessions.intermediate_needs_score"}
    log_session(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        timezone=TZ,
        log=SessionLog(held_at=NOW, kind=SessionKind.INTERMEDIATE, goal_score=6),
    )
    progress = get_progress(db, coach_id=coach.id, trajectory_id=trajectory.id, now=NOW)
    assert progress is not None and not progress.intermediate_due


@pytest.mark.parametrize(
    ("field", "log"),
    [
        ("goal_score", SessionLog(held_at=NOW, goal_score=11)),
        ("goal_score", SessionLog(held_at=NOW, goal_score=0)),
        ("rating", SessionLog(held_at=NOW, rating=12)),
        ("duration_minutes", SessionLog(held_at=NOW, duration_minutes=2)),
        ("notes", SessionLog(held_at=NOW, notes="x" * 5001)),
    ],
)
def test_out_of_range_input_writes_nothing(db: Session, field: str, log: SessionLog) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=1)
    with pytest.raises(ValidationError) as refused:
        log_session(db, coach_id=coach.id, trajectory_id=trajectory.id, log=log, timezone=TZ)
    assert field in refused.value.errors
    count = db.scalars(
        select(CoachingSession).where(CoachingSession.trajectory_id == trajectory.id)
    )
    assert len(count.all()) == 1


def test_a_closed_trajectory_takes_no_more_sessions(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=8)
    trajectory.status = TrajectoryStatus.CLOSED
    with pytest.raises(ValidationError):
        log_session(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            log=SessionLog(held_at=NOW),
            timezone=TZ,
        )


def test_planning_in_the_past_is_refused_and_a_short_closing_is_allowed(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=7)
    with pytest.raises(ValidationError) as refused:
        plan_session(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            now=NOW,
            at=NOW - timedelta(days=1),
            kind=SessionKind.REGULAR,
            duration_minutes=60,
        )
    assert refused.value.errors == {"at": "sessions.plan_in_past"}
    plan_session(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        now=NOW,
        at=datetime(2026, 12, 3, 9, tzinfo=UTC),
        kind=SessionKind.CLOSING_90,
        duration_minutes=30,
    )
    progress = get_progress(db, coach_id=coach.id, trajectory_id=trajectory.id, now=NOW)
    assert progress is not None and progress.has_planned_closing


def test_another_coachs_trajectory_is_out_of_reach(db: Session) -> None:
    mine, theirs = make_coach(db, "mijn"), make_coach(db, "hun")
    their_trajectory = make_trajectory(db, theirs, held=1)
    with pytest.raises(NotFound):
        log_session(
            db,
            coach_id=mine.id,
            trajectory_id=their_trajectory.id,
            log=SessionLog(held_at=NOW),
            timezone=TZ,
        )
    with pytest.raises(NotFound):
        plan_session(
            db,
            coach_id=mine.id,
            trajectory_id=their_trajectory.id,
            now=NOW,
            at=NOW + timedelta(days=1),
            kind=SessionKind.REGULAR,
            duration_minutes=60,
        )
