"""A planned session's life: change, move, cancel, not held; one room at a time."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.agenda import cancel_session, list_planned_sessions, mark_not_held, reschedule_session
from core.clients import update_trajectory
from core.errors import NotFound, ValidationError
from core.sessions import plan_session
from core.timeline import get_timeline, timeline_rows
from db.models import (
    CoachingSession,
    FollowUp,
    FollowUpKind,
    SessionKind,
    SessionStatus,
    TrajectoryStatus,
)
from tests.conftest import NOW
from tests.factories import make_coach, make_trajectory

TZ = "Europe/Amsterdam"
TOMORROW_10 = NOW + timedelta(days=1, hours=1)  # 10:00 in Amsterdam


def _plan(db: Session, coach_id: int, trajectory_id: int, **changes: object) -> int:
    values: dict[str, object] = {
        "at": TOMORROW_10,
        "kind": SessionKind.CLOSING_90,
        "duration_minutes": 90,
    } | changes
    return plan_session(
        db,
        coach_id=coach_id,
        trajectory_id=trajectory_id,
        now=NOW,
        **values,  # type: ignore[arg-type]
    )


def test_a_closing_planned_too_short_is_fixed_and_moved(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=7)
    session_id = _plan(db, coach.id, trajectory.id, duration_minutes=45)
    reschedule_session(
        db,
        coach_id=coach.id,
        session_id=session_id,
        at=TOMORROW_10 + timedelta(days=2),
        kind=SessionKind.CLOSING_90,
        duration_minutes=90,
        now=NOW,
    )
    [planned] = list_planned_sessions(db, coach_id=coach.id, trajectory_id=trajectory.id)
    assert (planned.scheduled_at, planned.duration_minutes) == (
        TOMORROW_10 + timedelta(days=2),
        90,
    )


def test_a_session_overlapping_another_names_the_other_client(db: Session) -> None:
    coach = make_coach(db)
    first = make_trajectory(db, coach, name="Anna Eerst")
    second = make_trajectory(db, coach, name="Bas Later")
    _plan(db, coach.id, first.id)
    with pytest.raises(ValidationError) as refused:
        _plan(db, coach.id, second.id, at=TOMORROW_10 + timedelta(minutes=60), duration_minutes=60)
    assert refused.value.errors == {"at": "planned.overlap"}
    assert refused.value.values["at"] == {"client": "Anna Eerst", "when": TOMORROW_10}
    # Right after it is fine; and another coach's agenda is their own.
    _plan(db, coach.id, second.id, at=TOMORROW_10 + timedelta(minutes=90), duration_minutes=60)
    other = make_coach(db, "ander")
    _plan(db, other.id, make_trajectory(db, other, name="Cor").id)
    later = _plan(db, coach.id, second.id, at=TOMORROW_10 + timedelta(days=1))
    with pytest.raises(ValidationError):  # moving onto Anna's closing is refused too
        reschedule_session(
            db,
            coach_id=coach.id,
            session_id=later,
            at=TOMORROW_10 - timedelta(minutes=30),
            kind=SessionKind.REGULAR,
            duration_minutes=60,
            now=NOW,
        )


def test_cancel_and_not_held_show_in_the_timeline(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=3)
    cancelled = _plan(db, coach.id, trajectory.id, kind=SessionKind.REGULAR, duration_minutes=60)
    cancel_session(db, coach_id=coach.id, session_id=cancelled, reason="Ziek")
    missed = _plan(db, coach.id, trajectory.id, at=TOMORROW_10 + timedelta(days=7))
    with pytest.raises(ValidationError):  # not before it was due
        mark_not_held(db, coach_id=coach.id, session_id=missed, now=NOW)
    mark_not_held(db, coach_id=coach.id, session_id=missed, now=TOMORROW_10 + timedelta(days=8))
    statuses = {db.get_one(CoachingSession, s).status for s in (cancelled, missed)}
    assert statuses == {SessionStatus.CANCELLED, SessionStatus.NO_SHOW}
    with pytest.raises(ValidationError):  # a cancelled session stays cancelled
        cancel_session(db, coach_id=coach.id, session_id=cancelled, reason="")
    events = get_timeline(db, coach_id=coach.id, trajectory_id=trajectory.id, timezone=TZ)
    rows = timeline_rows(events, language="nl", timezone=TZ)
    texts = [(str(row["Wat"]), str(row["Details"])) for row in rows]
    assert ("Sessie geannuleerd", "Ziek") in texts
    assert any("niet doorgegaan: de cliënt kwam niet" in what for what, _ in texts), texts


def test_ending_a_trajectory_cancels_what_is_still_planned(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=8)
    _plan(db, coach.id, trajectory.id)
    kept = make_trajectory(db, coach, name="Blijft Gepland")
    _plan(db, coach.id, kept.id, at=TOMORROW_10 + timedelta(days=3))

    def close(trajectory_id: int, *, cancel_remaining: bool) -> None:
        update_trajectory(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory_id,
            goal="Rust",
            started_on=NOW.date() - timedelta(days=100),
            ended_on=NOW.date(),
            planned_sessions=8,
            intensive=False,
            status=TrajectoryStatus.CLOSED,
            today=NOW.date(),
            cancel_remaining=cancel_remaining,
        )

    close(trajectory.id, cancel_remaining=True)
    close(kept.id, cancel_remaining=False)
    assert list_planned_sessions(db, coach_id=coach.id, trajectory_id=trajectory.id) == []
    assert len(list_planned_sessions(db, coach_id=coach.id, trajectory_id=kept.id)) == 1


def test_closing_outside_the_live_closing_counts_without_protocol_and_plans_on_request(
    db: Session,
) -> None:
    coach = make_coach(db)
    today = NOW.date()
    quiet, contacts = make_trajectory(db, coach, held=8), make_trajectory(db, coach, held=8)

    def close(trajectory_id: int, *, plan_contacts: bool) -> None:
        update_trajectory(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory_id,
            goal="Rust",
            started_on=today - timedelta(days=100),
            ended_on=None,  # the coach left it empty: the end is today
            planned_sessions=8,
            intensive=False,
            status=TrajectoryStatus.CLOSED,
            today=today,
            plan_contacts=plan_contacts,
        )

    close(quiet.id, plan_contacts=False)
    close(contacts.id, plan_contacts=True)
    for trajectory in (quiet, contacts):
        db.refresh(trajectory)
        assert (trajectory.ended_on, trajectory.full_protocol) == (today, False)
    follow_ups = db.execute(
        select(FollowUp.trajectory_id, FollowUp.kind, FollowUp.due_on).order_by(FollowUp.due_on)
    ).all()
    assert [tuple(row) for row in follow_ups] == [
        (contacts.id, FollowUpKind.WEEK1_MAIL, today + timedelta(days=7)),
        (contacts.id, FollowUpKind.MONTH3_CHECKIN, today + timedelta(days=91)),
    ]


def test_another_coachs_session_cannot_be_changed(db: Session) -> None:
    coach = make_coach(db)
    other = make_coach(db, "ander")
    theirs = _plan(db, other.id, make_trajectory(db, other).id)
    with pytest.raises(NotFound):
        cancel_session(db, coach_id=coach.id, session_id=theirs, reason="")
    with pytest.raises(NotFound):
        mark_not_held(db, coach_id=coach.id, session_id=theirs, now=NOW + timedelta(days=9))
    assert list_planned_sessions(db, coach_id=coach.id, trajectory_id=theirs) == []


def test_a_form_from_before_another_tab_ended_the_trajectory_saves_nothing(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=8)
    today = NOW.date()
    form: dict[str, Any] = {
        "coach_id": coach.id,
        "trajectory_id": trajectory.id,
        "goal": "Rust",
        "started_on": today - timedelta(days=100),
        "planned_sessions": 8,
        "intensive": False,
        "today": today,
        "status_was": TrajectoryStatus.ACTIVE,  # what both tabs showed
    }
    update_trajectory(db, ended_on=today, status=TrajectoryStatus.STOPPED, **form)
    with pytest.raises(ValidationError) as refused:  # the first tab confirms later
        update_trajectory(db, ended_on=None, status=TrajectoryStatus.CLOSED, **form)
    assert refused.value.errors == {"status": "clients.status_changed_meanwhile"}
    db.refresh(trajectory)
    assert (trajectory.status, trajectory.ended_on) == (TrajectoryStatus.STOPPED, today)
