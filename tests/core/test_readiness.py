"""The readiness rules, one by one: each flag for its own reason and not otherwise."""

from dataclasses import replace
from datetime import timedelta

import pytest

from core.readiness import Flag, ReadinessFacts, readiness_flags
from db.models import TrajectoryStatus
from tests.conftest import TODAY

# An active 8-session trajectory at session 7 with everything prepared: no flags.
READY = ReadinessFacts(
    status=TrajectoryStatus.ACTIVE,
    planned_sessions=8,
    held_sessions=7,
    intensive=False,
    ended_on=None,
    closing_planned=True,
    shortest_closing_minutes=90,
    single_closing_planned=True,
    client_evaluation=True,
    evaluation_form_sent=True,
    retention_plan=True,
    feedback_asked=False,
    door_kept_open=False,
)


def flags(**changes: object) -> list[Flag]:
    return readiness_flags(replace(READY, **changes), today=TODAY)  # type: ignore[arg-type]


def test_a_well_prepared_trajectory_has_no_flags() -> None:
    assert flags() == []


def test_no_closing_planned_in_the_last_two_sessions() -> None:
    assert flags(
        closing_planned=False, shortest_closing_minutes=None, single_closing_planned=False
    ) == [Flag.NO_CLOSING_PLANNED]
    early = flags(
        held_sessions=4,
        closing_planned=False,
        client_evaluation=False,
        evaluation_form_sent=False,
        retention_plan=False,
    )
    assert early == []  # mid-trajectory: nothing to prepare yet


@pytest.mark.parametrize(("minutes", "flagged"), [(30, True), (59, True), (60, False)])
def test_a_closing_shorter_than_an_hour(minutes: int, flagged: bool) -> None:
    assert (Flag.CLOSING_TOO_SHORT in flags(shortest_closing_minutes=minutes)) is flagged


@pytest.mark.parametrize(
    ("planned", "intensive", "flagged"), [(10, False, True), (8, True, True), (8, False, False)]
)
def test_long_or_intensive_with_a_single_closing(
    planned: int, intensive: bool, flagged: bool
) -> None:
    result = flags(planned_sessions=planned, held_sessions=planned - 1, intensive=intensive)
    assert (Flag.ADVISE_TWO_SESSIONS in result) is flagged
    two = flags(
        planned_sessions=planned,
        held_sessions=planned - 1,
        intensive=intensive,
        single_closing_planned=False,
    )
    assert Flag.ADVISE_TWO_SESSIONS not in two


def test_no_evaluation_form_before_the_closing() -> None:
    assert flags(client_evaluation=False, evaluation_form_sent=False) == [Flag.NO_EVALUATION_FORM]
    assert flags(client_evaluation=False) == []  # sent, not back yet: nothing to do now


def test_no_retention_plan_before_the_closing() -> None:
    assert flags(retention_plan=False) == [Flag.NO_RETENTION_PLAN]


def test_feedback_and_open_door_after_the_first_closing_session() -> None:
    in_closing = flags(status=TrajectoryStatus.CLOSING)
    assert in_closing == [Flag.FEEDBACK_NOT_ASKED, Flag.DOOR_NOT_OPEN]
    done = flags(status=TrajectoryStatus.CLOSING, feedback_asked=True, door_kept_open=True)
    assert done == []


def test_a_recent_closing_still_reminds_and_an_old_one_does_not() -> None:
    recent = flags(
        status=TrajectoryStatus.CLOSED, ended_on=TODAY - timedelta(days=10), closing_planned=False
    )
    assert recent == [Flag.FEEDBACK_NOT_ASKED, Flag.DOOR_NOT_OPEN]
    old = flags(
        status=TrajectoryStatus.CLOSED, ended_on=TODAY - timedelta(days=90), closing_planned=False
    )
    assert old == []
