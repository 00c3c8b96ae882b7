"""The life of a planned session: move it, change it, cancel it, or note that it wasn't held.

A coach is in one room at a time: a session that would overlap another of the same coach is
refused with the other client's name and time.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.clients import own_session
from core.errors import ValidationError
from core.validation import optional
from db.models import (
    Client,
    CoachingSession,
    SessionKind,
    SessionStatus,
    Trajectory,
    TrajectoryStatus,
)

MAX_MINUTES = 480
REASON_MAX = 200
# Sessions that take the coach's time: a cancelled one or a no-show frees it.
OCCUPYING = (SessionStatus.PLANNED, SessionStatus.HELD)


@dataclass(frozen=True)
class PlannedSession:
    """A session in the agenda that has not happened yet (or was not logged yet)."""

    session_id: int
    scheduled_at: datetime
    kind: SessionKind
    duration_minutes: int


PLANNED_COLUMNS = (
    CoachingSession.id,
    CoachingSession.scheduled_at,
    CoachingSession.kind,
    CoachingSession.duration_minutes,
)


def list_planned_sessions(
    session: Session, *, coach_id: int, trajectory_id: int
) -> list[PlannedSession]:
    """The trajectory's planned sessions, soonest first."""
    query = _planned_of(coach_id, *PLANNED_COLUMNS)
    rows = session.execute(query.where(CoachingSession.trajectory_id == trajectory_id))
    return [PlannedSession(*row) for row in rows]


def _planned_of(coach_id: int, *columns: Any) -> Select[Any]:
    """The coach's planned sessions (the given columns), soonest first."""
    return (
        select(*columns)
        .join(Trajectory, Trajectory.id == CoachingSession.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.coach_id == coach_id, CoachingSession.status == SessionStatus.PLANNED)
        .order_by(CoachingSession.scheduled_at)
    )


@dataclass(frozen=True)
class AgendaItem:
    """A planned session in the coach's calendar file."""

    session_id: int
    client_name: str
    scheduled_at: datetime
    kind: SessionKind
    duration_minutes: int


def list_agenda(session: Session, *, coach_id: int, now: datetime) -> list[AgendaItem]:
    """The coach's planned sessions from today on, in running trajectories, soonest first."""
    query = _planned_of(coach_id, CoachingSession.id, Client.name, *PLANNED_COLUMNS[1:])
    rows = session.execute(
        query.where(
            CoachingSession.scheduled_at >= now - timedelta(days=1),
            Trajectory.status.in_((TrajectoryStatus.ACTIVE, TrajectoryStatus.CLOSING)),
        )
    )
    return [AgendaItem(*row) for row in rows]


def get_planned_session(session: Session, *, coach_id: int, session_id: int) -> PlannedSession:
    """One planned session of the coach's (to fill in its log); NotFound otherwise."""
    record = _planned(session, coach_id, session_id)
    return PlannedSession(record.id, record.scheduled_at, record.kind, record.duration_minutes)


def check_free(
    session: Session,
    *,
    coach_id: int,
    at: datetime,
    duration_minutes: int,
    except_session: int | None = None,
) -> None:
    """ValidationError at `at` naming the client and time of a session this one would overlap."""
    end = at + timedelta(minutes=duration_minutes)
    nearby = session.execute(
        select(CoachingSession.id, CoachingSession.scheduled_at, CoachingSession.duration_minutes)
        .add_columns(Client.name)
        .join(Trajectory, Trajectory.id == CoachingSession.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(
            Client.coach_id == coach_id,
            CoachingSession.status.in_(OCCUPYING),
            CoachingSession.scheduled_at < end,
            CoachingSession.scheduled_at > at - timedelta(minutes=MAX_MINUTES),
        )
        .order_by(CoachingSession.scheduled_at)
    )
    for session_id, starts, minutes, name in nearby:
        if session_id != except_session and starts + timedelta(minutes=minutes) > at:
            raise ValidationError(
                {"at": "planned.overlap"}, {"at": {"client": name, "when": starts}}
            )


def reschedule_session(
    session: Session,
    *,
    coach_id: int,
    session_id: int,
    at: datetime,
    kind: SessionKind,
    duration_minutes: int,
    now: datetime,
) -> None:
    """Move a planned session, or change its kind or length."""
    record = _planned(session, coach_id, session_id)
    errors = {}
    if at < now and at != record.scheduled_at:
        errors["at"] = "sessions.plan_in_past"
    if not 5 <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = "validation.duration_range"
    if errors:
        raise ValidationError(errors)
    check_free(
        session,
        coach_id=coach_id,
        at=at,
        duration_minutes=duration_minutes,
        except_session=record.id,
    )
    record.scheduled_at = at
    record.kind = kind
    record.duration_minutes = duration_minutes
    session.flush()


def cancel_session(session: Session, *, coach_id: int, session_id: int, reason: str) -> None:
    """Cancel a planned session, with an optional reason the timeline shows."""
    record = _planned(session, coach_id, session_id)
    if len(reason.strip()) > REASON_MAX:
        raise ValidationError({"reason": "validation.text_long"})
    record.status = SessionStatus.CANCELLED
    record.cancel_reason = optional(reason)
    session.flush()


def mark_not_held(session: Session, *, coach_id: int, session_id: int, now: datetime) -> None:
    """The client didn't come: the planned session is kept as not held (no-show)."""
    record = _planned(session, coach_id, session_id)
    if record.scheduled_at > now:
        raise ValidationError({"status": "planned.not_yet"})
    record.status = SessionStatus.NO_SHOW
    session.flush()


def _planned(session: Session, coach_id: int, session_id: int) -> CoachingSession:
    record = own_session(session, coach_id=coach_id, session_id=session_id)
    if record.status is not SessionStatus.PLANNED:
        raise ValidationError({"status": "planned.not_planned"})
    return record
