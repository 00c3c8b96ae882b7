"""goal attainment scaling

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 21:45:05.045441
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "gas_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("attained_level", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "attained_level IS NULL OR attained_level BETWEEN -2 AND 2",
            name=op.f("ck_gas_goal_level_range"),
        ),
        sa.CheckConstraint(
            "length(description) BETWEEN 1 AND 300", name=op.f("ck_gas_goal_description_length")
        ),
        sa.CheckConstraint("weight > 0 AND weight <= 10", name=op.f("ck_gas_goal_weight_range")),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_gas_goal_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_goal")),
    )
    with op.batch_alter_table("gas_goal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gas_goal_trajectory_id"), ["trajectory_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("gas_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gas_goal_trajectory_id"))

    op.drop_table("gas_goal")
