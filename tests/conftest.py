"""Shared fixtures: a migrated database per backend, a rolled-back session per test."""

import contextlib
import functools
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import bcrypt
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.config import SmtpSettings
from db.engine import make_engine
from db.migrate import upgrade_database
from tests.smtp import Inbox, free_port

# A fixed moment, so demo data and "today" never drift between runs: a Thursday morning.
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REAL_GENSALT = bcrypt.gensalt


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes() -> Iterator[None]:
    """Passwords hashed by the tests take bcrypt's lowest cost: a check takes 3 ms instead of
    300, and the suite logs in hundreds of times. The real cost has its own test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bcrypt, "gensalt", functools.partial(REAL_GENSALT, rounds=4))
        yield


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (made when
    missing): the tests empty and fill theirs, and two workers on one would collide."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not worker or not server:
        return
    url = make_url(server)
    own = f"{url.database}_{worker}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}
            ).first()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{own}"')
    except OperationalError:
        return  # no server: the PostgreSQL tests say so themselves
    finally:
        admin.dispose()
    os.environ["TEST_DATABASE_URL"] = url.set(database=own).render_as_string(hide_password=False)


def require(condition: bool, reason: str) -> None:
    """Skip locally when a server or browser is missing; in CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


def fresh_postgres(url: str) -> Engine:
    """An engine on an emptied PostgreSQL database: no tables, no data from earlier runs."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database at the newest migration: in-memory SQLite, and PostgreSQL when configured."""
    if request.param == "sqlite":
        engine = make_engine("sqlite://")
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        require(bool(url), "TEST_DATABASE_URL is not set: PostgreSQL tests need a server")
        engine = fresh_postgres(url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@contextlib.contextmanager
def scratch_postgres(reason: str) -> Iterator[str]:
    """The URL of an empty PostgreSQL database made on the test server for this use alone,
    dropped afterwards (`reason` says who needs it, when no server is configured)."""
    server = os.environ.get("TEST_DATABASE_URL", "")
    require(bool(server), f"TEST_DATABASE_URL is not set: {reason}")
    name = f"afronding_scratch_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own, for tests that commit: a SQLite file, or a
    PostgreSQL database made on the test server and dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'praktijk.db'}"
        return
    with scratch_postgres("PostgreSQL tests need a server") as url:
        yield url


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, whatever it committed."""
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: every test must really run there."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if IN_CI and skipped and exitstatus == 0 and reporter is not None:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; failing the run.", red=True)
        session.exitstatus = 1


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSettings, Inbox]]:
    """A real SMTP server (aiosmtpd) on loopback, and the settings to reach it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield (
            SmtpSettings(host="127.0.0.1", port=port, sender="coach@example.org", starttls=False),
            inbox,
        )
    finally:
        controller.stop()
