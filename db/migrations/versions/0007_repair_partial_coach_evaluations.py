"""repair closings recorded with a partial coach evaluation

Until now the live closing read the coach's own evaluation record as a whole whenever one
existed: after one edit by the coach, the client's score and other answers were hidden, the
closing recorded no closing score and judged the protocol incomplete. The evaluation is now
merged field by field (client's answers, coach's changes on top). This repairs what ended
closings recorded: the missing closing score and the full-protocol judgement. The rule below
is a frozen copy of core.closing.protocol_completed as it stands at this revision.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERS = ("goal_score", "goal_score_note", "main_changes", "key_insight")
PLAN = (
    "main_change",
    "relapse_situations",
    "relapse_strategy",
    "accountability_person",
    "self_check_method",
)
GOODBYE = (
    "relationship_acknowledged",
    "successes_celebrated",
    "goodbye_explicit",
    "feedback_asked",
)
DOOR_OPEN = ("offered_follow_up", "offered_single_sessions", "offered_new_trajectory")


def _one(connection: sa.Connection, sql: str, **values: object) -> dict[str, object] | None:
    row = connection.execute(sa.text(sql), values).mappings().first()
    return dict(row) if row is not None else None


def upgrade() -> None:
    connection = op.get_bind()
    # Closings that ended through the live page, with a coach record and a client form.
    closings = connection.execute(
        sa.text(
            "SELECT s.id AS session_id, s.trajectory_id, t.status"
            " FROM coaching_session s"
            " JOIN session_timer st ON st.session_id = s.id"
            " JOIN trajectory t ON t.id = s.trajectory_id"
            " WHERE st.ended_at IS NOT NULL AND st.agenda IN ('single_90', 'session_0')"
            " AND EXISTS (SELECT 1 FROM evaluation e"
            "   WHERE e.trajectory_id = s.trajectory_id AND e.source = 'coach')"
            " AND EXISTS (SELECT 1 FROM evaluation e"
            "   WHERE e.trajectory_id = s.trajectory_id AND e.source = 'client')"
        )
    ).mappings()
    for closing in list(closings):
        trajectory_id = closing["trajectory_id"]
        coach = _one(
            connection,
            "SELECT * FROM evaluation WHERE trajectory_id = :t AND source = 'coach'"
            " ORDER BY submitted_at, id",
            t=trajectory_id,
        )
        client = _one(
            connection,
            "SELECT * FROM evaluation WHERE trajectory_id = :t AND source = 'client'"
            " ORDER BY submitted_at DESC, id DESC",
            t=trajectory_id,
        )
        assert coach is not None and client is not None
        merged = {n: client[n] if coach[n] is None else coach[n] for n in ANSWERS}
        if coach["goal_score"] is None and merged["goal_score"] is not None:
            recorded = _one(
                connection,
                "SELECT id FROM goal_score WHERE session_id = :s AND kind = 'closing'"
                " AND source = 'coach'",
                s=closing["session_id"],
            )
            if recorded is None:
                connection.execute(
                    sa.text(
                        "INSERT INTO goal_score"
                        " (trajectory_id, session_id, score, measured_at, kind, source, note)"
                        " SELECT :t, :s, :score, st.ended_at, 'closing', 'coach', :note"
                        " FROM session_timer st WHERE st.session_id = :s"
                    ),
                    {
                        "t": trajectory_id,
                        "s": closing["session_id"],
                        "score": merged["goal_score"],
                        "note": merged["goal_score_note"] or None,
                    },
                )
        if closing["status"] != "closed":
            continue
        plan = _one(
            connection, "SELECT * FROM retention_plan WHERE trajectory_id = :t", t=trajectory_id
        )
        checklist = _one(
            connection, "SELECT * FROM closure_checklist WHERE trajectory_id = :t", t=trajectory_id
        )
        evaluated = merged["goal_score"] is not None and bool(
            merged["main_changes"] or merged["key_insight"]
        )
        secured = plan is not None and all(plan[n] for n in PLAN)
        said_goodbye = (
            checklist is not None
            and all(checklist[n] for n in GOODBYE)
            and any(checklist[n] for n in DOOR_OPEN)
        )
        connection.execute(
            sa.text("UPDATE trajectory SET full_protocol = :full WHERE id = :t"),
            {"full": evaluated and secured and said_goodbye, "t": trajectory_id},
        )


def downgrade() -> None:
    # A repair of recorded facts: going back leaves them repaired.
    pass
