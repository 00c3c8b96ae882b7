"""Transactions: a read can't write, and concurrent writers on SQLite wait their turn."""

import sqlite3
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import InternalError

from core.accounts import get_account, list_login_accounts
from core.config import ConfigError, Settings
from core.database import prepare_database, transaction
from core.errors import DatabaseUnavailable, ValidationError
from db.demo import DEMO_USERNAME
from db.engine import make_engine, make_session_factory
from db.migrate import downgrade_database, is_up_to_date, upgrade_database
from db.models import Client, Coach, Practice
from db.setup import schema_revision
from tests.conftest import TODAY
from tests.factories import add_plain_client, make_coach


def test_a_read_transaction_refuses_to_write(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        before = session.scalar(select(func.count(Practice.id)))
    # SQLite says "readonly database" (an OperationalError), PostgreSQL a read-only transaction.
    with pytest.raises((DatabaseUnavailable, InternalError)), transaction(factory) as session:
        session.add(Practice(name="Stilletjes erbij"))
    with transaction(factory, write=True) as session:
        assert session.scalar(select(func.count(Practice.id))) == before


def test_two_writers_that_read_first_both_succeed_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    upgrade_database(engine)
    factory = make_session_factory(engine)
    first_has_read = threading.Event()
    errors: list[Exception] = []

    def read_then_write(name: str, pause: float) -> None:
        try:
            with transaction(factory, write=True) as session:
                session.scalar(select(func.count(Practice.id)))
                first_has_read.set()
                # Without the write lock taken up front, the other writer commits during
                # this pause and this transaction's first write fails: "database is locked".
                time.sleep(pause)
                session.add(Practice(name=name))
        except Exception as error:  # the assertion below reports it
            errors.append(error)

    slow = threading.Thread(target=read_then_write, args=("Eerste praktijk", 0.5))
    slow.start()
    first_has_read.wait(5)
    read_then_write("Tweede praktijk", 0)
    slow.join(10)
    assert errors == []
    with transaction(factory) as session:
        names = set(session.scalars(select(Practice.name)))
    assert names == {"Eerste praktijk", "Tweede praktijk"}
    engine.dispose()


def test_a_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'praktijk.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    engine.dispose()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("praktijk.db")]
    assert files and all(p.stat().st_mode & 0o077 == 0 for p in files), files


def _settings(url: str, *, demo: bool) -> Settings:
    return Settings(database_url=url, demo_mode=demo, cookie_key="k-Zx9Cv3Bn7Mq1Wk5Ej8Rt2")


def test_demo_mode_never_fills_a_database_with_real_accounts(scratch_url: str) -> None:
    factory = prepare_database(_settings(scratch_url, demo=False), today=TODAY)
    with factory.begin() as session:
        make_coach(session, "echt")
    with pytest.raises(ConfigError) as refused:
        prepare_database(_settings(scratch_url, demo=True), today=TODAY)
    assert refused.value.message_key == "config.demo_on_real_data"
    with factory() as session:
        assert list(session.scalars(select(Coach.username))) == ["echt"]  # nothing added
    factory.kw["bind"].dispose()


def test_a_start_on_an_older_schema_migrates_it_and_keeps_the_accounts(scratch_url: str) -> None:
    factory = prepare_database(_settings(scratch_url, demo=False), today=TODAY)
    with factory.begin() as session:
        make_coach(session, "blijft")
    engine = factory.kw["bind"]
    downgrade_database(engine, "0014")
    prepare_database(_settings(scratch_url, demo=False), today=TODAY).kw["bind"].dispose()
    assert is_up_to_date(engine)
    with factory() as session:
        assert list(session.scalars(select(Coach.username))) == ["blijft"]
    engine.dispose()


def test_a_start_while_another_program_holds_the_file_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bezet.db'}"
    prepare_database(_settings(url, demo=True), today=TODAY).kw["bind"].dispose()
    holder = sqlite3.connect(tmp_path / "bezet.db")
    holder.execute("BEGIN EXCLUSIVE")  # e.g. a backup tool, past the 5 s busy timeout
    try:
        with pytest.raises(ConfigError) as refused:
            prepare_database(_settings(url, demo=True), today=TODAY)
    finally:
        holder.rollback()
        holder.close()
    assert refused.value.message_key == "config.database_busy"
    prepare_database(_settings(url, demo=True), today=TODAY).kw["bind"].dispose()  # free again


def test_a_sqlite_file_whose_folder_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bestand").write_text("geen map")
    with pytest.raises(ConfigError) as refused:
        prepare_database(
            _settings(f"sqlite:///{tmp_path / 'bestand' / 'x.db'}", demo=False), today=TODAY
        )
    assert refused.value.message_key == "config.database_unreachable"


def test_a_migration_that_would_leave_a_dangling_reference_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'oud.db'}"
    engine = prepare_database(_settings(url, demo=False), today=TODAY).kw["bind"]
    downgrade_database(engine, "0014")
    engine.dispose()
    with closing(sqlite3.connect(tmp_path / "oud.db")) as raw, raw:  # foreign keys off here
        raw.execute(  # a trajectory whose client is gone
            "INSERT INTO trajectory (client_id, goal, started_on, planned_sessions, intensive,"
            " created_at, status)"
            " VALUES (999, 'Rust', '2026-01-01', 8, 0, '2026-01-01 09:00:00', 'active')"
        )
    with pytest.raises(ConfigError) as refused:
        prepare_database(_settings(url, demo=False), today=TODAY)
    assert refused.value.message_key == "config.migration_failed"
    assert schema_revision(engine) == "0014"
    engine.dispose()


