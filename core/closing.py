"""Afrondingssessie: run the closing session live, capture it, and end it with follow-ups."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from core.aftercare import FOLLOW_UP_DAYS, schedule_follow_ups
from core.clients import cancel_remaining_sessions, own_session, own_trajectory
from core.errors import ValidationError
from core.progress import LONG_TRAJECTORY_SESSIONS
from core.timer import DEFAULT_MINUTES, Agenda, Phase, PhaseTimes, TimerReading, read_timer
from core.validation import SCORE_SCALES, score_problem, text_problem
from db.models import (
    CLOSING_KINDS,
    Client,
    ClosingFormat,
    ClosureChecklist,
    CoachingSession,
    Evaluation,
    FollowUp,
    FollowUpKind,
    FormKind,
    FormLink,
    GoalScore,
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
PLANNED_AGENDA = {kind: agenda for agenda, kind in SESSION_KIND.items()}
CLOSING_FOLLOW_UPS = (*FOLLOW_UP_DAYS, FollowUpKind.SELF_CHECK)
SELF_CHECK_DAYS = 91  # "over drie maanden kijk ik terug", when the plan names no date
EVALUATION_FIELDS = ("main_changes", "key_insight", "most_valuable", "could_be_better")
# The evaluation as the closing holds it: the score, its note and the four answers.
# The client's feedback for the coach: would they recommend the coach, and why (not).
FEEDBACK_FIELDS = ("recommend_score", "recommend_reason")
EVALUATION_CAPTURE = ("goal_score", "goal_score_note", *EVALUATION_FIELDS, *FEEDBACK_FIELDS)
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
    "symbolic_gesture",
)


class ClosingPart(StrEnum):
    """The three records a closing session fills in."""

    EVALUATION = "evaluation"  # evaluatie
    PLAN = "plan"  # borgingsplan
    CHECKLIST = "checklist"  # afsluiting


# Every field the live page may save, per part: a name outside these is a programming error.
PART_FIELDS: dict[ClosingPart, tuple[str, ...]] = {
    ClosingPart.EVALUATION: EVALUATION_CAPTURE,
    ClosingPart.PLAN: (*PLAN_FIELDS, "self_check_on"),
    ClosingPart.CHECKLIST: (*CHECKLIST_ITEMS, "coach_notes", "buffer_notes"),
}


class StaleEdit(Exception):
    """Another tab changed this field since this tab saw it; nothing was overwritten."""


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
    held_sessions: int = 0
    planned_closing_at: datetime | None = None  # the nearest closing session planned
    planned_closing_kind: SessionKind | None = None

    @property
    def advise_two_sessions(self) -> bool:
        return self.planned_sessions >= LONG_TRAJECTORY_SESSIONS or self.intensive

    @property
    def in_last_sessions(self) -> bool:
        """In its last two planned sessions, or already in afronding."""
        return (
            self.status is TrajectoryStatus.CLOSING
            or self.held_sessions >= self.planned_sessions - 2
        )

    @property
    def suggested_agenda(self) -> Agenda:
        if self.status is TrajectoryStatus.CLOSING:
            return Agenda.SESSION_0  # session −1 was held: now borging and afsluiting
        if self.planned_closing_kind is not None:
            return PLANNED_AGENDA[self.planned_closing_kind]
        return Agenda.MINUS_1 if self.advise_two_sessions else Agenda.SINGLE_90


def list_closing_candidates(
    session: Session, *, coach_id: int, now: datetime
) -> list[ClosingCandidate]:
    """Active trajectories and those in afronding: a running closing first, then the closing
    planned nearest to `now` (today's first), then the rest by name."""
    s = CoachingSession
    running = (
        select(s.trajectory_id, s.id)
        .join(SessionTimer, SessionTimer.session_id == s.id)
        .where(SessionTimer.ended_at.is_(None))
        .subquery()
    )
    held = (
        select(func.count(s.id))
        .where(
            s.trajectory_id == Trajectory.id,
            s.status == SessionStatus.HELD,
            s.kind.in_((SessionKind.REGULAR, SessionKind.INTERMEDIATE)),
        )
        .scalar_subquery()
    )
    planned = (
        select(s.trajectory_id, s.scheduled_at, s.kind)
        .where(s.status == SessionStatus.PLANNED, s.kind.in_(CLOSING_KINDS))
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
            held,
            planned.c.scheduled_at,
            planned.c.kind,
        )
        .join(Client, Client.id == Trajectory.client_id)
        .outerjoin(running, running.c.trajectory_id == Trajectory.id)
        .outerjoin(planned, planned.c.trajectory_id == Trajectory.id)
        .where(
            Client.coach_id == coach_id,
            Trajectory.status.in_((TrajectoryStatus.ACTIVE, TrajectoryStatus.CLOSING)),
        )
        .order_by(Client.name)
    )
    nearest: dict[int, ClosingCandidate] = {}
    for row in rows:
        candidate = ClosingCandidate(*row)
        known = nearest.get(candidate.trajectory_id)
        if known is None or _distance(candidate, now) < _distance(known, now):
            nearest[candidate.trajectory_id] = candidate
    return sorted(
        nearest.values(),
        key=lambda c: (c.session_id is None, _distance(c, now), c.client_name.casefold()),
    )


