"""The feedback overview: what clients said, newest first, scoped to who may see it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from core.feedback import list_feedback
from db.models import Evaluation, Role, Source, TrajectoryStatus
from tests.conftest import TODAY
from tests.factories import make_coach, make_trajectory

EARLIER = datetime(2026, 10, 1, 9, tzinfo=UTC)
LATER = datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_the_coach_sees_what_clients_said_newest_first_and_only_their_own(db: Session) -> None:
    coach, other = make_coach(db), make_coach(db, "ander")
    first = make_trajectory(db, coach, name="Anna Eerder")
    second = make_trajectory(db, coach, name="Bram Later")
    theirs = make_trajectory(db, other, name="Geheim")
    db.add_all(
        [
            Evaluation(
                trajectory_id=first.id,
                source=Source.CLIENT,
                submitted_at=EARLIER,
                most_valuable="De rust",
                could_be_better="Meer huiswerk",
                recommend_score=9,
            ),
            Evaluation(
                trajectory_id=second.id,
                source=Source.CLIENT,
                submitted_at=LATER,
                most_valuable="Het doorvragen",
                recommend_score=6,
            ),
            # In the closing, the coach noted why the client would (not) recommend them.
            Evaluation(
                trajectory_id=second.id,
                source=Source.COACH,
                submitted_at=LATER,
                recommend_reason="Te weinig structuur in het begin",
            ),
            Evaluation(
                trajectory_id=theirs.id, source=Source.CLIENT, most_valuable="Niet voor jou"
            ),
        ]
    )
    db.flush()
    rows = list_feedback(db, coach_id=coach.id, coach_ids=[coach.id, other.id])
    assert [r.client_name for r in rows] == ["Bram Later", "Anna Eerder"]
    assert (rows[0].helped_most, rows[0].recommend_score, rows[0].recommend_reason) == (
        "Het doorvragen",
        6,
        "Te weinig structuur in het begin",
    )
    assert rows[1].could_be_better == "Meer huiswerk"
    # The other coach's client never shows, whatever is asked for.
    assert all(r.client_name != "Geheim" for r in rows)
    coach.role = Role.OWNER  # an owner without a practice still sees only themself
    db.flush()
    assert {
        r.client_name for r in list_feedback(db, coach_id=coach.id, coach_ids=[other.id])
    } == set()


def test_feedback_follows_the_pages_filters_and_shows_the_newest(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach = make_coach(db)
    old = make_trajectory(db, coach, name="Oud Traject", started=TODAY - timedelta(days=400))
    recent = make_trajectory(db, coach, name="Nieuw Traject", started=TODAY - timedelta(days=30))
    newest = make_trajectory(db, coach, name="Nieuwste", started=TODAY - timedelta(days=20))
    recent.status = TrajectoryStatus.CLOSED
    for number, trajectory in enumerate((old, recent, newest)):
        db.add(
            Evaluation(
                trajectory_id=trajectory.id,
                source=Source.CLIENT,
                submitted_at=EARLIER + timedelta(days=number),
                most_valuable="Iets",
            )
        )
    db.flush()
    since = TODAY - timedelta(days=60)
    names = [
        r.client_name
        for r in list_feedback(db, coach_id=coach.id, coach_ids=[coach.id], since=since)
    ]
    assert names == ["Nieuwste", "Nieuw Traject"]
    closed = list_feedback(
        db, coach_id=coach.id, coach_ids=[coach.id], status=TrajectoryStatus.CLOSED
    )
    assert [r.client_name for r in closed] == ["Nieuw Traject"]
    monkeypatch.setattr("core.feedback.FEEDBACK_SHOWN", 2)
    shown = list_feedback(db, coach_id=coach.id, coach_ids=[coach.id])
    assert [r.client_name for r in shown] == ["Nieuwste", "Nieuw Traject"]
