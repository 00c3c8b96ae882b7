"""the closing's method: core questions, symbolic gesture, buffer notes, feedback, homework

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = (
    "looking_back",
    "reflecting",
    "securing",
    "closing",
    "feedback",
    "after_session",
    "intermediate",
)


def _groups_check(groups: tuple[str, ...]) -> str:
    return "question_group IN ({})".format(", ".join(f"'{g}'" for g in groups))


def upgrade() -> None:
    with op.batch_alter_table("custom_question", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_custom_question_question_group"), type_="check")
        batch_op.create_check_constraint("question_group", _groups_check((*GROUPS, "core")))
    with op.batch_alter_table("closure_checklist", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("symbolic_gesture", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("buffer_notes", sa.Text(), nullable=True))
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recommend_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.drop_column("answers")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_column("recommend_reason")
    with op.batch_alter_table("closure_checklist", schema=None) as batch_op:
        batch_op.drop_column("buffer_notes")
        batch_op.drop_column("symbolic_gesture")
    op.execute("DELETE FROM custom_question WHERE question_group = 'core'")
    with op.batch_alter_table("custom_question", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_custom_question_question_group"), type_="check")
        batch_op.create_check_constraint("question_group", _groups_check(GROUPS))
