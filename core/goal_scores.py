"""A trajectory's goal scores read one at a time along the (trajectory, moment) index."""

from typing import Any

from sqlalchemy import ColumnElement, select

from db.models import GoalScore, Trajectory

EARLIEST = (GoalScore.measured_at, GoalScore.id)
LATEST = (GoalScore.measured_at.desc(), GoalScore.id.desc())


def first_score(column: Any, order: tuple[Any, ...], *where: ColumnElement[bool]) -> Any:
    """`column` of the trajectory's first goal score in `order`, for a statement over
    Trajectory: one index probe per trajectory, where a window or a group by over every
    score sorted them all first."""
    inner = select(column).where(GoalScore.trajectory_id == Trajectory.id, *where)
    return inner.order_by(*order).limit(1).correlate(Trajectory).scalar_subquery()
