"""GAS goals: set, scored, and the T-score only once every goal is scored."""

import pytest
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationError
from core.gas import (
    add_gas_goal,
    distinct_labels,
    goals_t_score,
    list_gas_goals,
    set_gas_level,
)
from core.trends import load_session_trends
from tests.factories import make_coach, make_trajectory


def test_the_t_score_comes_when_every_goal_is_scored(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, name="Gas Klant")
    first = add_gas_goal(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        description="Twee keer per week sporten",
        expected="Twee keer",
        weight=1,
    )
    second = add_gas_goal(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        description="Nee zeggen in het overleg",
        expected="",
        weight=1,
    )
    set_gas_level(db, coach_id=coach.id, goal_id=first, level=1)
    goals = list_gas_goals(db, coach_id=coach.id, trajectory_id=trajectory.id)
    assert goals_t_score(goals) is None
    assert load_session_trends(db, coach_id=coach.id, coach_ids=[coach.id]).gas.empty
    set_gas_level(db, coach_id=coach.id, goal_id=second, level=1)
    # Two goals, both +1, weight 1: 50 + 10·2/√(0.7·2 + 0.3·4) = 50 + 20/√2.6
    expected = 50 + 20 / 2.6**0.5
    assert goals_t_score(list_gas_goals(db, coach_id=coach.id, trajectory_id=trajectory.id)) == (
        pytest.approx(expected)
    )
    [row] = load_session_trends(db, coach_id=coach.id, coach_ids=[coach.id]).gas.to_dict("records")
    assert (row["client"], row["goals"]) == ("Gas Klant", 2)
    assert row["t_score"] == pytest.approx(expected)


def test_bad_goals_and_levels_are_refused_and_scope_holds(db: Session) -> None:
    coach, other = make_coach(db), make_coach(db, "ander")
    trajectory = make_trajectory(db, coach)
    with pytest.raises(ValidationError) as refused:
        add_gas_goal(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            description=" ",
            expected="",
            weight=0,
        )
    assert refused.value.errors == {
        "description": "validation.required",
        "weight": "gas.weight_range",
    }
    goal = add_gas_goal(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        description="Doel",
        expected="",
        weight=2,
    )
    with pytest.raises(ValidationError):
        set_gas_level(db, coach_id=coach.id, goal_id=goal, level=3)
    with pytest.raises(NotFound):
        set_gas_level(db, coach_id=other.id, goal_id=goal, level=1)
    with pytest.raises(NotFound):
        list_gas_goals(db, coach_id=other.id, trajectory_id=trajectory.id)


def test_two_clients_with_one_name_get_a_bar_each() -> None:
    names = ["Willem van der Meer", "Anna Jansen", "Willem van der Meer", "Willem van der Meer"]
    assert distinct_labels(names) == [
        "Willem van der Meer",
        "Anna Jansen",
        "Willem van der Meer (2)",
        "Willem van der Meer (3)",
    ]
