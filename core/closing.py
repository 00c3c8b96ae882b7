"""Afrondingssessie: run the closing session live, capture it, and end it with follow-ups."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from core.clients import own_session, own_trajectory
from core.errors import ValidationError
from core.progress import LONG_TRAJECTORY_SESSIONS
from core.timer import DEFAULT_MINUTES, Agenda, Phase, PhaseTimes, TimerReading, read_timer
from core.validation import score_problem, text_problem
from db.models import (
    AgendaKind,
    Client,
    ClosingFormat,
    ClosureChecklist,
    CoachingSession,
    Evaluation,
    FollowUp,
    FollowUpKind,
    GoalScore,
    PhaseKind,
    RetentionPlan,
    ScoreKind,
    SessionKind,
    SessionPhase,
    SessionStatus,
    SessionTimer,
    Source,
    Trajectory,
    TrajectoryStatus,
)

SESSION_KIND = {
    Agenda.SINGLE_90: SessionKind.CLOSING_90,
    Agenda.MINUS_1: SessionKind.CLOSING_MINUS_1,
    Agenda.SESSION_0: SessionKind.CLOSING_0,
}
# After the closing: a personal mail in week 1, a check-in at month 3, the result at month 6.
FOLLOW_UP_DAYS = {
    FollowUpKind.WEEK1_MAIL: 7,
    FollowUpKind.MONTH3_CHECKIN: 91,
    FollowUpKind.MONTH6_RESULT: 182,
}
SELF_CHECK_DAYS = 91  # "over drie maanden kijk ik terug", when the plan names no date
EVALUATION_FIELDS = ("main_changes", "key_insight", "most_valuable", "could_be_better")
PLAN_FIELDS = (
    "main_change",
    "relapse_situations",
    "relapse_strategy",
    "accountability_person",
    "self_check_method",
    "concrete_actions",
)
CHECKLIST_ITEMS = (
    "relationship_acknowledged",
    "successes_celebrated",
    "offered_follow_up",
    "offered_single_sessions",
    "offered_new_trajectory",
    "goodbye_explicit",
    "feedback_asked",
    "emotion_room",
)


class StaleEdit(Exception):
    """Another tab saved this record since it was loaded; nothing was overwritten."""


@dataclass(frozen=True)
class ClosingCandidate:
    """A trajectory whose closing can be run now."""

    trajectory_id: int
    client_name: str
    goal: str
    status: TrajectoryStatus
    planned_sessions: int
    intensive: bool
    session_id: int | None  # a closing session already started and not ended

    @property
    def advise_two_sessions(self) -> bool:
        return self.planned_sessions >= LONG_TRAJECTORY_SESSIONS or self.intensive

    @property
    def suggested_agenda(self) -> Agenda:
        if self.status is TrajectoryStatus.CLOSING:
            return Agenda.SESSION_0  # session −1 was held: now borging and afsluiting
        return Agenda.MINUS_1 if self.advise_two_sessions else Agenda.SINGLE_90


def list_closing_candidates(session: Session, *, coach_id: int) -> list[ClosingCandidate]:
    """Active trajectories and those in afronding, with any closing session still running."""
    running = (
        select(CoachingSession.trajectory_id, CoachingSession.id)
        .join(SessionTimer, SessionTimer.session_id == CoachingSession.id)
        .where(SessionTimer.ended_at.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(
            Trajectory.id,
            Client.name,
            Trajectory.goal,
            Trajectory.status,
            Trajectory.planned_sessions,
            Trajectory.intensive,
            running.c.id,
        )
        .join(Client, Client.id == Trajectory.client_id)
        .outerjoin(running, running.c.trajectory_id == Trajectory.id)
        .where(
            Client.coach_id == coach_id,
            Trajectory.status.in_((TrajectoryStatus.ACTIVE, TrajectoryStatus.CLOSING)),
        )
        .order_by(running.c.id.is_(None), Client.name)
    )
    return [ClosingCandidate(*row) for row in rows]


def start_closing(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    agenda: Agenda,
    minutes: dict[Phase, int] | None,
    now: datetime,
) -> int:
    """Start the clock on a closing session; returns the session's id (also when it already ran)."""
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    plan = [
        (phase, (minutes or {}).get(phase, default)) for phase, default in DEFAULT_MINUTES[agenda]
    ]
    if any(not 1 <= m <= 240 for _, m in plan):
        raise ValidationError({"minutes": "closing.minutes_range"})
    running = session.scalar(
        select(CoachingSession)
        .join(SessionTimer, SessionTimer.session_id == CoachingSession.id)
        .where(CoachingSession.trajectory_id == trajectory.id, SessionTimer.ended_at.is_(None))
    )
    if running is not None:  # a second tab pressed start: join the session that runs
        return running.id
    kind = SESSION_KIND[agenda]
    record = session.scalar(
        select(CoachingSession)
        .where(
            CoachingSession.trajectory_id == trajectory.id,
            CoachingSession.status == SessionStatus.PLANNED,
            CoachingSession.kind == kind,
        )
        .order_by(CoachingSession.scheduled_at)
        .limit(1)
    ) or CoachingSession(trajectory_id=trajectory.id, kind=kind)
    record.scheduled_at = now
    record.duration_minutes = sum(m for _, m in plan)
    session.add(record)
    session.flush()
    timer = SessionTimer(session_id=record.id, agenda=AgendaKind(agenda.value), started_at=now)
    timer.phases = [
        SessionPhase(
            position=position,
            phase=PhaseKind(phase.value),
            planned_minutes=planned,
            started_at=now if position == 0 else None,
        )
        for position, (phase, planned) in enumerate(plan)
    ]
    session.add(timer)
    trajectory.closing_format = (
        ClosingFormat.SINGLE_90 if agenda is Agenda.SINGLE_90 else ClosingFormat.TWO_60
    )
    session.flush()
    return record.id


