"""Opening the database for the app: reachability, migrations, demo data, transactions."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DatabaseError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.config import ConfigError, Settings
from core.errors import DatabaseUnavailable
from db.demo import generate_practice, has_demo_practice
from db.engine import DEMO_SQLITE_PATH, make_engine, make_session_factory, transaction_options
from db.models import Coach
from db.setup import HEAD_REVISION, hold_setup_lock, schema_revision

log = logging.getLogger(__name__)

# The types a page holds without importing sqlalchemy (pages → core → db).
DbSession = Session
SessionFactory = sessionmaker[Session]


def _check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, InterfaceError) as exc:
        log.error("database unreachable: %s", exc)
        raise ConfigError("config.database_unreachable") from exc
    except DatabaseError as exc:  # a file that is not (or no longer) a SQLite database
        log.error("database unreadable: %s", exc)
        raise ConfigError("config.database_unreadable") from exc


def prepare_database(
    settings: Settings, *, today: date, fresh_demo: bool = False
) -> sessionmaker[Session]:
    """Connect, migrate to the newest schema and, in demo mode, make sure the demo exists.

    With `fresh_demo` the embedded demo file is made anew, so its dates start from today.
    Raises ConfigError with a message key when any step fails.
    """
    if fresh_demo and settings.demo_mode and settings.database_url.endswith(str(DEMO_SQLITE_PATH)):
        for suffix in ("", "-wal", "-shm"):
            DEMO_SQLITE_PATH.with_name(DEMO_SQLITE_PATH.name + suffix).unlink(missing_ok=True)
    try:
        engine = make_engine(settings.database_url)
    except ImportError as exc:  # PostgreSQL without its driver: psycopg is an extra
        log.error("database driver missing: %s", exc)
        raise ConfigError("config.database_driver_missing") from exc
    except OSError as exc:  # a SQLite file whose folder can't be made
        log.error("database folder unusable: %s", exc)
        raise ConfigError("config.database_unreachable") from exc
    _check_reachable(engine)
    _migrate(engine)
    factory = make_session_factory(engine)
    seeded = False
    if settings.demo_mode:
        try:
            with transaction(factory, write=True) as session:
                hold_setup_lock(session.connection())
                if seeded := not has_demo_practice(session):
                    if session.scalar(select(Coach.id).limit(1)) is not None:
                        # Accounts without the demo: a real practice's database. No demo in it.
                        raise ConfigError("config.demo_on_real_data")
                    generate_practice(session, today=today)
        except DatabaseUnavailable as exc:  # held by another program past the busy timeout
            log.error("demo check failed: %s", exc)
            raise ConfigError("config.database_busy") from exc
    refresh_statistics(engine, bulk_loaded=seeded)
    return factory


def _migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration, when it is behind."""
    try:
        if schema_revision(engine) == HEAD_REVISION:
            return
    except DBAPIError as exc:
        log.error("schema revision unreadable: %s", exc)
        raise ConfigError("config.migration_failed") from exc
    # Imported only when there is a migration to run: loading Alembic takes about 0.2 s of
    # every cold start, before the first page can show.
    from alembic.util.exc import CommandError

    from db.migrate import DanglingReferences, upgrade_database

    try:
        upgrade_database(engine)
    except (CommandError, DBAPIError, DanglingReferences) as exc:
        log.error("migration failed: %s", exc)
        raise ConfigError("config.migration_failed") from exc


def refresh_statistics(engine: Engine, *, bulk_loaded: bool) -> None:
    """Let the planner know the table sizes, so queries start from the coach's own rows."""
    if engine.dialect.name == "sqlite":  # cheap enough for every start
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA optimize=0x10002")
    elif bulk_loaded:
        # PostgreSQL's autovacuum analyzes new rows by itself, but only a while later: until
        # then the first pages after a bulk load run on plans made for empty tables.
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work, committed at the end, rolled back whole on any error; only a `write`
    transaction may change data (on SQLite it waits its turn for the write lock up front)."""
    engine = factory.kw["bind"]
    try:
        options = transaction_options(engine, write=write)
        with factory(execution_options=options) as session, session.begin():
            yield session
    except (OperationalError, InterfaceError) as exc:
        log.error("database error: %s", exc)
        raise DatabaseUnavailable from exc
