"""One client's story: their trajectories, and everything in one trajectory in date order."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.clients import own_client, own_trajectory
from core.closing import CHECKLIST_ITEMS, EVALUATION_FIELDS, EvaluationDraft, read_evaluation
from core.i18n import translate
from core.timefmt import format_date, format_moment, local_date, local_midnight
from db.models import (
    ClosureChecklist,
    CoachingSession,
    Evaluation,
    FollowUp,
    FormKind,
    FormLink,
    GoalScore,
    Outcome,
    OutcomeKind,
    RetentionPlan,
    Source,
    Trajectory,
    TrajectoryStatus,
)

# The evaluation's questions in the order the client answers them (the testimonial apart).
ANSWER_FIELDS = (
    "goal_at_start",
    "goal_score_note",
    *EVALUATION_FIELDS,
    "recommend_score",
    "recommend_reason",
)


@dataclass(frozen=True)
class TrajectorySummary:
    """A trajectory as the client page lists it."""

    trajectory_id: int
    goal: str
    status: TrajectoryStatus
    started_on: date
    ended_on: date | None
    planned_sessions: int
    intensive: bool
    full_protocol: bool | None
    referral_source: str | None
    referred_by: str | None


@dataclass(frozen=True)
class ClientDetail:
    """A client with all their trajectories, newest first."""

    client_id: int
    name: str
    email: str | None
    phone: str | None
    notes: str | None
    language: str | None  # what the client reads in; None: the coach's language
    trajectories: list[TrajectorySummary]


def get_client_detail(session: Session, *, coach_id: int, client_id: int) -> ClientDetail:
    """The client and their trajectories; NotFound for anyone else's client."""
    client = own_client(session, coach_id=coach_id, client_id=client_id)
    trajectories = session.scalars(
        select(Trajectory)
        .options(joinedload(Trajectory.referred_by))
        .where(Trajectory.client_id == client.id)
        .order_by(Trajectory.started_on.desc(), Trajectory.id.desc())
    )
    return ClientDetail(
        client_id=client.id,
        name=client.name,
        email=client.email,
        phone=client.phone,
        notes=client.notes,
        language=client.language.value if client.language else None,
        trajectories=[
            TrajectorySummary(
                trajectory_id=t.id,
                goal=t.goal,
                status=t.status,
                started_on=t.started_on,
                ended_on=t.ended_on,
                planned_sessions=t.planned_sessions,
                intensive=t.intensive,
                full_protocol=t.full_protocol,
                referral_source=t.referral_source,
                referred_by=t.referred_by.name if t.referred_by else None,
            )
            for t in trajectories
        ],
    )


@dataclass(frozen=True)
class TimelineEvent:
    """One moment in a trajectory; `what` is a catalog key, filled from `values` and from
    `labels` (placeholders whose value is itself a catalog key, such as a session kind)."""

    at: datetime
    what: str
    values: dict[str, object] = field(default_factory=dict)
    details: tuple[str, ...] = ()
    date_only: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    answers: tuple[tuple[str, str], ...] = ()  # (catalog key of the question, the answer)


def _on(day: date, timezone: str) -> datetime:
    return local_midnight(day, timezone)


def _answers(evaluation: Evaluation | EvaluationDraft) -> tuple[tuple[str, str], ...]:
    """Each answered question of an evaluation with its answer; the testimonial says whether
    the client allowed it to be used."""
    answers = [
        (f"timeline.answer_{name}", str(value))
        for name in ANSWER_FIELDS
        if (value := getattr(evaluation, name, None)) not in (None, "")
    ]
    if testimonial := getattr(evaluation, "testimonial", None):
        consent = "consent" if getattr(evaluation, "testimonial_consent", False) else "private"
        answers.append((f"timeline.answer_testimonial_{consent}", testimonial))
    return tuple(answers)


