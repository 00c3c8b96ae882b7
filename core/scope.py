"""Whose figures a viewer may see: a coach their own, a practice owner the practice's."""

from dataclasses import dataclass
from datetime import date
from typing import TypedDict, TypeVarTuple

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Client, Coach, Role, Trajectory, TrajectoryStatus

Columns = TypeVarTuple("Columns")


class ViewScope(TypedDict):
    """What every figure loader is asked: by whom, about which coaches, filtered how."""

    coach_id: int
    coach_ids: list[int]
    since: date | None
    status: TrajectoryStatus | None


@dataclass(frozen=True)
class CoachRef:
    """A coach whose figures are in view."""

    coach_id: int
    name: str


def coaches_in_view(session: Session, *, coach_id: int) -> list[CoachRef]:
    """The coach alone, or for a practice owner every coach of the practice."""
    me = session.get_one(Coach, coach_id)
    if me.role is not Role.OWNER or me.practice_id is None:
        return [CoachRef(me.id, me.display_name)]
    rows = session.execute(
        select(Coach.id, Coach.display_name)
        .where(Coach.practice_id == me.practice_id)
        .order_by(Coach.display_name)
    )
    return [CoachRef(*row) for row in rows]


def allowed_coaches(session: Session, coach_id: int, coach_ids: list[int]) -> list[int]:
    """The requested coaches the viewer may see: a crafted request can widen nothing (one
    statement: the viewer themself, or as a practice owner the practice's coaches)."""
    viewer = aliased(Coach)
    visible = or_(
        Coach.id == viewer.id,
        (viewer.role == Role.OWNER) & (Coach.practice_id == viewer.practice_id),
    )
    rows = session.scalars(
        select(Coach.id).join(viewer, viewer.id == coach_id).where(Coach.id.in_(coach_ids), visible)
    )
    allowed = set(rows)
    return [c for c in coach_ids if c in allowed]


@dataclass(frozen=True)
class Selection:
    """The trajectories a page's figures are about: the coaches in view (already checked),
    started on or after `since`, in `status`."""

    coach_ids: list[int]
    since: date | None = None
    status: TrajectoryStatus | None = None

    def apply(self, stmt: Select[*Columns]) -> Select[*Columns]:
        """`stmt`, joined to Trajectory and Client, narrowed to these trajectories."""
        stmt = stmt.where(Client.coach_id.in_(self.coach_ids))
        if self.since is not None:
            stmt = stmt.where(Trajectory.started_on >= self.since)
        if self.status is not None:
            stmt = stmt.where(Trajectory.status == self.status)
        return stmt


def selection_in_view(
    session: Session,
    *,
    coach_id: int,
    coach_ids: list[int],
    since: date | None = None,
    status: TrajectoryStatus | None = None,
) -> Selection:
    """The trajectories a viewer asked for, narrowed to the coaches they may see."""
    return Selection(allowed_coaches(session, coach_id, coach_ids), since, status)
