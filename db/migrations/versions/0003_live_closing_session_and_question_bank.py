"""live closing session and question bank

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:10:51.025639
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_score_note", sa.Text(), nullable=True))
    op.create_table(
        "custom_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column(
            "question_group",
            sa.Enum(
                "looking_back",
                "reflecting",
                "securing",
                "closing",
                "feedback",
                "after_session",
                "intermediate",
                name="question_group",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(text) BETWEEN 1 AND 300", name=op.f("ck_custom_question_text_length")
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["coach.id"],
            name=op.f("fk_custom_question_coach_id_coach"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_question")),
    )
    with op.batch_alter_table("custom_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custom_question_coach_id"), ["coach_id"], unique=False)

    op.create_table(
        "hidden_question",
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["coach.id"],
            name=op.f("fk_hidden_question_coach_id_coach"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coach_id", "question_key", name=op.f("pk_hidden_question")),
    )
    op.create_table(
        "asked_question",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=60), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_session.id"],
            name=op.f("fk_asked_question_session_id_coaching_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "question_key", name=op.f("pk_asked_question")),
    )
    op.create_table(
        "session_timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "agenda",
            sa.Enum(
                "single_90",
                "minus_1",
                "session_0",
                name="agenda_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Double(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "paused_seconds >= 0", name=op.f("ck_session_timer_paused_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_session.id"],
            name=op.f("fk_session_timer_session_id_coaching_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_timer")),
        sa.UniqueConstraint("session_id", name=op.f("uq_session_timer_session_id")),
    )
    op.create_table(
        "session_phase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "opening",
                "evaluation",
                "retention",
                "goodbye",
                "buffer",
                name="phase_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Double(), nullable=False),
        sa.CheckConstraint(
            "paused_seconds >= 0", name=op.f("ck_session_phase_paused_not_negative")
        ),
        sa.CheckConstraint(
            "planned_minutes BETWEEN 1 AND 240", name=op.f("ck_session_phase_planned_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["timer_id"],
            ["session_timer.id"],
            name=op.f("fk_session_phase_timer_id_session_timer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_phase")),
        sa.UniqueConstraint("timer_id", "position", name="uq_session_phase_position"),
    )


def downgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_column("goal_score_note")
    op.drop_table("session_phase")
    op.drop_table("session_timer")
    op.drop_table("asked_question")
    op.drop_table("hidden_question")
    with op.batch_alter_table("custom_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_question_coach_id"))

    op.drop_table("custom_question")
