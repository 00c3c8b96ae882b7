"""Engine and session factory from DATABASE_URL; SQLite file under ./data/ by default."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from db.search import SQLITE_FUNCTION, fold

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "afronding.db"
# The demo lives in its own file, so trying the demo never mixes with a coach's real records.
DEMO_SQLITE_PATH = PROJECT_ROOT / "data" / "demo.db"
# Our execution option saying whether a SQLite transaction reads or writes (see make_engine).
SQLITE_ACCESS = "afronding_sqlite_access"


def database_url(*, demo: bool = False, environ: Mapping[str, str] = os.environ) -> str:
    """The configured database: DATABASE_URL, or the embedded SQLite file."""
    default = DEMO_SQLITE_PATH if demo else DEFAULT_SQLITE_PATH
    return environ.get("DATABASE_URL") or f"sqlite:///{default}"


def safe_url(url: str) -> str:
    """The URL with its password hidden, fit for a message on screen or in a log."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite switched to WAL, foreign keys and real transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
        return engine

    in_memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {}
    if in_memory:
        # One shared connection, or every checkout would see a fresh empty database.
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself, so SAVEPOINTs and transactional DDL work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
        # Wait for a writer rather than fail: the timer writes while a page reads.
        cursor.execute("PRAGMA busy_timeout=5000")
        # An erased client's text is overwritten on disk, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        if not in_memory:
            _owner_only(Path(str(parsed.database)))

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        access = connection.get_execution_options().get(SQLITE_ACCESS)
        # query_only is per connection: switch it only when this transaction needs the other.
        read_only = access == "read"
        if connection.info.get(SQLITE_ACCESS, False) != read_only:
            connection.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
            connection.info[SQLITE_ACCESS] = read_only
        # A writer takes the write lock at BEGIN: a deferred transaction that read first can't
        # take it later once another writer committed, and fails with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE" if access == "write" else "BEGIN")

    return engine


def _without_nul(
    _connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any
) -> tuple[str, Any]:
    """Parameters without NUL characters: PostgreSQL refuses them in text (SQLite would
    keep them), no keyboard types them, and a crafted form must not crash a page."""
    return statement, _clean(parameters)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_clean(item) for item in value)
    return value


ERASED = "afronding_erased"


def erase_from_disk_on_commit(session: Session) -> None:
    """Once this transaction commits, let no copy of what it deleted stay in SQLite's WAL."""
    session.info[ERASED] = True


@event.listens_for(Session, "after_commit")
def _checkpoint_after_erase(session: Session) -> None:
    if not session.info.pop(ERASED, False):
        return
    engine = session.get_bind()
    if isinstance(engine, Engine) and engine.dialect.name == "sqlite":
        # The WAL keeps the old page images until a checkpoint copies the new ones over the
        # database file; TRUNCATE then empties the WAL file itself.
        raw = engine.raw_connection()  # outside any transaction, or SQLite can't checkpoint
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()


def _owner_only(database: Path) -> None:
    """Client data is readable by the owner of the files alone: the database, its WAL, its
    shared memory (SQLite creates them with the process umask, usually world-readable)."""
    for path in (
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
    ):
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)


def transaction_options(engine: Engine, *, write: bool) -> dict[str, Any]:
    """Execution options for a transaction that only reads, or one that writes."""
    if engine.dialect.name == "sqlite":
        return {SQLITE_ACCESS: "write" if write else "read"}
    if engine.dialect.name == "postgresql":
        return {"postgresql_readonly": not write}
    return {}


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after the transaction that loaded them."""
    return sessionmaker(engine, expire_on_commit=False)