def _distance(candidate: ClosingCandidate, now: datetime) -> float:
    """How far the planned closing is from now, before or after; none planned: last."""
    if candidate.planned_closing_at is None:
        return float("inf")
    return abs((candidate.planned_closing_at - now).total_seconds())


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
    timer = SessionTimer(session_id=record.id, agenda=agenda, started_at=now)
    timer.phases = [
        SessionPhase(
            position=position,
            phase=phase,
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


def next_phase(
    session: Session, *, coach_id: int, session_id: int, now: datetime, seen: Phase | None = None
) -> None:
    """End the current phase and start the next (a pause in progress ends first); a step
    asked for from a screen that showed another phase (`seen`) than the current does nothing."""
    timer = _timer(session, coach_id, session_id)
    current = _current(timer)
    # Two tabs (or two devices) that both click "next" on the same phase take one step.
    if current is None or (seen is not None and current.phase != seen):
        return
    _resume(timer, now)
    current.ended_at = now
    following = next((p for p in timer.phases if p.position == current.position + 1), None)
    if following is not None:
        following.started_at = now
    session.flush()


def previous_phase(
    session: Session, *, coach_id: int, session_id: int, now: datetime, seen: Phase | None = None
) -> None:
    """Undo "next": back to the previous phase, its time as it was when it was left (not when
    the screen asking showed another phase than the current, `seen`)."""
    timer = _timer(session, coach_id, session_id)
    current = _current(timer)
    if timer.ended_at is not None or current is None or current.position == 0:
        return
    if seen is not None and current.phase != seen:
        return
    _resume(timer, now)
    previous = next(p for p in timer.phases if p.position == current.position - 1)
    assert previous.ended_at is not None  # phases run in order: the one before has ended
    # The seconds since it was left don't count for it: its clock stands where it stopped.
    previous.paused_seconds += (now - previous.ended_at).total_seconds()
    previous.ended_at = None
    current.started_at = None
    current.paused_seconds = 0.0
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
    """Evaluatie in the session: the client's form answers with the coach's changes on top."""

    goal_score: int | None = None
    goal_score_note: str = ""
    main_changes: str = ""
    key_insight: str = ""
    most_valuable: str = ""
    could_be_better: str = ""
    recommend_score: int | None = None  # 0–10: would the client recommend the coach
    recommend_reason: str = ""
    from_client_form: bool = False  # at least one field still shows the client's answer
    # What the client wrote, for each field the coach changed: shown beside the coach's text.
    client_wrote: dict[str, str | int] = field(default_factory=dict)


def merge_evaluation(client: Evaluation | None, coach: Evaluation | None) -> EvaluationDraft:
    """Field by field: the coach's value where the coach saved one, else the client's answer.

    The coach's record holds only the fields the coach touched (NULL = untouched, "" = the
    coach emptied it), so a partial coach record never hides a whole client form.
    """
    merged: dict[str, str | int | None] = {}
    client_wrote: dict[str, str | int] = {}
    from_client = False
    for name in EVALUATION_CAPTURE:
        theirs = getattr(client, name) if client is not None else None
        ours = getattr(coach, name) if coach is not None else None
        if ours is None:
            merged[name] = theirs
            from_client = from_client or theirs not in (None, "")
        else:
            merged[name] = ours
            if theirs not in (None, "") and theirs != ours:
                client_wrote[name] = theirs
    goal, recommend = (merged.pop(name) for name in SCORE_SCALES)
    return EvaluationDraft(
        goal_score=goal if isinstance(goal, int) else None,
        recommend_score=recommend if isinstance(recommend, int) else None,
        **{name: str(value or "") for name, value in merged.items()},
        from_client_form=from_client,
        client_wrote=client_wrote,
    )


def read_evaluation(session: Session, trajectory_id: int) -> EvaluationDraft:
    """The trajectory's merged evaluation: the newest client form under the coach's record."""
    evaluations = session.scalars(
        select(Evaluation)
        .where(Evaluation.trajectory_id == trajectory_id)
        .order_by(Evaluation.submitted_at, Evaluation.id)
    ).all()
    coach = next((e for e in evaluations if e.source is Source.COACH), None)
    client = next((e for e in reversed(evaluations) if e.source is Source.CLIENT), None)
    return merge_evaluation(client, coach)


@dataclass(frozen=True)
class PlanDraft:
    """Borgingsplan as it stands."""

    main_change: str = ""
    relapse_situations: str = ""
    relapse_strategy: str = ""
    accountability_person: str = ""
    self_check_method: str = ""
    concrete_actions: str = ""
    self_check_on: date | None = None
    # The client's homework answer, for each field where the plan now says something else.
    client_wrote: dict[str, str] = field(default_factory=dict)
    from_homework: bool = False  # the client sent the borgingsplan as homework


@dataclass(frozen=True)
class ChecklistDraft:
    """Afsluiting as it stands."""

    relationship_acknowledged: bool = False
    successes_celebrated: bool = False
    offered_follow_up: bool = False
    offered_single_sessions: bool = False
    offered_new_trajectory: bool = False
    goodbye_explicit: bool = False
    feedback_asked: bool = False
    emotion_room: bool = False
    symbolic_gesture: bool = False
    coach_notes: str = ""
    buffer_notes: str = ""


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


def read_plan(session: Session, trajectory_id: int) -> PlanDraft:
    """The borgingsplan, with the client's homework answers where the plan differs."""
    plan = session.scalar(select(RetentionPlan).where(RetentionPlan.trajectory_id == trajectory_id))
    homework: dict[str, object] = (
        session.scalar(
            select(FormLink.answers)
            .where(
                FormLink.trajectory_id == trajectory_id,
                FormLink.kind == FormKind.RETENTION_HOMEWORK,
                FormLink.answers.is_not(None),
            )
            .order_by(FormLink.submitted_at.desc(), FormLink.id.desc())
            .limit(1)
        )
        or {}
    )
    values = {name: (getattr(plan, name) if plan else None) or "" for name in PLAN_FIELDS}
    return PlanDraft(
        **values,
        self_check_on=plan.self_check_on if plan else None,
        from_homework=bool(homework),
        client_wrote={
            name: str(answer)
            for name, answer in homework.items()
            if name in values and str(answer or "").strip() not in ("", values[name])
        },
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
        buffer_notes=checklist.buffer_notes or "",
    )


def _phase_times(timer: SessionTimer) -> list[PhaseTimes]:
    return [
        PhaseTimes(p.phase, p.planned_minutes, p.started_at, p.ended_at, p.paused_seconds)
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
        agenda=timer.agenda,
        timer=read_timer(phases, paused_at=timer.paused_at, now=now),
        evaluation=read_evaluation(session, trajectory.id),
        plan=read_plan(session, trajectory.id),
        checklist=_checklist(session, trajectory.id),
        ended=timer.ended_at is not None,
    )


def read_clock(session: Session, *, coach_id: int, session_id: int, now: datetime) -> TimerReading:
    """Only the clock: what one tick of the live timer needs (one small query)."""
    timer = _timer(session, coach_id, session_id)
    return read_timer(_phase_times(timer), paused_at=timer.paused_at, now=now)


def _shown(name: str, value: object) -> object:
    """A field's value as the page shows it: text stripped and never None."""
    if name in CHECKLIST_ITEMS:
        return bool(value)
    if name in SCORE_SCALES or name == "self_check_on":
        return value
    return str(value or "").strip()


def _problem(name: str, value: object) -> str | None:
    if name in SCORE_SCALES:
        low, high = SCORE_SCALES[name]
        return score_problem(value, low=low, high=high) if isinstance(value, int) else None
    if isinstance(value, str):
        return text_problem(value)
    return None


def save_closing_field(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    part: ClosingPart,
    name: str,
    value: object,
    seen: object,
    now: datetime,
) -> object:
    """Save one field while the coach types; returns the value as it now shows.

    `seen` is what this tab last showed for the field. When another tab changed the field
    since, StaleEdit is raised and nothing is written; changes to other fields never clash.
    The evaluation's edits go to the coach's own record, on top of the client's answers.
    """
    if name not in PART_FIELDS[part]:
        raise ValueError(f"{part} has no field {name!r}")
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    if problem := _problem(name, value):
        raise ValidationError({name: problem})
    record: Evaluation | RetentionPlan | ClosureChecklist | None
    if part is ClosingPart.EVALUATION:
        current: object = getattr(read_evaluation(session, trajectory_id), name)
        record = session.scalar(
            select(Evaluation).where(
                Evaluation.trajectory_id == trajectory_id, Evaluation.source == Source.COACH
            )
        ) or Evaluation(trajectory_id=trajectory_id, source=Source.COACH, submitted_at=now)
    else:
        if part is ClosingPart.PLAN:
            record = session.scalar(
                select(RetentionPlan).where(RetentionPlan.trajectory_id == trajectory_id)
            ) or RetentionPlan(trajectory_id=trajectory_id)
        else:
            record = session.scalar(
                select(ClosureChecklist).where(ClosureChecklist.trajectory_id == trajectory_id)
            ) or ClosureChecklist(trajectory_id=trajectory_id)
        current = getattr(record, name)
    if _shown(name, current) != _shown(name, seen):
        raise StaleEdit
    shown = _shown(name, value)
    # The coach's evaluation keeps "" for an emptied answer, so the client's doesn't return.
    keep_empty = part is ClosingPart.EVALUATION
    setattr(record, name, shown if shown != "" or keep_empty else None)
    session.add(record)
    try:
        session.flush()
    except StaleDataError as stale:  # another tab won the race between our read and write
        raise StaleEdit from stale
    return shown


RETENTION_REQUIRED = (
    "main_change",
    "relapse_situations",
    "relapse_strategy",
    "accountability_person",
    "self_check_method",
)
GOODBYE_REQUIRED = (
    "relationship_acknowledged",
    "successes_celebrated",
    "goodbye_explicit",
    "feedback_asked",
)
DOOR_OPEN = ("offered_follow_up", "offered_single_sessions", "offered_new_trajectory")


def protocol_gaps(
    evaluation: EvaluationDraft, plan: PlanDraft, checklist: ChecklistDraft
) -> list[str]:
    """What the full protocol still misses, as field names (`door_open`: no option offered)."""
    gaps = []
    if evaluation.goal_score is None:
        gaps.append("goal_score")
    if not (evaluation.main_changes or evaluation.key_insight):
        gaps.append("main_changes")
    gaps += [name for name in RETENTION_REQUIRED if not getattr(plan, name)]
    gaps += [name for name in GOODBYE_REQUIRED if not getattr(checklist, name)]
    if not any(getattr(checklist, name) for name in DOOR_OPEN):
        gaps.append("door_open")
    return gaps


def protocol_completed(
    evaluation: EvaluationDraft, plan: PlanDraft, checklist: ChecklistDraft
) -> bool:
    """Evaluatie, borging and afsluiting all done — the full closing protocol."""
    return not protocol_gaps(evaluation, plan, checklist)


@dataclass(frozen=True)
class ClosingSummary:
    """What ending the session did."""

    status: TrajectoryStatus
    full_protocol: bool | None
    follow_ups: list[tuple[FollowUpKind, date]]
    evaluation: EvaluationDraft
    plan: PlanDraft
    checklist: ChecklistDraft
    buffer_used_seconds: float = 0.0

    @property
    def no_room_for_emotion(self) -> bool:
        """The buffer went unused, emotion was not ticked and nothing came up in notes."""
        return (
            self.buffer_used_seconds < 60
            and not self.checklist.emotion_room
            and not self.checklist.buffer_notes
        )

    @property
    def checklist_done(self) -> int:
        return sum(bool(getattr(self.checklist, item)) for item in CHECKLIST_ITEMS)

    @property
    def gaps(self) -> list[str]:
        """What the full protocol missed (nothing for session −1, which only evaluates)."""
        if self.status is TrajectoryStatus.CLOSING:
            return []
        return protocol_gaps(self.evaluation, self.plan, self.checklist)


def read_closing_summary(
    session: Session, *, coach_id: int, session_id: int, now: datetime
) -> ClosingSummary:
    """What an ended closing session recorded, as the summary shows it (also after a reload)."""
    view = read_closing(session, coach_id=coach_id, session_id=session_id, now=now)
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=view.trajectory_id)
    if view.agenda is Agenda.MINUS_1:
        status, full_protocol, follow_ups = TrajectoryStatus.CLOSING, None, []
    else:
        status, full_protocol = trajectory.status, trajectory.full_protocol
        follow_ups = [
            (kind, due)
            for kind, due in session.execute(
                select(FollowUp.kind, FollowUp.due_on)
                .where(
                    FollowUp.trajectory_id == trajectory.id, FollowUp.kind.in_(CLOSING_FOLLOW_UPS)
                )
                .order_by(FollowUp.due_on, FollowUp.id)
            )
        ]
    buffer = sum(p.elapsed_seconds for p in view.timer.phases if p.phase is Phase.BUFFER)
    return ClosingSummary(
        status, full_protocol, follow_ups, view.evaluation, view.plan, view.checklist, buffer
    )


def end_closing(
    session: Session,
    *,
    coach_id: int,
    session_id: int,
    now: datetime,
    today: date,
    cancel_remaining: bool = True,
) -> ClosingSummary:
    """Stop the clock and close: session −1 leaves the trajectory in afronding; otherwise it is
    afgerond, with whether the full protocol was done, the follow-ups are scheduled and the
    sessions still planned are cancelled (unless the coach keeps them: `cancel_remaining`).
    Ending an ended session changes nothing and returns what it recorded."""
    view = read_closing(session, coach_id=coach_id, session_id=session_id, now=now)
    timer = _timer(session, coach_id, session_id)
    if timer.ended_at is not None:
        return read_closing_summary(session, coach_id=coach_id, session_id=session_id, now=now)
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
        return read_closing_summary(session, coach_id=coach_id, session_id=session_id, now=now)
    trajectory.status = TrajectoryStatus.CLOSED
    trajectory.ended_on = max(today, trajectory.started_on)
    if cancel_remaining:
        cancel_remaining_sessions(session, trajectory_id=trajectory.id)
    trajectory.full_protocol = protocol_completed(view.evaluation, view.plan, view.checklist)
    scheduled = {kind: today + timedelta(days=days) for kind, days in FOLLOW_UP_DAYS.items()}
    scheduled[FollowUpKind.SELF_CHECK] = view.plan.self_check_on or today + timedelta(
        days=SELF_CHECK_DAYS
    )
    schedule_follow_ups(session, trajectory_id=trajectory.id, due=scheduled)
    return read_closing_summary(session, coach_id=coach_id, session_id=session_id, now=now)