def test_the_demo_account_opens_nothing_outside_demo_mode(scratch_url: str) -> None:
    factory = prepare_database(_settings(scratch_url, demo=True), today=TODAY)
    with factory() as session:
        assert get_account(session, username=DEMO_USERNAME, demo_mode=True) is not None
        assert get_account(session, username=DEMO_USERNAME, demo_mode=False) is None
        names = {a.username for a in list_login_accounts(session, demo_mode=False)}
        assert DEMO_USERNAME not in names and names  # the practice's other coaches remain
    factory.kw["bind"].dispose()


# Replicas share a PostgreSQL server; SQLite is one process's file (three processes starting
# at once there may wait past the busy timeout: one clear message, nothing half-migrated).
@pytest.mark.parametrize("scratch_url", ["postgresql"], indirect=True)
def test_replicas_starting_together_migrate_and_seed_once(scratch_url: str) -> None:
    settings = _settings(scratch_url, demo=True)
    start = threading.Barrier(3)
    failures: list[BaseException] = []

    def start_replica() -> None:
        start.wait()
        try:
            prepare_database(settings, today=TODAY).kw["bind"].dispose()
        except BaseException as failure:
            failures.append(failure)

    replicas = [threading.Thread(target=start_replica) for _ in range(3)]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join(timeout=120)
    assert failures == []
    engine = make_engine(scratch_url)
    assert is_up_to_date(engine)
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Practice)) == 1  # seeded once
    engine.dispose()


def test_two_tabs_adding_one_email_at_once_get_a_field_message(scratch_url: str) -> None:
    factory = prepare_database(_settings(scratch_url, demo=False), today=TODAY)
    with factory.begin() as session:
        coach_id = make_coach(session).id
    email = "iris@example.org"
    refused: list[ValidationError] = []

    def second_tab() -> None:
        try:
            with transaction(factory, write=True) as session:
                add_plain_client(session, coach_id=coach_id, name="Iris 2", email=email)
        except ValidationError as invalid:
            refused.append(invalid)

    with transaction(factory, write=True) as session:  # the first tab's insert, not committed
        add_plain_client(session, coach_id=coach_id, name="Iris", email=email)
        other = threading.Thread(target=second_tab)
        other.start()
        time.sleep(1)  # the second tab checked the address and waits on the first
    other.join(timeout=30)
    assert [r.errors for r in refused] == [{"email": "validation.email_taken"}]
    with factory() as session:
        assert list(session.scalars(select(Client.name))) == ["Iris"]
    factory.kw["bind"].dispose()


def test_postgresql_without_its_driver_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # SQLite users skip the extra
    url = "postgresql+psycopg://afronding:x@127.0.0.1:1/afronding"
    with pytest.raises(ConfigError) as refused:
        prepare_database(_settings(url, demo=False), today=TODAY)
    assert refused.value.message_key == "config.database_driver_missing"
