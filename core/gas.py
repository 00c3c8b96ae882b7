"""Goal Attainment Scaling (GAS): goals with an expected outcome, scored −2…+2 at the end."""

import math
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clients import own_trajectory
from core.errors import NotFound, ValidationError
from core.scope import Selection
from core.validation import text_problem
from db.models import Client, GasGoal, Trajectory

GAS_LEVELS = (-2, -1, 0, 1, 2)
GAS_RHO = 0.3  # the usual inter-goal correlation in the GAS T-score


def gas_t_score(goals: list[tuple[int, float]], rho: float = GAS_RHO) -> float | None:
    """GAS T-score from (attained level −2…+2, weight) pairs:
    T = 50 + 10·Σwᵢxᵢ / √((1−ρ)Σwᵢ² + ρ(Σwᵢ)²)."""
    if not goals:
        return None
    weighted = sum(weight * level for level, weight in goals)
    squares = sum(weight**2 for _, weight in goals)
    total = sum(weight for _, weight in goals)
    return 50 + 10 * weighted / math.sqrt((1 - rho) * squares + rho * total**2)


@dataclass(frozen=True)
class GasGoalRow:
    """One GAS goal as the client page lists it."""

    goal_id: int
    description: str
    expected: str | None
    weight: float
    attained_level: int | None


def goals_t_score(goals: list[GasGoalRow]) -> float | None:
    """The T-score once every goal has an attained level; None before that."""
    levels = [(g.attained_level, g.weight) for g in goals if g.attained_level is not None]
    return gas_t_score(levels) if goals and len(levels) == len(goals) else None


def list_gas_goals(session: Session, *, coach_id: int, trajectory_id: int) -> list[GasGoalRow]:
    """The trajectory's GAS goals, in the order they were set."""
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    goals = session.scalars(
        select(GasGoal).where(GasGoal.trajectory_id == trajectory_id).order_by(GasGoal.id)
    )
    return [GasGoalRow(g.id, g.description, g.expected, g.weight, g.attained_level) for g in goals]


def add_gas_goal(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    description: str,
    expected: str,
    weight: float,
) -> int:
    """A GAS goal for the trajectory; returns its id."""
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    errors = {}
    if problem := text_problem(description, required=True):
        errors["description"] = problem
    elif len(description.strip()) > 300:
        errors["description"] = "gas.description_long"
    if problem := text_problem(expected):
        errors["expected"] = problem
    if not 0 < weight <= 10:
        errors["weight"] = "gas.weight_range"
    if errors:
        raise ValidationError(errors)
    goal = GasGoal(
        trajectory_id=trajectory_id,
        description=description.strip(),
        expected=expected.strip() or None,
        weight=weight,
    )
    session.add(goal)
    session.flush()
    return goal.id


def set_gas_level(session: Session, *, coach_id: int, goal_id: int, level: int | None) -> None:
    """Record the level attained (−2…+2), usually at the closing; None clears it."""
    goal = session.scalar(
        select(GasGoal)
        .join(Trajectory, Trajectory.id == GasGoal.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(GasGoal.id == goal_id, Client.coach_id == coach_id)
    )
    if goal is None:
        raise NotFound("gas_goal")
    if level is not None and level not in GAS_LEVELS:
        raise ValidationError({"level": "gas.level_range"})
    goal.attained_level = level
    session.flush()


def gas_scores(session: Session, *, selection: Selection) -> pd.DataFrame:
    """The GAS T-score of each trajectory in `selection` whose goals all have a level.

    Trusts its coaches: call it through core.trends.load_trends, which checks the scope."""
    stmt = (
        select(
            GasGoal.trajectory_id,
            Client.name.label("client"),
            GasGoal.attained_level.label("level"),
            GasGoal.weight,
        )
        .join(Trajectory, Trajectory.id == GasGoal.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .order_by(GasGoal.trajectory_id, GasGoal.id)
    )
    scored = []
    # Plain rows, grouped as they come (ordered by trajectory): a pandas group per trajectory
    # cost 170 ms for a practice of 2,000 clients.
    rows = session.execute(selection.apply(stmt))
    for trajectory_id, group in groupby(rows, key=itemgetter(0)):
        goals = list(group)
        pairs = [(level, float(weight)) for _, _, level, weight in goals if level is not None]
        if len(pairs) < len(goals):
            continue  # not all goals scored yet: no T-score
        scored.append((trajectory_id, goals[0][1], len(goals), gas_t_score(pairs)))
    frame = pd.DataFrame(scored, columns=["trajectory_id", "client", "goals", "t_score"])
    return frame.assign(label=distinct_labels(list(frame["client"])))


def distinct_labels(names: list[str]) -> list[str]:
    """The names as a chart's bar labels: a repeated name gets " (2)", " (3)", so two
    clients called alike (or one client's second trajectory) never stack into one bar."""
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return labels
