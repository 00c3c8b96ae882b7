"""The client list and client records: filters, sorting, validation, scope, SQL count."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from core.clients import (
    SortKey,
    TrajectoryInput,
    add_client,
    client_table,
    list_clients,
    sort_clients,
    start_trajectory,
    update_client,
    update_trajectory,
)
from core.errors import NotFound, ValidationError
from db.models import Client, Outcome, OutcomeKind, TrajectoryStatus
from tests.conftest import NOW, TODAY
from tests.factories import add_plain_client, make_coach, make_practice, make_trajectory

GOAL = TrajectoryInput(goal="Rust in mijn week", started_on=TODAY, planned_sessions=8)


def _list(db: Session, coach_id: int, **filters: object) -> list:  # type: ignore[type-arg]
    return list_clients(db, coach_id=coach_id, now=NOW, today=TODAY, **filters)  # type: ignore[arg-type]


def _count_statements(db: Session, action: Callable[[], object]) -> int:
    engine: Engine = db.get_bind().engine
    statements = []

    def count(*_args: object) -> None:
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_is_one_statement_at_40_and_at_400_clients(db: Session) -> None:
    small = make_practice(db, coaches=1, clients_each=40)[0]
    assert _count_statements(db, lambda: _list(db, small.id)) == 1
    db.rollback()
    big = make_practice(db, coaches=1, clients_each=400)[0]
    rows: list = []  # type: ignore[type-arg]
    assert _count_statements(db, lambda: rows.extend(_list(db, big.id))) == 1
    assert len(rows) == 400


def test_search_is_case_insensitive_and_takes_special_characters_literally(db: Session) -> None:
    coach = make_coach(db)
    make_trajectory(db, coach, name="Anna de Vries")
    make_trajectory(db, coach, name="Bram 100%")
    make_trajectory(db, coach, name="Cas_Jansen")
    assert [r.name for r in _list(db, coach.id, query="DE VR")] == ["Anna de Vries"]
    assert [r.name for r in _list(db, coach.id, query="%")] == ["Bram 100%"]
    assert [r.name for r in _list(db, coach.id, query="_")] == ["Cas_Jansen"]


def test_the_status_filter_looks_at_the_latest_trajectory(db: Session) -> None:
    coach = make_practice(db, coaches=1, clients_each=40)[0]
    closing = _list(db, coach.id, status=TrajectoryStatus.CLOSING)
    assert closing and {r.status for r in closing} == {TrajectoryStatus.CLOSING}
    everyone = _list(db, coach.id)
    assert len(everyone) == 40
    assert sum(r.status is TrajectoryStatus.CLOSING for r in everyone) == len(closing)


def test_a_row_shows_progress_scores_and_what_comes_next(db: Session) -> None:
    coach = make_practice(db, coaches=1, clients_each=40)[0]
    rows = _list(db, coach.id)
    active = [r for r in rows if r.status is TrajectoryStatus.ACTIVE]
    assert all(r.start_score is not None and r.latest_score is not None for r in rows)
    assert all(r.next_session_at is not None for r in active if r.held_sessions < 7)
    assert any(r.next_follow_up_on is not None for r in rows)
    table = client_table(rows, language="nl", timezone="Europe/Amsterdam", today=TODAY)
    assert list(table[0]) == [
        "Cliënt",
        "Aandacht",
        "Status",
        "Sessies",
        "Score",
        "Volgende sessie",
        "Volgende follow-up",
        "Doel",
    ]
    assert "→" in str(table[0]["Score"])


@pytest.mark.parametrize("key", list(SortKey))
def test_every_sort_key_orders_the_rows(db: Session, key: SortKey) -> None:
    coach = make_practice(db, coaches=1, clients_each=20)[0]
    rows = sort_clients(_list(db, coach.id), key)
    assert len(rows) == 20
    if key is SortKey.FLAGS:
        assert [len(r.flags) for r in rows] == sorted((len(r.flags) for r in rows), reverse=True)
    if key is SortKey.NEXT_FOLLOW_UP:
        dates = [r.next_follow_up_on for r in rows if r.next_follow_up_on]
        assert dates == sorted(dates) and rows[0].next_follow_up_on is not None


def test_adding_a_client_starts_their_first_trajectory(db: Session) -> None:
    coach = make_coach(db)
    client_id = add_client(
        db,
        coach_id=coach.id,
        name=" Iris  ",
        email="iris@example.org",
        phone="",
        notes="",
        trajectory=GOAL,
    )
    [row] = _list(db, coach.id)
    assert (row.client_id, row.name, row.status, row.planned_sessions) == (
        client_id,
        "Iris",
        TrajectoryStatus.ACTIVE,
        8,
    )


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("name", {"name": "  "}, "validation.name_empty"),
        ("name", {"name": "x" * 121}, "validation.name_long"),
        ("email", {"email": "iris@"}, "validation.email_invalid"),
        ("email", {"email": "BESTAAT@example.org"}, "validation.email_taken"),
        ("goal", {"trajectory": TrajectoryInput("", TODAY, 8)}, "validation.required"),
        (
            "planned_sessions",
            {"trajectory": TrajectoryInput("Doel", TODAY, 0)},
            "validation.planned_sessions",
        ),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(
    db: Session, field: str, values: dict[str, object], message: str
) -> None:
    coach = make_coach(db)
    add_client(
        db,
        coach_id=coach.id,
        name="Er al",
        email="bestaat@example.org",
        phone="",
        notes="",
        trajectory=GOAL,
    )
    before = db.scalar(select(func.count()).select_from(Client))
    arguments = {"name": "Iris", "email": "", "phone": "", "notes": "", "trajectory": GOAL}
    with pytest.raises(ValidationError) as refused:
        add_client(db, coach_id=coach.id, **{**arguments, **values})  # type: ignore[arg-type]
    assert refused.value.errors[field] == message
    assert db.scalar(select(func.count()).select_from(Client)) == before


def test_the_same_email_may_exist_with_another_coach(db: Session) -> None:
    mine, theirs = make_coach(db, "mijn"), make_coach(db, "hun")
    for coach in (mine, theirs):
        add_client(
            db,
            coach_id=coach.id,
            name="Iris",
            email="iris@example.org",
            phone="",
            notes="",
            trajectory=GOAL,
        )
    assert len(_list(db, mine.id)) == len(_list(db, theirs.id)) == 1


def test_an_end_date_before_the_start_is_refused(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach)
    with pytest.raises(ValidationError) as refused:
        update_trajectory(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            goal="Doel",
            started_on=TODAY,
            ended_on=TODAY - timedelta(days=1),
            planned_sessions=8,
            intensive=False,
            status=TrajectoryStatus.CLOSED,
            today=TODAY,
        )
    assert refused.value.errors == {"ended_on": "validation.end_before_start"}


def test_a_returning_client_gets_a_new_trajectory_and_counts_as_returning(db: Session) -> None:
    coach = make_coach(db)
    old = make_trajectory(db, coach, held=8)
    old.status, old.ended_on = TrajectoryStatus.CLOSED, TODAY - timedelta(days=20)
    new_id = start_trajectory(db, coach_id=coach.id, client_id=old.client_id, trajectory=GOAL)
    [row] = _list(db, coach.id)
    assert row.trajectory_id == new_id and row.status is TrajectoryStatus.ACTIVE
    kinds = db.scalars(select(Outcome.kind).where(Outcome.trajectory_id == old.id)).all()
    assert kinds == [OutcomeKind.RETURNING]
    with pytest.raises(ValidationError):  # one running trajectory at a time
        start_trajectory(db, coach_id=coach.id, client_id=old.client_id, trajectory=GOAL)


def test_another_coachs_client_can_be_neither_seen_nor_changed(db: Session) -> None:
    mine, theirs = make_practice(db, coaches=2, clients_each=5)
    their_client = db.scalar(select(Client).where(Client.coach_id == theirs.id))
    assert their_client is not None
    assert their_client.id not in {r.client_id for r in _list(db, mine.id)}
    assert _list(db, mine.id, client_id=their_client.id) == []
    with pytest.raises(NotFound):
        update_client(
            db,
            coach_id=mine.id,
            client_id=their_client.id,
            name="Gekaapt",
            email="",
            phone="",
            notes="",
        )
    with pytest.raises(NotFound):
        start_trajectory(db, coach_id=mine.id, client_id=their_client.id, trajectory=GOAL)
    referred = TrajectoryInput("Doel", TODAY, 8, referred_by_client_id=their_client.id)
    with pytest.raises(NotFound):  # a crafted form naming their client as referrer
        add_client(
            db, coach_id=mine.id, name="Nieuw", email="", phone="", notes="", trajectory=referred
        )
    db.refresh(their_client)
    assert their_client.name != "Gekaapt"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("zoe", ["Zoë Willems"]),
        ("ozturk", ["Mehmet Öztürk"]),
        ("ÖZTÜRK", ["Mehmet Öztürk"]),
        ("renee", ["Renée Çelik"]),
        ("celik", ["Renée Çelik"]),
        ("e", ["Mehmet Öztürk", "Renée Çelik", "Zoë Willems"]),
    ],
)
def test_search_ignores_accents_and_case(db: Session, typed: str, found: list[str]) -> None:
    coach = make_coach(db)
    for name in ("Zoë Willems", "Mehmet Öztürk", "Renée Çelik"):
        add_plain_client(db, coach_id=coach.id, name=name)
    rows = list_clients(db, coach_id=coach.id, now=NOW, today=TODAY, query=typed)
    assert [row.name for row in rows] == found
