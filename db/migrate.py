"""Apply the Alembic migrations in code: on app start and from the command line."""

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from db.engine import PROJECT_ROOT, transaction_options

MIGRATIONS = PROJECT_ROOT / "db" / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at this repo's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# The PostgreSQL advisory lock every replica takes before it migrates or seeds the demo.
SETUP_LOCK = 20_261_127


def hold_setup_lock(connection: Connection) -> None:
    """Wait until no other replica is migrating or seeding; held until this transaction
    ends. (SQLite's write transactions, BEGIN IMMEDIATE, already take turns.)"""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SETUP_LOCK})")


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the database at `engine` up to `revision`, keeping its data; replicas starting
    together take turns, and the later ones find nothing left to do."""
    config = alembic_config()
    options = transaction_options(engine, write=True)
    with engine.connect().execution_options(**options) as connection, connection.begin():
        hold_setup_lock(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Step the database at `engine` back to `revision`."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