def _timer(session: Session, coach_id: int, session_id: int) -> SessionTimer:
    # One statement: the timer with its phases, only when the session is this coach's.
    timer = (
        session.scalars(
            select(SessionTimer)
            .options(joinedload(SessionTimer.phases))
            .join(CoachingSession, CoachingSession.id == SessionTimer.session_id)
            .join(Trajectory, Trajectory.id == CoachingSession.trajectory_id)
            .join(Client, Client.id == Trajectory.client_id)
            .where(SessionTimer.session_id == session_id, Client.coach_id == coach_id)
        )
        .unique()
        .one_or_none()
    )
    if timer is None:
        own_session(session, coach_id=coach_id, session_id=session_id)  # NotFound if not theirs
        raise ValidationError({"session": "closing.not_started"})
    return timer


def _current(timer: SessionTimer) -> SessionPhase | None:
    return next((p for p in timer.phases if p.started_at and p.ended_at is None), None)


def _resume(timer: SessionTimer, now: datetime) -> None:
    if timer.paused_at is None:
        return
    pause = (now - timer.paused_at).total_seconds()
    timer.paused_seconds += pause
    if (phase := _current(timer)) is not None:
        phase.paused_seconds += pause
    timer.paused_at = None


def next_phase(session: Session, *, coach_id: int, session_id: int, now: datetime) -> None:
    """End the current phase and start the next (a pause in progress ends first)."""
    timer = _timer(session, coach_id, session_id)
    _resume(timer, now)
    current = _current(timer)
    if current is None:
        return
    current.ended_at = now
    following = next((p for p in timer.phases if p.position == current.position + 1), None)
    if following is not None:
        following.started_at = now
    session.flush()


def pause_closing(session: Session, *, coach_id: int, session_id: int, now: datetime) -> None:
    """Stop the clock, e.g. for a moment of emotion or an interruption."""
    timer = _timer(session, coach_id, session_id)
    if timer.paused_at is None and timer.ended_at is None:
        timer.paused_at = now
        session.flush()


def resume_closing(session: Session, *, coach_id: int, session_id: int, now: datetime) -> None:
    """Let the clock run again from where it stopped."""
    _resume(_timer(session, coach_id, session_id), now)
    session.flush()


@dataclass(frozen=True)
class EvaluationDraft:
    """Evaluatie in the session; pre-filled from the client's form when one came in."""

    goal_score: int | None = None
    goal_score_note: str = ""
    main_changes: str = ""
    key_insight: str = ""
    most_valuable: str = ""
    could_be_better: str = ""
    from_client_form: bool = False


@dataclass(frozen=True)
class PlanDraft:
    """Borgingsplan as it stands, with the version a save must match."""

    main_change: str = ""
    relapse_situations: str = ""
    relapse_strategy: str = ""
    accountability_person: str = ""
    self_check_method: str = ""
    concrete_actions: str = ""
    self_check_on: date | None = None
    version: int = 0


@dataclass(frozen=True)
class ChecklistDraft:
    """Afsluiting as it stands, with the version a save must match."""

    relationship_acknowledged: bool = False
    successes_celebrated: bool = False
    offered_follow_up: bool = False
    offered_single_sessions: bool = False
    offered_new_trajectory: bool = False
    goodbye_explicit: bool = False
    feedback_asked: bool = False
    emotion_room: bool = False
    coach_notes: str = ""
    version: int = 0


@dataclass(frozen=True)
class ClosingView:
    """Everything the live page draws for one closing session."""

    session_id: int
    trajectory_id: int
    client_name: str
    goal: str
    agenda: Agenda
    timer: TimerReading
    evaluation: EvaluationDraft
    plan: PlanDraft
    checklist: ChecklistDraft
    ended: bool


