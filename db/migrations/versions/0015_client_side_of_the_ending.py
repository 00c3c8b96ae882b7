"""the client's side of the ending: self-check links, scheduled mails, client language

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORM_KINDS = ("evaluation", "retention_homework")
SCORE_KINDS = ("start", "session", "intermediate", "closing", "month_3", "month_6")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    # Existing clients read in their coach's language (None), as before.
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "language",
                sa.Enum(
                    "nl",
                    "en",
                    name="client_language",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_form_link_form_kind"), type_="check")
        batch_op.create_check_constraint("form_kind", _one_of("kind", (*FORM_KINDS, "self_check")))
        batch_op.add_column(sa.Column("follow_up_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_form_link_follow_up_id"), ["follow_up_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_form_link_follow_up_id_follow_up"),
            "follow_up",
            ["follow_up_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_goal_score_score_kind"), type_="check")
        batch_op.create_check_constraint(
            "score_kind", _one_of("kind", (*SCORE_KINDS, "self_check"))
        )
    # Every outcome so far was typed in by the coach.
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    "coach",
                    "client",
                    name="outcome_source",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=False,
                server_default="coach",
            )
        )
    op.create_table(
        "scheduled_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "scheduled",
                "sending",
                "sent",
                "failed",
                "cancelled",
                name="mail_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=60), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_base", sa.String(length=300), nullable=True),
        sa.Column("attach_plan", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_up.id"],
            name=op.f("fk_scheduled_mail_follow_up_id_follow_up"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_mail")),
    )
    op.create_index(
        op.f("ix_scheduled_mail_follow_up_id"), "scheduled_mail", ["follow_up_id"], unique=False
    )
    op.create_index("ix_scheduled_mail_due", "scheduled_mail", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("scheduled_mail")
    # An enum column's CHECK goes first: batch mode would copy it onto a table without it.
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outcome_outcome_source"), type_="check")
        batch_op.drop_column("source")
    # The older version knows no self-check: its links go, its scores count as month 3.
    op.execute("DELETE FROM form_link WHERE kind = 'self_check'")
    op.execute("UPDATE goal_score SET kind = 'month_3' WHERE kind = 'self_check'")
    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_goal_score_score_kind"), type_="check")
        batch_op.create_check_constraint("score_kind", _one_of("kind", SCORE_KINDS))
    with op.batch_alter_table("form_link", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_form_link_follow_up_id_follow_up"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_form_link_follow_up_id"))
        batch_op.drop_column("follow_up_id")
        batch_op.drop_constraint(op.f("ck_form_link_form_kind"), type_="check")
        batch_op.create_check_constraint("form_kind", _one_of("kind", FORM_KINDS))
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_client_client_language"), type_="check")
        batch_op.drop_column("language")
