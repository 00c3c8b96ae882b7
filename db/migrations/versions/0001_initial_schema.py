"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 20:24:03.912344
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
        sa.UniqueConstraint("name", name=op.f("uq_practice_name")),
    )
    op.create_table(
        "coach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=100), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "coach", "owner", name="role", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "language",
            sa.Enum(
                "nl", "en", name="language", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(username) >= 2", name=op.f("ck_coach_username_length")),
        sa.CheckConstraint("username = lower(username)", name=op.f("ck_coach_username_lowercase")),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.id"],
            name=op.f("fk_coach_practice_id_practice"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach")),
        sa.UniqueConstraint("username", name=op.f("uq_coach_username")),
    )
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coach_practice_id"), ["practice_id"], unique=False)

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(name) >= 1", name=op.f("ck_client_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["coach.id"], name=op.f("fk_client_coach_id_coach"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
        sa.UniqueConstraint("coach_id", "email", name="uq_client_coach_email"),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index("ix_client_coach_name", ["coach_id", "name"], unique=False)

    op.create_table(
        "trajectory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("planned_sessions", sa.Integer(), nullable=False),
        sa.Column("intensive", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "closing",
                "closed",
                "stopped",
                name="trajectory_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "closing_format",
            sa.Enum(
                "single_90",
                "two_60",
                name="closing_format",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("full_protocol", sa.Boolean(), nullable=True),
        sa.Column("referred_by_client_id", sa.Integer(), nullable=True),
        sa.Column("referral_source", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_trajectory_ended_after_start"),
        ),
        sa.CheckConstraint("length(goal) >= 1", name=op.f("ck_trajectory_goal_not_empty")),
        sa.CheckConstraint(
            "planned_sessions BETWEEN 1 AND 60", name=op.f("ck_trajectory_planned_sessions_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_trajectory_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referred_by_client_id"],
            ["client.id"],
            name=op.f("fk_trajectory_referred_by_client_id_client"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trajectory")),
    )
    with op.batch_alter_table("trajectory", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trajectory_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_trajectory_referred_by_client_id"),
            ["referred_by_client_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_trajectory_status"), ["status"], unique=False)

    op.create_table(
        "closure_checklist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("relationship_acknowledged", sa.Boolean(), nullable=False),
        sa.Column("successes_celebrated", sa.Boolean(), nullable=False),
        sa.Column("emotion_room", sa.Boolean(), nullable=False),
        sa.Column("feedback_asked", sa.Boolean(), nullable=False),
        sa.Column("offered_follow_up", sa.Boolean(), nullable=False),
        sa.Column("offered_single_sessions", sa.Boolean(), nullable=False),
        sa.Column("offered_new_trajectory", sa.Boolean(), nullable=False),
        sa.Column("goodbye_explicit", sa.Boolean(), nullable=False),
        sa.Column("coach_notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_closure_checklist_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closure_checklist")),
        sa.UniqueConstraint("trajectory_id", name=op.f("uq_closure_checklist_trajectory_id")),
    )
    op.create_table(
        "coaching_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "regular",
                "intermediate",
                "closing_minus_1",
                "closing_0",
                "closing_90",
                name="session_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "held",
                "cancelled",
                name="session_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("session_rating", sa.Integer(), nullable=True),
        sa.Column("takeaway", sa.Text(), nullable=True),
        sa.Column("open_points", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 480", name=op.f("ck_coaching_session_duration_range")
        ),
        sa.CheckConstraint(
            "number IS NULL OR number >= 1", name=op.f("ck_coaching_session_number_positive")
        ),
        sa.CheckConstraint(
            "session_rating IS NULL OR session_rating BETWEEN 1 AND 10",
            name=op.f("ck_coaching_session_rating_range"),
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_coaching_session_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_session")),
    )
    with op.batch_alter_table("coaching_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coaching_session_status_when", ["status", "scheduled_at"], unique=False
        )
        batch_op.create_index(
            "ix_coaching_session_trajectory_when", ["trajectory_id", "scheduled_at"], unique=False
        )

    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "coach",
                "client",
                name="evaluation_source",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("goal_at_start", sa.Text(), nullable=True),
        sa.Column("goal_score", sa.Integer(), nullable=True),
        sa.Column("main_changes", sa.Text(), nullable=True),
        sa.Column("key_insight", sa.Text(), nullable=True),
        sa.Column("most_valuable", sa.Text(), nullable=True),
        sa.Column("could_be_better", sa.Text(), nullable=True),
        sa.Column("recommend_score", sa.Integer(), nullable=True),
        sa.Column("testimonial", sa.Text(), nullable=True),
        sa.Column("testimonial_consent", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "goal_score IS NULL OR goal_score BETWEEN 1 AND 10",
            name=op.f("ck_evaluation_score_range"),
        ),
        sa.CheckConstraint(
            "recommend_score IS NULL OR recommend_score BETWEEN 0 AND 10",
            name=op.f("ck_evaluation_recommend_range"),
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_evaluation_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_trajectory_id"), ["trajectory_id"], unique=False
        )

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "week1_mail",
                "month3_checkin",
                "month6_result",
                "self_check",
                "custom",
                name="follow_up_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "done",
                "skipped",
                name="follow_up_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("skip_reason", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status <> 'skipped' OR skip_reason IS NOT NULL",
            name=op.f("ck_follow_up_skip_needs_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_follow_up_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_status_due", ["status", "due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_follow_up_trajectory_id"), ["trajectory_id"], unique=False
        )

    op.create_table(
        "outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "referral",
                "testimonial",
                "review",
                "result_retained",
                "returning",
                name="outcome_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("referred_client_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=80), nullable=True),
        sa.Column("review_score", sa.Integer(), nullable=True),
        sa.Column(
            "retained",
            sa.Enum(
                "yes",
                "partly",
                "no",
                name="retained",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("retained_score", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "retained_score IS NULL OR retained_score BETWEEN 1 AND 10",
            name=op.f("ck_outcome_retained_score_range"),
        ),
        sa.CheckConstraint(
            "review_score IS NULL OR review_score BETWEEN 1 AND 5",
            name=op.f("ck_outcome_review_score_range"),
        ),
        sa.ForeignKeyConstraint(
            ["referred_client_id"],
            ["client.id"],
            name=op.f("fk_outcome_referred_client_id_client"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_outcome_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome")),
    )
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_referred_client_id"), ["referred_client_id"], unique=False
        )
        batch_op.create_index("ix_outcome_trajectory_kind", ["trajectory_id", "kind"], unique=False)

    op.create_table(
        "retention_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("main_change", sa.Text(), nullable=True),
        sa.Column("relapse_situations", sa.Text(), nullable=True),
        sa.Column("relapse_strategy", sa.Text(), nullable=True),
        sa.Column("accountability_person", sa.Text(), nullable=True),
        sa.Column("self_check_method", sa.Text(), nullable=True),
        sa.Column("concrete_actions", sa.Text(), nullable=True),
        sa.Column("self_check_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_retention_plan_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_plan")),
        sa.UniqueConstraint("trajectory_id", name=op.f("uq_retention_plan_trajectory_id")),
    )
    op.create_table(
        "goal_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "start",
                "session",
                "intermediate",
                "closing",
                "month_3",
                "month_6",
                name="score_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "coach",
                "client",
                name="score_source",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("score BETWEEN 1 AND 10", name=op.f("ck_goal_score_score_range")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_session.id"],
            name=op.f("fk_goal_score_session_id_coaching_session"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_goal_score_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_score")),
    )
    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_score_session_id"), ["session_id"], unique=False)
        batch_op.create_index(
            "ix_goal_score_trajectory_when", ["trajectory_id", "measured_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_score_trajectory_when")
        batch_op.drop_index(batch_op.f("ix_goal_score_session_id"))

    op.drop_table("goal_score")
    op.drop_table("retention_plan")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_trajectory_kind")
        batch_op.drop_index(batch_op.f("ix_outcome_referred_client_id"))

    op.drop_table("outcome")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_trajectory_id"))
        batch_op.drop_index("ix_follow_up_status_due")

    op.drop_table("follow_up")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_trajectory_id"))

    op.drop_table("evaluation")
    with op.batch_alter_table("coaching_session", schema=None) as batch_op:
        batch_op.drop_index("ix_coaching_session_trajectory_when")
        batch_op.drop_index("ix_coaching_session_status_when")

    op.drop_table("coaching_session")
    op.drop_table("closure_checklist")
    with op.batch_alter_table("trajectory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trajectory_status"))
        batch_op.drop_index(batch_op.f("ix_trajectory_referred_by_client_id"))
        batch_op.drop_index(batch_op.f("ix_trajectory_client_id"))

    op.drop_table("trajectory")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index("ix_client_coach_name")

    op.drop_table("client")
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coach_practice_id"))

    op.drop_table("coach")
    op.drop_table("practice")