def _evaluation(session: Session, trajectory_id: int) -> EvaluationDraft:
    evaluations = session.scalars(
        select(Evaluation)
        .where(Evaluation.trajectory_id == trajectory_id)
        .order_by(Evaluation.submitted_at)
    ).all()
    own = next((e for e in evaluations if e.source is Source.COACH), None)
    form = next((e for e in reversed(evaluations) if e.source is Source.CLIENT), None)
    source = own or form
    if source is None:
        return EvaluationDraft()
    return EvaluationDraft(
        goal_score=source.goal_score,
        goal_score_note=source.goal_score_note or "",
        **{name: getattr(source, name) or "" for name in EVALUATION_FIELDS},
        from_client_form=own is None,
    )


def _plan(session: Session, trajectory_id: int) -> PlanDraft:
    plan = session.scalar(select(RetentionPlan).where(RetentionPlan.trajectory_id == trajectory_id))
    if plan is None:
        return PlanDraft()
    return PlanDraft(
        **{name: getattr(plan, name) or "" for name in PLAN_FIELDS},
        self_check_on=plan.self_check_on,
        version=plan.version,
    )


def _checklist(session: Session, trajectory_id: int) -> ChecklistDraft:
    checklist = session.scalar(
        select(ClosureChecklist).where(ClosureChecklist.trajectory_id == trajectory_id)
    )
    if checklist is None:
        return ChecklistDraft()
    return ChecklistDraft(
        **{name: getattr(checklist, name) for name in CHECKLIST_ITEMS},
        coach_notes=checklist.coach_notes or "",
        version=checklist.version,
    )


def _phase_times(timer: SessionTimer) -> list[PhaseTimes]:
    return [
        PhaseTimes(
            Phase(p.phase.value), p.planned_minutes, p.started_at, p.ended_at, p.paused_seconds
        )
        for p in timer.phases
    ]


def read_closing(session: Session, *, coach_id: int, session_id: int, now: datetime) -> ClosingView:
    """The closing session as the live page shows it at `now`."""
    timer = _timer(session, coach_id, session_id)
    record = session.scalars(
        select(CoachingSession)
        .options(joinedload(CoachingSession.trajectory).joinedload(Trajectory.client))
        .where(CoachingSession.id == session_id)
    ).one()
    trajectory = record.trajectory
    phases = _phase_times(timer)
    return ClosingView(
        session_id=record.id,
        trajectory_id=trajectory.id,
        client_name=trajectory.client.name,
        goal=trajectory.goal,
        agenda=Agenda(timer.agenda.value),
        timer=read_timer(phases, paused_at=timer.paused_at, now=now),
        evaluation=_evaluation(session, trajectory.id),
        plan=_plan(session, trajectory.id),
        checklist=_checklist(session, trajectory.id),
        ended=timer.ended_at is not None,
    )


def read_clock(session: Session, *, coach_id: int, session_id: int, now: datetime) -> TimerReading:
    """Only the clock: what one tick of the live timer needs (one small query)."""
    timer = _timer(session, coach_id, session_id)
    return read_timer(_phase_times(timer), paused_at=timer.paused_at, now=now)


def save_evaluation(
    session: Session, *, coach_id: int, trajectory_id: int, values: dict[str, object], now: datetime
) -> None:
    """Save evaluation fields as the coach types them (the coach's own evaluation record)."""
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    errors = {
        name: problem
        for name, value in values.items()
        if (problem := score_problem(value) if name == "goal_score" else text_problem(str(value)))  # type: ignore[arg-type]
    }
    if errors:
        raise ValidationError(errors)
    record = session.scalar(
        select(Evaluation).where(
            Evaluation.trajectory_id == trajectory_id, Evaluation.source == Source.COACH
        )
    )
    if record is None:
        record = Evaluation(trajectory_id=trajectory_id, source=Source.COACH, submitted_at=now)
        session.add(record)
    for name, value in values.items():
        setattr(record, name, value if name == "goal_score" else (str(value).strip() or None))
    session.flush()


Versioned = TypeVar("Versioned", RetentionPlan, ClosureChecklist)


def _save_versioned(
    session: Session,
    model: type[Versioned],
    *,
    coach_id: int,
    trajectory_id: int,
    values: dict[str, object],
    expected_version: int,
) -> int:
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    errors = {
        name: problem
        for name, value in values.items()
        if isinstance(value, str) and (problem := text_problem(value))
    }
    if errors:
        raise ValidationError(errors)
    record = session.scalar(select(model).where(model.trajectory_id == trajectory_id))
    if (record.version if record is not None else 0) != expected_version:
        raise StaleEdit
    if record is None:
        record = model(trajectory_id=trajectory_id)
        session.add(record)
    for name, value in values.items():
        setattr(record, name, value.strip() or None if isinstance(value, str) else value)
    try:
        session.flush()
    except StaleDataError as stale:  # another tab won the race between our read and write
        raise StaleEdit from stale
    return record.version


