"""The trajectory at a glance, for the opening and the afsluiting of the closing session."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clients import own_trajectory
from core.closing import read_evaluation
from db.models import CoachingSession, Evaluation, GoalScore, SessionKind, SessionStatus

THEMES_SHOWN = 3
THEME_LENGTH = 140


@dataclass(frozen=True)
class TrajectoryGlance:
    """Terugblik op het traject als geheel: where the client started and where they are."""

    goal: str  # as the client wrote it at the start (their form), else as the coach recorded it
    first_score: int | None
    latest_score: int | None
    sessions_held: int
    themes: list[str]  # the latest notes from the session log, newest first


def read_glance(session: Session, *, coach_id: int, trajectory_id: int) -> TrajectoryGlance:
    """The trajectory's goal, start → latest score, sessions held and recent themes."""
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    scores = session.scalars(
        select(GoalScore.score)
        .where(GoalScore.trajectory_id == trajectory.id)
        .order_by(GoalScore.measured_at, GoalScore.id)
    ).all()
    held = session.scalars(
        select(CoachingSession.notes)
        .where(
            CoachingSession.trajectory_id == trajectory.id,
            CoachingSession.status == SessionStatus.HELD,
            CoachingSession.kind.in_((SessionKind.REGULAR, SessionKind.INTERMEDIATE)),
        )
        .order_by(CoachingSession.scheduled_at.desc())
    ).all()
    themes = [_short(note) for note in held if note and note.strip()][:THEMES_SHOWN]
    written = session.scalar(
        select(Evaluation.goal_at_start)
        .where(Evaluation.trajectory_id == trajectory.id, Evaluation.goal_at_start.is_not(None))
        .order_by(Evaluation.submitted_at.desc())
        .limit(1)
    )
    return TrajectoryGlance(
        goal=(written or "").strip() or trajectory.goal,
        first_score=scores[0] if scores else None,
        latest_score=read_evaluation(session, trajectory.id).goal_score
        or (scores[-1] if scores else None),
        sessions_held=len(held),
        themes=themes,
    )


def _short(text: str) -> str:
    cleaned = " ".join(text.split())
    return cleaned if len(cleaned) <= THEME_LENGTH else cleaned[: THEME_LENGTH - 1] + "…"
