"""Where a trajectory stands, and the rules that say what it needs next."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, select

from db.models import (
    CLOSING_KINDS,
    Client,
    CoachingSession,
    SessionKind,
    SessionStatus,
    Trajectory,
    TrajectoryStatus,
)

LONG_TRAJECTORY_SESSIONS = 10  # from here on, two closing sessions of 60 minutes are advised
MINIMUM_CLOSING_MINUTES = 60  # never "ten minutes at the end"
INTERMEDIATE_MIN_PLANNED = 6  # shorter trajectories skip the formal intermediate evaluation


@dataclass(frozen=True)
class TrajectoryProgress:
    """Counts for one active trajectory, enough to apply the rules below."""

    trajectory_id: int
    client_id: int
    client_name: str
    planned_sessions: int
    held_sessions: int
    intensive: bool
    has_planned_closing: bool
    has_intermediate: bool
    next_session_at: datetime | None

    @property
    def nearing_end(self) -> bool:
        """Within the last two planned sessions and no closing planned yet."""
        return self.held_sessions >= self.planned_sessions - 2 and not self.has_planned_closing

    @property
    def intermediate_due(self) -> bool:
        """Around the middle (session 4–5 of 8–10) without a formal intermediate evaluation."""
        middle = self.planned_sessions // 2
        return (
            self.planned_sessions >= INTERMEDIATE_MIN_PLANNED
            and not self.has_intermediate
            and middle - 1 <= self.held_sessions < self.planned_sessions - 2
        )

    @property
    def advise_two_sessions(self) -> bool:
        """A long (10+ sessions) or intensive trajectory closes better in two sessions."""
        return self.planned_sessions >= LONG_TRAJECTORY_SESSIONS or self.intensive


ProgressRow = Select[int, int, str, int, int, bool, bool, bool, datetime | None]


def progress_query(*, coach_id: int, now: datetime) -> ProgressRow:
    """One row per active trajectory of `coach_id` with its session counts (one GROUP BY)."""
    s = CoachingSession
    held = func.count(s.id).filter(
        and_(
            s.status == SessionStatus.HELD,
            s.kind.in_((SessionKind.REGULAR, SessionKind.INTERMEDIATE)),
        )
    )
    planned_closing = func.count(s.id).filter(
        and_(s.status == SessionStatus.PLANNED, s.kind.in_(CLOSING_KINDS))
    )
    intermediate = func.count(s.id).filter(
        and_(s.kind == SessionKind.INTERMEDIATE, s.status != SessionStatus.CANCELLED)
    )
    next_session = func.min(s.scheduled_at).filter(
        and_(s.status == SessionStatus.PLANNED, s.scheduled_at >= now)
    )
    return (
        select(
            Trajectory.id,
            Client.id,
            Client.name,
            Trajectory.planned_sessions,
            held,
            Trajectory.intensive,
            planned_closing > 0,
            intermediate > 0,
            next_session,
        )
        .select_from(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .outerjoin(s, s.trajectory_id == Trajectory.id)
        .where(
            Client.coach_id == coach_id,
            # Start from the coach's clients, not from every active trajectory on the platform.
            Trajectory.client_id.in_(select(Client.id).where(Client.coach_id == coach_id)),
            Trajectory.status == TrajectoryStatus.ACTIVE,
        )
        .group_by(
            Trajectory.id,
            Client.id,
            Client.name,
            Trajectory.planned_sessions,
            Trajectory.intensive,
        )
        .order_by(Client.name)
    )
