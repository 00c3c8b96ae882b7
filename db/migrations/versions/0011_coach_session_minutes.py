"""the coach's usual session length, which planning an ordinary session starts with

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every existing coach keeps the 60 minutes planning used until now.
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_minutes", sa.Integer(), nullable=False, server_default="60")
        )
        batch_op.create_check_constraint(
            "session_minutes_range", "session_minutes BETWEEN 15 AND 240"
        )


def downgrade() -> None:
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_coach_session_minutes_range"), type_="check")
        batch_op.drop_column("session_minutes")
