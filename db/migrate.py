"""Apply the Alembic migrations in code: on app start and from the command line."""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from db.engine import PROJECT_ROOT, transaction_options
from db.setup import hold_setup_lock

MIGRATIONS = PROJECT_ROOT / "db" / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at this repo's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class DanglingReferences(RuntimeError):
    """A migration would leave rows referring to rows that are not there: rolled back."""


@contextmanager
def _migrating(engine: Engine, *, write_lock: bool) -> Iterator[Connection]:
    """A connection in one transaction for migrations. On SQLite, foreign keys are off while
    it runs: batch mode copies a table and drops the old one, and with foreign keys on that
    drop deletes (and cascades to) every row that refers to it. Every key is checked before
    the commit, so a migration can't leave a dangling reference either."""
    options = transaction_options(engine, write=True) if write_lock else {}
    with engine.connect().execution_options(**options) as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")  # only outside a transaction
        try:
            with connection.begin():
                yield connection
                if sqlite and (
                    broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                ):
                    raise DanglingReferences(f"references without their row: {broken[:5]}")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the database at `engine` up to `revision`, keeping its data; replicas starting
    together take turns, and the later ones find nothing left to do."""
    config = alembic_config()
    with _migrating(engine, write_lock=True) as connection:
        hold_setup_lock(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Step the database at `engine` back to `revision`."""
    config = alembic_config()
    with _migrating(engine, write_lock=False) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
