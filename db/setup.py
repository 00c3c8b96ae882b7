"""What every app start checks, without loading Alembic: the schema's revision, and the lock
replicas take turns with while they migrate or seed."""

from sqlalchemy import Connection, Engine, inspect, text

# The newest file in db/migrations/versions (tests/core/test_schema.py holds them equal).
HEAD_REVISION = "0015"

# The PostgreSQL advisory lock every replica takes before it migrates or seeds the demo.
SETUP_LOCK = 20_261_127


def hold_setup_lock(connection: Connection) -> None:
    """Wait until no other replica is migrating or seeding; held until this transaction
    ends. (SQLite's write transactions, BEGIN IMMEDIATE, already take turns.)"""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SETUP_LOCK})")


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for a database without the schema yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        revision: str | None = connection.scalar(text("SELECT version_num FROM alembic_version"))
        return revision
