"""The demo generator: deterministic, believable, any size."""

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.trends import load_outcome_trends, protocol_figures
from db.demo import DEMO_PASSWORD, DEMO_USERNAME, has_demo_practice
from db.models import Client, Outcome, OutcomeKind, Trajectory, TrajectoryStatus
from db.passwords import verify_password
from tests.factories import make_practice


def _client_names(db: Session) -> list[str]:
    return list(db.scalars(select(Client.name).order_by(Client.id)))


def test_the_demo_login_works_and_is_the_practice_owner(db: Session) -> None:
    demo = make_practice(db, coaches=2, clients_each=3)[0]
    assert has_demo_practice(db)
    assert demo.username == DEMO_USERNAME and demo.role.value == "owner"
    assert verify_password(DEMO_PASSWORD, demo.password_hash)


def test_the_same_seed_gives_the_same_practice(engine, db: Session) -> None:  # type: ignore[no-untyped-def]
    make_practice(db, coaches=1, clients_each=12)
    first = _client_names(db)
    db.rollback()
    make_practice(db, coaches=1, clients_each=12)
    assert _client_names(db) == first


def test_forty_clients_cover_every_stage_of_a_trajectory(db: Session) -> None:
    make_practice(db, coaches=1, clients_each=40)
    statuses = Counter(db.scalars(select(Trajectory.status)))
    assert set(statuses) == set(TrajectoryStatus)
    closed = db.execute(
        select(Trajectory.full_protocol, func.count())
        .where(Trajectory.status == TrajectoryStatus.CLOSED)
        .group_by(Trajectory.full_protocol)
    ).all()
    assert {protocol for protocol, _ in closed} == {True, False}
    kinds = set(db.scalars(select(Outcome.kind)))
    assert {OutcomeKind.REFERRAL, OutcomeKind.RETURNING, OutcomeKind.REVIEW} <= kinds
    returning = db.scalar(
        select(func.count()).select_from(
            select(Trajectory.client_id)
            .group_by(Trajectory.client_id)
            .having(func.count() > 1)
            .subquery()
        )
    )
    assert returning and returning >= 1


def test_the_size_scales_per_coach(db: Session) -> None:
    coaches = make_practice(db, coaches=3, clients_each=5)
    per_coach = Counter(db.scalars(select(Client.coach_id)))
    assert per_coach == {c.id: 5 for c in coaches}


def test_the_demo_does_not_build_in_the_protocols_effect(db: Session) -> None:
    """The demo shows how the figures look, not that the full protocol works: with and
    without differ modestly, and not all in the protocol's favour."""
    coaches = make_practice(db, coaches=2, clients_each=40)
    ids = [coach.id for coach in coaches]
    figures = protocol_figures(load_outcome_trends(db, coach_id=ids[0], coach_ids=ids).closed)
    differences = {
        f.key: f.with_protocol - f.without_protocol
        for f in figures
        if f.unit == "share" and f.with_protocol is not None and f.without_protocol is not None
    }
    assert len(differences) == 3  # retained, returning clients, reviews given
    assert all(abs(difference) <= 0.4 for difference in differences.values()), differences
    assert any(difference <= 0 for difference in differences.values()), differences
    assert not any(f.told_apart() for f in figures)  # no difference the data can carry
