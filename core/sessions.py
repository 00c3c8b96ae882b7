"""Logging a held session (with the short after-session check) and planning the next one."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.agenda import check_free
from core.clients import own_trajectory
from core.errors import ValidationError
from core.progress import TrajectoryProgress, progress_query
from core.timefmt import local_date
from core.validation import optional, score_problem, text_problem
from db.models import (
    CLOSING_KINDS,
    CoachingSession,
    GoalScore,
    ScoreKind,
    SessionKind,
    SessionStatus,
    Source,
    Trajectory,
    TrajectoryStatus,
)

SESSION_KINDS = tuple(SessionKind)
# The length a closing usually has: one of 90 minutes, or two sessions of 60.
CLOSING_MINUTES = {
    SessionKind.CLOSING_MINUS_1: 60,
    SessionKind.CLOSING_0: 60,
    SessionKind.CLOSING_90: 90,
}


def usual_minutes(kind: SessionKind, *, session_minutes: int) -> int:
    """The length a kind of session starts with: a closing's own, else the coach's usual."""
    return CLOSING_MINUTES.get(kind, session_minutes)


@dataclass(frozen=True)
class SessionLog:
    """What the coach notes right after a session."""

    held_at: datetime
    kind: SessionKind = SessionKind.REGULAR
    duration_minutes: int = 60
    notes: str = ""
    goal_score: int | None = None  # where the client stands on the goal now, 1–10
    rating: int | None = None  # "hoe was deze sessie?" 1–10
    takeaway: str = ""  # wat neem je mee
    open_points: str = ""  # is er nog iets te bespreken


def _log_problems(log: SessionLog) -> dict[str, str]:
    problems = {
        "goal_score": score_problem(log.goal_score),
        "rating": score_problem(log.rating),
        "duration_minutes": None
        if 5 <= log.duration_minutes <= 480
        else "validation.duration_range",
        "notes": text_problem(log.notes),
        "takeaway": text_problem(log.takeaway),
        "open_points": text_problem(log.open_points),
    }
    if log.kind is SessionKind.INTERMEDIATE and log.goal_score is None:
        problems["goal_score"] = "sessions.intermediate_needs_score"
    return {field: key for field, key in problems.items() if key}


def log_session(
    session: Session, *, coach_id: int, trajectory_id: int, log: SessionLog, timezone: str
) -> int:
    """Record a held session; a session planned for that day becomes this one. Returns its id."""
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    errors = _log_problems(log)
    if trajectory.status in (TrajectoryStatus.CLOSED, TrajectoryStatus.STOPPED):
        errors["held_at"] = "sessions.trajectory_ended"
    if errors:
        raise ValidationError(errors)
    day = local_date(log.held_at, timezone)
    planned = [
        s
        for s in session.scalars(
            select(CoachingSession).where(
                CoachingSession.trajectory_id == trajectory.id,
                CoachingSession.status == SessionStatus.PLANNED,
                CoachingSession.scheduled_at >= log.held_at - timedelta(days=1),
                CoachingSession.scheduled_at <= log.held_at + timedelta(days=1),
            )
        )
        if local_date(s.scheduled_at, timezone) == day
    ]
    record = planned[0] if planned else CoachingSession(trajectory_id=trajectory.id)
    numbered = log.kind in (SessionKind.REGULAR, SessionKind.INTERMEDIATE)
    if numbered:
        held = session.scalar(
            select(func.count(CoachingSession.id)).where(
                CoachingSession.trajectory_id == trajectory.id,
                CoachingSession.status == SessionStatus.HELD,
                CoachingSession.kind.in_((SessionKind.REGULAR, SessionKind.INTERMEDIATE)),
            )
        )
        record.number = (held or 0) + 1
    record.scheduled_at = log.held_at
    record.kind = log.kind
    record.status = SessionStatus.HELD
    record.duration_minutes = log.duration_minutes
    record.notes = optional(log.notes)
    record.session_rating = log.rating
    record.takeaway = optional(log.takeaway)
    record.open_points = optional(log.open_points)
    session.add(record)
    session.flush()
    if log.goal_score is not None:
        kind = {
            SessionKind.INTERMEDIATE: ScoreKind.INTERMEDIATE,
            **dict.fromkeys(CLOSING_KINDS, ScoreKind.CLOSING),
        }.get(log.kind, ScoreKind.SESSION)
        session.add(
            GoalScore(
                trajectory_id=trajectory.id,
                session_id=record.id,
                score=log.goal_score,
                measured_at=log.held_at,
                kind=kind,
                source=Source.COACH,
            )
        )
        session.flush()
    return record.id


def plan_session(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    at: datetime,
    kind: SessionKind,
    duration_minutes: int,
    now: datetime,
) -> int:
    """Put a session in the agenda; closings shorter than 60 minutes are allowed but flagged."""
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    errors = {}
    if at < now:
        errors["at"] = "sessions.plan_in_past"
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = "validation.duration_range"
    if trajectory.status in (TrajectoryStatus.CLOSED, TrajectoryStatus.STOPPED):
        errors["at"] = "sessions.trajectory_ended"
    if errors:
        raise ValidationError(errors)
    check_free(session, coach_id=coach_id, at=at, duration_minutes=duration_minutes)
    record = CoachingSession(
        trajectory_id=trajectory.id, scheduled_at=at, kind=kind, duration_minutes=duration_minutes
    )
    session.add(record)
    session.flush()
    return record.id


def get_progress(
    session: Session, *, coach_id: int, trajectory_id: int, now: datetime
) -> TrajectoryProgress | None:
    """Where an active trajectory stands (None when it is not active)."""
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    stmt = progress_query(coach_id=coach_id, now=now).where(Trajectory.id == trajectory_id)
    row = session.execute(stmt).one_or_none()
    return TrajectoryProgress(*row) if row else None
