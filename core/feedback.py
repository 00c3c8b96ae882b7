"""What clients said about the coaching: for the coach's own learning, newest first."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from core.closing import merge_evaluation
from core.scope import selection_in_view
from db.models import Client, Coach, Evaluation, Source, Trajectory, TrajectoryStatus

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


def list_feedback(
    session: Session,
    *,
    coach_id: int,
    coach_ids: list[int],
    since: date | None = None,
    status: TrajectoryStatus | None = None,
) -> list[FeedbackRow]:
    """Feedback per trajectory of the coaches in view (a coach: their own), started on or
    after `since` and in `status` as the page's filters say, newest first."""
    selection = selection_in_view(
        session, coach_id=coach_id, coach_ids=coach_ids, since=since, status=status
    )
    # The newest trajectories with an evaluation first, in the database: a practice's
    # thousands of evaluations were loaded to show two hundred.
    newest = (
        selection.apply(
            select(Evaluation.trajectory_id)
            .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
            .join(Client, Client.id == Trajectory.client_id)
            .where(_said(Evaluation))
            .group_by(Evaluation.trajectory_id)
            .order_by(func.max(Evaluation.submitted_at).desc(), Evaluation.trajectory_id.desc())
        )
        .limit(FEEDBACK_SHOWN)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Evaluation, Client.id, Client.name, Coach.display_name)
        .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .join(Coach, Coach.id == Client.coach_id)
        .where(Evaluation.trajectory_id.in_(newest))
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
            continue  # the coach emptied what the client had said
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
    return feedback


def _said(evaluation: type[Evaluation]) -> ColumnElement[bool]:
    """An evaluation record that says something about the coaching."""
    return or_(
        func.coalesce(evaluation.most_valuable, "") != "",
        func.coalesce(evaluation.could_be_better, "") != "",
        func.coalesce(evaluation.recommend_reason, "") != "",
        evaluation.recommend_score.is_not(None),
    )