def get_timeline(
    session: Session, *, coach_id: int, trajectory_id: int, timezone: str
) -> list[TimelineEvent]:
    """Sessions, scores, forms, borgingsplan, afsluiting, follow-ups and outcomes by date."""
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    tid = trajectory.id
    events = [
        TimelineEvent(
            _on(trajectory.started_on, timezone),
            "timeline.started",
            {"count": trajectory.planned_sessions},
            (trajectory.goal,),
            date_only=True,
        )
    ]
    for s in session.scalars(select(CoachingSession).where(CoachingSession.trajectory_id == tid)):
        details = tuple(
            text
            for text in (
                s.notes,
                s.takeaway and f"↳ {s.takeaway}",
                s.open_points and f"? {s.open_points}",
                s.cancel_reason,
            )
            if text
        )
        events.append(
            TimelineEvent(
                s.scheduled_at,
                f"timeline.session_{s.status.value}",
                {"minutes": s.duration_minutes, "rating": s.session_rating or "–"},
                details,
                labels={"kind": f"session_kind.{s.kind.value}"},
            )
        )
    for score in session.scalars(select(GoalScore).where(GoalScore.trajectory_id == tid)):
        events.append(
            TimelineEvent(
                score.measured_at,
                "timeline.score",
                {"score": score.score},
                (score.note,) if score.note else (),
                labels={
                    "kind": f"score_kind.{score.kind.value}",
                    "source": f"source.{score.source.value}",
                },
            )
        )
    merged = read_evaluation(session, tid)
    for evaluation in session.scalars(select(Evaluation).where(Evaluation.trajectory_id == tid)):
        # The session's evaluation is the client's answers with the coach's changes on top.
        shown: Evaluation | EvaluationDraft = (
            merged if evaluation.source is Source.COACH else evaluation
        )
        events.append(
            TimelineEvent(
                evaluation.submitted_at,
                f"timeline.evaluation_{evaluation.source.value}",
                {"score": shown.goal_score or "–"},
                answers=_answers(shown),
            )
        )
    plan = session.scalar(select(RetentionPlan).where(RetentionPlan.trajectory_id == tid))
    if plan is not None:
        parts = (
            plan.main_change,
            plan.relapse_situations,
            plan.relapse_strategy,
            plan.accountability_person,
            plan.self_check_method,
        )
        events.append(
            TimelineEvent(
                plan.updated_at,
                "timeline.plan",
                {"filled": sum(1 for p in parts if p), "total": len(parts)},
                tuple(p for p in parts if p),
            )
        )
    checklist = session.scalar(
        select(ClosureChecklist).where(ClosureChecklist.trajectory_id == tid)
    )
    if checklist is not None:
        done = [item for item in CHECKLIST_ITEMS if getattr(checklist, item)]
        events.append(
            TimelineEvent(
                checklist.updated_at,
                "timeline.checklist",
                {"done": len(done), "total": len(CHECKLIST_ITEMS)},
                (checklist.coach_notes,) if checklist.coach_notes else (),
            )
        )
    for item in session.scalars(select(FollowUp).where(FollowUp.trajectory_id == tid)):
        events.append(
            TimelineEvent(
                # Done or skipped: dated when that happened, not when it was due.
                item.completed_at or _on(item.due_on, timezone),
                f"timeline.follow_up_{item.status.value}",
                {},
                tuple(t for t in (item.title, item.note, item.skip_reason) if t),
                date_only=True,
                labels={"kind": f"follow_up_kind.{item.kind.value}"},
            )
        )
    for outcome in session.scalars(select(Outcome).where(Outcome.trajectory_id == tid)):
        values: dict[str, object] = {
            "platform": outcome.platform or "",
            "score": outcome.review_score or outcome.retained_score or "–",
            "client": outcome.referred_client.name if outcome.referred_client else "",
        }
        retained = outcome.retained.value if outcome.retained else "unknown"
        events.append(
            TimelineEvent(
                _on(outcome.recorded_on, timezone),
                f"timeline.outcome_{outcome.kind.value}",
                values,
                (outcome.text,) if outcome.text and outcome.kind is OutcomeKind.TESTIMONIAL else (),
                date_only=True,
                labels={"retained": f"retained.{retained}", "source": f"source.{outcome.source}"},
            )
        )
    events.extend(_self_checks(session, tid))
    if trajectory.ended_on is not None:
        ending = (
            "timeline.stopped"
            if trajectory.status is TrajectoryStatus.STOPPED
            else ("timeline.closed_full" if trajectory.full_protocol else "timeline.closed")
        )
        events.append(TimelineEvent(_on(trajectory.ended_on, timezone), ending, date_only=True))
    return sorted(events, key=lambda e: (e.at, e.date_only is False))


SELF_CHECK_TEXTS = ("helps", "hard", "question")


def _self_checks(session: Session, trajectory_id: int) -> list[TimelineEvent]:
    """Each self-check the client sent: score, whether the change lasted, their words."""
    events = []
    for link in session.scalars(
        select(FormLink).where(
            FormLink.trajectory_id == trajectory_id,
            FormLink.kind == FormKind.SELF_CHECK,
            FormLink.submitted_at.is_not(None),
        )
    ):
        answers = link.answers or {}
        texts = ((name, str(answers.get(name) or "").strip()) for name in SELF_CHECK_TEXTS)
        events.append(
            TimelineEvent(
                link.submitted_at or link.created_at,
                "timeline.self_check_contact"
                if answers.get("wants_contact")
                else "timeline.self_check",
                {"score": answers.get("goal_score") or "–"},
                labels={"kept": f"retained.{answers.get('kept') or 'unknown'}"},
                answers=tuple((f"timeline.answer_{name}", text) for name, text in texts if text),
            )
        )
    return events


def timeline_rows(
    events: list[TimelineEvent], *, language: str, timezone: str
) -> list[dict[str, object]]:
    """The timeline as plain-text rows (when, what, details) in the coach's language."""
    when, what, details = (
        translate(f"timeline.col_{column}", language) for column in ("when", "what", "details")
    )
    rows: list[dict[str, object]] = []
    for event in events:
        labels = {name: translate(key, language) for name, key in event.labels.items()}
        rows.append(
            {
                when: format_date(local_date(event.at, timezone), language, year=True)
                if event.date_only
                else format_moment(event.at, timezone, language, year=True),
                what: translate(event.what, language, **event.values, **labels),
                details: "\n".join(
                    [
                        *event.details,
                        *(f"{translate(key, language)}: {text}" for key, text in event.answers),
                    ]
                ),
            }
        )
    return rows
