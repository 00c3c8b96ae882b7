"""Test data: the demo generator at small sizes, plus a few hand-made records."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from core.clients import TrajectoryInput, add_client
from db.demo import generate_practice
from db.models import (
    Agenda,
    AskedQuestion,
    Client,
    Coach,
    CoachingSession,
    FollowUp,
    FollowUpKind,
    FormAttempt,
    FormKind,
    FormLink,
    Phase,
    ScheduledMail,
    SessionKind,
    SessionPhase,
    SessionStatus,
    SessionTimer,
    Trajectory,
)
from db.passwords import hash_password
from tests.conftest import TODAY


def make_practice(
    db: Session, *, coaches: int = 2, clients_each: int = 20, today: date = TODAY
) -> list[Coach]:
    """A practice from the demo generator; the first coach logs in as `demo`."""
    return generate_practice(db, today=today, coaches=coaches, clients_per_coach=clients_each)


def make_coach(db: Session, username: str = "anna", timezone: str = "Europe/Amsterdam") -> Coach:
    """A coach with no clients yet."""
    coach = Coach(
        username=username,
        display_name=f"{username.title()} Coach",
        email=f"{username}@example.org",
        password_hash=hash_password("Geheim-wachtwoord-1"),
        timezone=timezone,
    )
    db.add(coach)
    db.flush()
    return coach


def make_trajectory(
    db: Session,
    coach: Coach,
    *,
    name: str = "Iris Klant",
    planned: int = 8,
    held: int = 0,
    started: date = TODAY - timedelta(days=100),
    intensive: bool = False,
) -> Trajectory:
    """A client with one active trajectory and `held` regular sessions already held."""
    client = Client(coach=coach, name=name)
    trajectory = Trajectory(
        client=client,
        goal="Rust in mijn week",
        started_on=started,
        planned_sessions=planned,
        intensive=intensive,
    )
    db.add(trajectory)
    for number in range(1, held + 1):
        db.add(
            CoachingSession(
                trajectory=trajectory,
                number=number,
                scheduled_at=datetime(2026, 6, 1, 9, tzinfo=UTC) + timedelta(days=14 * number),
                kind=SessionKind.REGULAR,
                status=SessionStatus.HELD,
            )
        )
    db.flush()
    return trajectory


def plan_session(
    db: Session, trajectory: Trajectory, at: datetime, kind: SessionKind = SessionKind.REGULAR
) -> CoachingSession:
    """A planned (not yet held) session."""
    session = CoachingSession(trajectory=trajectory, scheduled_at=at, kind=kind)
    db.add(session)
    db.flush()
    return session


def add_follow_up(
    db: Session, trajectory: Trajectory, due: date, kind: FollowUpKind = FollowUpKind.WEEK1_MAIL
) -> FollowUp:
    """An open follow-up."""
    item = FollowUp(trajectory=trajectory, kind=kind, due_on=due)
    db.add(item)
    db.flush()
    return item


def a_client_in_every_table(db: Session) -> Client:
    """A demo client closed with the full protocol, plus a form link, a live closing's clock,
    an asked question and a scheduled mail: a row in every table that holds something about
    a client."""
    coach = make_practice(db, coaches=1, clients_each=20)[0]
    client = next(c for c in coach.clients if c.name == "Inge Brouwer")
    trajectory = client.trajectories[0]
    closing = trajectory.sessions[-1]
    link = FormLink(
        trajectory_id=trajectory.id,
        kind=FormKind.EVALUATION,
        token_hash="0" * 64,
        expires_at=datetime(2026, 12, 1, tzinfo=UTC),
        answers={"main_changes": "Ik zeg vaker nee"},
    )
    timer = SessionTimer(
        session_id=closing.id, agenda=Agenda.SINGLE_90, started_at=closing.scheduled_at
    )
    timer.phases = [SessionPhase(position=0, phase=Phase.OPENING, planned_minutes=10)]
    db.add_all([link, timer, AskedQuestion(session_id=closing.id, question_key="core_1")])
    db.flush()
    db.add(FormAttempt(form_link_id=link.id, reason="submitted"))
    follow_up = trajectory.follow_ups[0]
    db.add(
        ScheduledMail(
            follow_up_id=follow_up.id,
            recipient="inge@example.org",
            subject="Hoe gaat het?",
            body="Beste Inge,",
            send_at=datetime(2026, 12, 3, 8, tzinfo=UTC),
            next_attempt_at=datetime(2026, 12, 3, 8, tzinfo=UTC),
        )
    )
    db.flush()
    return client


def add_plain_client(
    db: Session, *, coach_id: int, name: str, email: str = "", notes: str = "", goal: str = "Rust"
) -> int:
    """A client added the way the app adds one (checked, scoped); returns the id."""
    return add_client(
        db,
        coach_id=coach_id,
        name=name,
        email=email,
        phone="",
        notes=notes,
        trajectory=TrajectoryInput(goal=goal, started_on=TODAY, planned_sessions=8),
    )
