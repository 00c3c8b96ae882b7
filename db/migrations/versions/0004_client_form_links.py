"""client form links

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 21:23:32.859362
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "form_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "evaluation",
                "retention_homework",
                name="form_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_form_link_expires_after_creation")
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_form_link_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_form_link_token_hash")),
    )
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_link_trajectory_id"), ["trajectory_id"], unique=False
        )

    op.create_table(
        "form_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_link_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_link_id"],
            ["form_link.id"],
            name=op.f("fk_form_attempt_form_link_id_form_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_attempt")),
    )
    with op.batch_alter_table("form_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_attempt_form_link_id"), ["form_link_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("form_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_attempt_form_link_id"))

    op.drop_table("form_attempt")
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_link_trajectory_id"))

    op.drop_table("form_link")
