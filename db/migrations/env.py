"""Alembic environment: one set of migrations for SQLite and PostgreSQL."""

from alembic import context
from sqlalchemy import Connection

from db.engine import database_url, make_engine
from db.models import Base


def run_migrations(connection: Connection) -> None:
    """Migrate over `connection`; batch mode lets SQLite alter tables by copying them."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(database_url())
    with engine.connect() as conn:
        run_migrations(conn)
        conn.commit()
    engine.dispose()
