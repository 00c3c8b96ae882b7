"""What clients said about the coaching: for the coach's own learning, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.closing import merge_evaluation
from core.scope import allowed_coaches
from db.models import Client, Coach, Evaluation, Source, Trajectory

FEEDBACK_SHOWN = 200  # the newest; a practice's whole history is not one screen


@dataclass(frozen=True)
class FeedbackRow:
    """One client's feedback: from their form, with what the coach noted in the closing."""

    trajectory_id: int
    client_id: int
    client_name: str
    coach_name: str
    at: datetime
    helped_most: str
    could_be_better: str
    recommend_score: int | None
    recommend_reason: str


def list_feedback(session: Session, *, coach_id: int, coach_ids: list[int]) -> list[FeedbackRow]:
    """Feedback per trajectory of the coaches in view (a coach: their own), newest first."""
    ids = allowed_coaches(session, coach_id, coach_ids)
    rows = session.execute(
        select(Evaluation, Client.id, Client.name, Coach.display_name)
        .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .join(Coach, Coach.id == Client.coach_id)
        .where(Client.coach_id.in_(ids))
        .order_by(Evaluation.submitted_at, Evaluation.id)
    ).all()
    per_trajectory: dict[int, dict[Source, Evaluation]] = {}
    names: dict[int, tuple[int, str, str]] = {}
    for evaluation, client_id, client_name, coach_name in rows:
        per_trajectory.setdefault(evaluation.trajectory_id, {})[evaluation.source] = evaluation
        names[evaluation.trajectory_id] = (client_id, client_name, coach_name)
    feedback = []
    for trajectory_id, sources in per_trajectory.items():
        merged = merge_evaluation(sources.get(Source.CLIENT), sources.get(Source.COACH))
        said = (merged.most_valuable, merged.could_be_better, merged.recommend_reason)
        if not any(said) and merged.recommend_score is None:
            continue
        client_id, client_name, coach_name = names[trajectory_id]
        feedback.append(
            FeedbackRow(
                trajectory_id,
                client_id,
                client_name,
                coach_name,
                max(e.submitted_at for e in sources.values()),
                merged.most_valuable,
                merged.could_be_better,
                merged.recommend_score,
                merged.recommend_reason,
            )
        )
    feedback.sort(key=lambda row: row.at, reverse=True)
    return feedback[:FEEDBACK_SHOWN]
