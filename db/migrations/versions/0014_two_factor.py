"""two-factor login: a TOTP secret per coach, recovery codes, a practice that requires it

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "requires_two_factor", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["coach.id"],
            name=op.f("fk_recovery_code_coach_id_coach"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_coach_id"), "recovery_code", ["coach_id"])


def downgrade() -> None:
    op.drop_table("recovery_code")
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.drop_column("requires_two_factor")