def save_plan(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    values: dict[str, object],
    expected_version: int,
) -> int:
    """Save borgingsplan fields; StaleEdit when another tab saved first. Returns the version."""
    return _save_versioned(
        session,
        RetentionPlan,
        coach_id=coach_id,
        trajectory_id=trajectory_id,
        values=values,
        expected_version=expected_version,
    )


def save_checklist(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    values: dict[str, object],
    expected_version: int,
) -> int:
    """Save afsluiting items; StaleEdit when another tab saved first. Returns the version."""
    return _save_versioned(
        session,
        ClosureChecklist,
        coach_id=coach_id,
        trajectory_id=trajectory_id,
        values=values,
        expected_version=expected_version,
    )


def protocol_completed(
    evaluation: EvaluationDraft, plan: PlanDraft, checklist: ChecklistDraft
) -> bool:
    """Evaluatie, borging and afsluiting all done — the full closing protocol."""
    evaluated = evaluation.goal_score is not None and bool(
        evaluation.main_changes or evaluation.key_insight
    )
    secured = all(
        getattr(plan, name)
        for name in (
            "main_change",
            "relapse_situations",
            "relapse_strategy",
            "accountability_person",
            "self_check_method",
        )
    )
    said_goodbye = (
        checklist.relationship_acknowledged
        and checklist.successes_celebrated
        and checklist.goodbye_explicit
        and checklist.feedback_asked
        and (
            checklist.offered_follow_up
            or checklist.offered_single_sessions
            or checklist.offered_new_trajectory
        )
    )
    return evaluated and secured and said_goodbye


@dataclass(frozen=True)
class ClosingSummary:
    """What ending the session did."""

    status: TrajectoryStatus
    full_protocol: bool | None
    follow_ups: list[tuple[FollowUpKind, date]]
    evaluation: EvaluationDraft
    plan: PlanDraft
    checklist: ChecklistDraft

    @property
    def checklist_done(self) -> int:
        return sum(bool(getattr(self.checklist, item)) for item in CHECKLIST_ITEMS)


def end_closing(
    session: Session, *, coach_id: int, session_id: int, now: datetime, today: date
) -> ClosingSummary:
    """Stop the clock and close: session −1 leaves the trajectory in afronding; otherwise it is
    afgerond, with whether the full protocol was done, and the follow-ups are scheduled."""
    view = read_closing(session, coach_id=coach_id, session_id=session_id, now=now)
    timer = _timer(session, coach_id, session_id)
    _resume(timer, now)
    if (current := _current(timer)) is not None:
        current.ended_at = now
    for phase in timer.phases:  # phases never reached keep no times
        if phase.started_at is None:
            phase.started_at = phase.ended_at = now
    timer.ended_at = now
    record = own_session(session, coach_id=coach_id, session_id=session_id)
    record.status = SessionStatus.HELD
    record.duration_minutes = max(5, min(480, round(view.timer.elapsed_seconds / 60)))
    trajectory = record.trajectory
    if view.evaluation.goal_score is not None:
        session.add(
            GoalScore(
                trajectory_id=trajectory.id,
                session_id=record.id,
                score=view.evaluation.goal_score,
                measured_at=now,
                kind=ScoreKind.CLOSING,
                source=Source.COACH,
                note=view.evaluation.goal_score_note or None,
            )
        )
    if view.agenda is Agenda.MINUS_1:
        trajectory.status = TrajectoryStatus.CLOSING
        session.flush()
        return ClosingSummary(
            TrajectoryStatus.CLOSING, None, [], view.evaluation, view.plan, view.checklist
        )
    trajectory.status = TrajectoryStatus.CLOSED
    trajectory.ended_on = max(today, trajectory.started_on)
    trajectory.full_protocol = protocol_completed(view.evaluation, view.plan, view.checklist)
    scheduled = {kind: today + timedelta(days=days) for kind, days in FOLLOW_UP_DAYS.items()}
    scheduled[FollowUpKind.SELF_CHECK] = view.plan.self_check_on or today + timedelta(
        days=SELF_CHECK_DAYS
    )
    existing = set(
        session.scalars(select(FollowUp.kind).where(FollowUp.trajectory_id == trajectory.id))
    )
    for kind, due in scheduled.items():
        if kind not in existing:
            session.add(FollowUp(trajectory_id=trajectory.id, kind=kind, due_on=due))
    session.flush()
    return ClosingSummary(
        TrajectoryStatus.CLOSED,
        trajectory.full_protocol,
        sorted(scheduled.items(), key=lambda item: item[1]),
        view.evaluation,
        view.plan,
        view.checklist,
    )
