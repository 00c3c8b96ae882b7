"""planned sessions have a life cycle: not held (no-show), a reason for a cancellation

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _statuses_check(statuses: tuple[str, ...]) -> str:
    return "status IN ({})".format(", ".join(f"'{s}'" for s in statuses))


def upgrade() -> None:
    with op.batch_alter_table("coaching_session", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_coaching_session_session_status"), type_="check")
        batch_op.create_check_constraint(
            "session_status", _statuses_check(("planned", "held", "cancelled", "no_show"))
        )
        batch_op.add_column(sa.Column("cancel_reason", sa.String(200), nullable=True))


def downgrade() -> None:
    # A session not held was cancelled, as far as the older version can tell.
    op.execute("UPDATE coaching_session SET status = 'cancelled' WHERE status = 'no_show'")
    with op.batch_alter_table("coaching_session", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_constraint(op.f("ck_coaching_session_session_status"), type_="check")
        batch_op.create_check_constraint(
            "session_status", _statuses_check(("planned", "held", "cancelled"))
        )
