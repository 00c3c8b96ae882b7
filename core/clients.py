"""Cliënten: the client list with readiness, adding and editing clients and trajectories."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ScalarSelect, Select, Subquery, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.aftercare import CONTACT_KINDS, FOLLOW_UP_DAYS, schedule_follow_ups
from core.errors import NotFound, ValidationError, save_unique
from core.i18n import translate
from core.readiness import Flag, ReadinessFacts, readiness_flags
from core.timefmt import format_date, format_moment, format_time, local_date
from core.validation import (
    email_problem,
    name_problem,
    optional,
    period_problem,
    phone_problem,
    planned_sessions_problem,
    text_problem,
)
from db.models import (
    CLOSING_KINDS,
    Client,
    ClosureChecklist,
    CoachingSession,
    Evaluation,
    FollowUp,
    FollowUpStatus,
    FormKind,
    FormLink,
    GoalScore,
    Language,
    Outcome,
    OutcomeKind,
    RetentionPlan,
    SessionKind,
    SessionStatus,
    Source,
    Trajectory,
    TrajectoryStatus,
)
from db.search import fold, folded


@dataclass(frozen=True)
class ClientRow:
    """One client in the list, with their latest trajectory and its readiness."""

    client_id: int
    name: str
    email: str | None
    phone: str | None
    trajectory_id: int | None
    goal: str | None
    started_on: date | None
    status: TrajectoryStatus | None
    held_sessions: int
    planned_sessions: int | None
    start_score: int | None
    latest_score: int | None
    next_session_at: datetime | None
    next_follow_up_on: date | None
    flags: tuple[Flag, ...]


TRAJECTORY_STATUSES = tuple(TrajectoryStatus)
ENDED = (TrajectoryStatus.CLOSED, TrajectoryStatus.STOPPED)


class SortKey(StrEnum):
    """What the client list can be sorted by."""

    NAME = "name"
    STATUS = "status"
    PROGRESS = "progress"
    NEXT_SESSION = "next_session"
    NEXT_FOLLOW_UP = "next_follow_up"
    GAIN = "gain"
    FLAGS = "flags"


def own_client(session: Session, *, coach_id: int, client_id: int) -> Client:
    """The client, if it is this coach's; NotFound otherwise (never another coach's)."""
    client = session.scalar(
        select(Client).where(Client.id == client_id, Client.coach_id == coach_id)
    )
    if client is None:
        raise NotFound("client")
    return client


def own_trajectory(session: Session, *, coach_id: int, trajectory_id: int) -> Trajectory:
    """The trajectory, if its client is this coach's; NotFound otherwise."""
    trajectory = session.scalar(
        select(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Trajectory.id == trajectory_id, Client.coach_id == coach_id)
    )
    if trajectory is None:
        raise NotFound("trajectory")
    return trajectory


def own_follow_up(session: Session, *, coach_id: int, follow_up_id: int) -> FollowUp:
    """The follow-up, if its client is this coach's; NotFound otherwise."""
    item = session.scalar(
        select(FollowUp)
        .join(Trajectory, Trajectory.id == FollowUp.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(FollowUp.id == follow_up_id, Client.coach_id == coach_id)
    )
    if item is None:
        raise NotFound("follow_up")
    return item


def own_session(session: Session, *, coach_id: int, session_id: int) -> CoachingSession:
    """The coaching session, if its client is this coach's; NotFound otherwise."""
    record = session.scalar(
        select(CoachingSession)
        .join(Trajectory, Trajectory.id == CoachingSession.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(CoachingSession.id == session_id, Client.coach_id == coach_id)
    )
    if record is None:
        raise NotFound("session")
    return record


def coach_trajectory_ids(coach_id: int) -> Select[int]:
    """The ids of the coach's trajectories: a query filter that starts from the coach."""
    return (
        select(Trajectory.id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.coach_id == coach_id)
    )


def _session_figures(mine: ScalarSelect[Any], now: datetime) -> Subquery:
    """Per trajectory: sessions held, closings planned (the shortest, one of 90), next session."""
    s = CoachingSession
    planned_closing = and_(s.status == SessionStatus.PLANNED, s.kind.in_(CLOSING_KINDS))
    return (
        select(
            s.trajectory_id,
            func.count(s.id)
            .filter(
                and_(
                    s.status == SessionStatus.HELD,
                    s.kind.in_((SessionKind.REGULAR, SessionKind.INTERMEDIATE)),
                )
            )
            .label("held"),
            func.count(s.id).filter(planned_closing).label("closings"),
            func.min(s.duration_minutes).filter(planned_closing).label("shortest"),
            func.count(s.id)
            .filter(and_(s.status == SessionStatus.PLANNED, s.kind == SessionKind.CLOSING_90))
            .label("single"),
            func.min(s.scheduled_at)
            .filter(and_(s.status == SessionStatus.PLANNED, s.scheduled_at >= now))
            .label("next"),
        )
        .where(s.trajectory_id.in_(mine))
        .group_by(s.trajectory_id)
        .subquery()
    )


def _first_and_latest_scores(mine: ScalarSelect[Any]) -> Subquery:
    """Per trajectory: its first and its latest goal score."""
    g = GoalScore
    ranked = (
        select(
            g.trajectory_id,
            g.score,
            func.row_number()
            .over(partition_by=g.trajectory_id, order_by=(g.measured_at, g.id))
            .label("first"),
            func.row_number()
            .over(partition_by=g.trajectory_id, order_by=(g.measured_at.desc(), g.id.desc()))
            .label("last"),
        )
        .where(g.trajectory_id.in_(mine))
        .subquery()
    )
    return (
        select(
            ranked.c.trajectory_id,
            func.max(case((ranked.c.first == 1, ranked.c.score))).label("start"),
            func.max(case((ranked.c.last == 1, ranked.c.score))).label("latest"),
        )
        .group_by(ranked.c.trajectory_id)
        .subquery()
    )


def _next_follow_ups(mine: ScalarSelect[Any]) -> Subquery:
    """Per trajectory: the due date of its next open follow-up."""
    return (
        select(FollowUp.trajectory_id, func.min(FollowUp.due_on).label("next"))
        .where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.trajectory_id.in_(mine))
        .group_by(FollowUp.trajectory_id)
        .subquery()
    )


def _client_list_query(
    *,
    coach_id: int,
    now: datetime,
    query: str,
    status: TrajectoryStatus | None,
    client_id: int | None,
) -> Select[*tuple[Any, ...]]:
    """Every client with their latest trajectory's figures, in one statement."""
    trajectories = coach_trajectory_ids(coach_id)
    if client_id is not None:  # one client's page: aggregate that client's rows only
        trajectories = trajectories.where(Client.id == client_id)
    mine = trajectories.scalar_subquery()
    # The latest trajectory per client as a correlated lookup: one index probe per client,
    # which both planners estimate well (a window function's "rank = 1" misled PostgreSQL
    # into a nested loop over every pair of clients).
    latest_id = (
        select(Trajectory.id)
        .where(Trajectory.client_id == Client.id)
        .order_by(Trajectory.started_on.desc(), Trajectory.id.desc())
        .limit(1)
        .correlate(Client)
        .scalar_subquery()
    )
    latest = aliased(Trajectory, name="latest")
    sessions = _session_figures(mine, now)
    scores = _first_and_latest_scores(mine)
    follow_ups = _next_follow_ups(mine)
    client_evaluation = exists().where(
        Evaluation.trajectory_id == latest.id, Evaluation.source == Source.CLIENT
    )
    form_sent = exists().where(
        FormLink.trajectory_id == latest.id,
        FormLink.kind == FormKind.EVALUATION,
        FormLink.revoked_at.is_(None),
        FormLink.expires_at > now,  # a link that expired unanswered brings the warning back
    )
    door_open = or_(
        ClosureChecklist.offered_follow_up,
        ClosureChecklist.offered_single_sessions,
        ClosureChecklist.offered_new_trajectory,
    )
    stmt = (
        select(
            Client.id.label("client_id"),
            Client.name.label("name"),
            Client.email.label("email"),
            Client.phone.label("phone"),
            latest.id.label("trajectory_id"),
            latest.goal.label("goal"),
            latest.started_on.label("started_on"),
            latest.status.label("status"),
            latest.planned_sessions.label("planned"),
            latest.intensive.label("intensive"),
            latest.ended_on.label("ended_on"),
            func.coalesce(sessions.c.held, 0).label("held"),
            (func.coalesce(sessions.c.closings, 0) > 0).label("closing_planned"),
            sessions.c.shortest.label("shortest"),
            (func.coalesce(sessions.c.single, 0) > 0).label("single"),
            sessions.c.next.label("next_session"),
            scores.c.start.label("start"),
            scores.c.latest.label("latest"),
            follow_ups.c.next.label("next_follow_up"),
            client_evaluation.label("client_evaluation"),
            form_sent.label("form_sent"),
            (func.coalesce(func.length(RetentionPlan.main_change), 0) > 0).label("plan"),
            func.coalesce(ClosureChecklist.feedback_asked, False).label("feedback"),
            func.coalesce(door_open, False).label("door"),
        )
        .select_from(Client)
        .outerjoin(latest, latest.id == latest_id)
        .outerjoin(sessions, sessions.c.trajectory_id == latest.id)
        .outerjoin(scores, scores.c.trajectory_id == latest.id)
        .outerjoin(follow_ups, follow_ups.c.trajectory_id == latest.id)
        .outerjoin(RetentionPlan, RetentionPlan.trajectory_id == latest.id)
        .outerjoin(ClosureChecklist, ClosureChecklist.trajectory_id == latest.id)
        .where(Client.coach_id == coach_id)
        .order_by(Client.name, Client.id)
    )
    if query.strip():
        stmt = stmt.where(folded(Client.name).contains(fold(query.strip()), autoescape=True))
    if status is not None:
        stmt = stmt.where(latest.status == status)
    if client_id is not None:
        stmt = stmt.where(Client.id == client_id)
    return stmt


def list_clients(
    session: Session,
    *,
    coach_id: int,
    now: datetime,
    today: date,
    query: str = "",
    status: TrajectoryStatus | None = None,
    client_id: int | None = None,
) -> list[ClientRow]:
    """The coach's clients, filtered by name and latest trajectory status, sorted by name."""
    stmt = _client_list_query(
        coach_id=coach_id, now=now, query=query, status=status, client_id=client_id
    )
    rows = []
    for row in session.execute(stmt):
        flags: tuple[Flag, ...] = ()
        if row.trajectory_id is not None:
            facts = ReadinessFacts(
                status=row.status,
                planned_sessions=row.planned,
                held_sessions=row.held,
                intensive=row.intensive,
                ended_on=row.ended_on,
                closing_planned=row.closing_planned,
                shortest_closing_minutes=row.shortest,
                single_closing_planned=row.single,
                client_evaluation=row.client_evaluation,
                evaluation_form_sent=row.form_sent,
                retention_plan=row.plan,
                feedback_asked=row.feedback,
                door_kept_open=row.door,
            )
            flags = tuple(readiness_flags(facts, today=today))
        rows.append(
            ClientRow(
                client_id=row.client_id,
                name=row.name,
                email=row.email,
                phone=row.phone,
                trajectory_id=row.trajectory_id,
                goal=row.goal,
                started_on=row.started_on,
                status=row.status,
                held_sessions=row.held,
                planned_sessions=row.planned,
                start_score=row.start,
                latest_score=row.latest,
                next_session_at=row.next_session,
                next_follow_up_on=row.next_follow_up,
                flags=flags,
            )
        )
    return rows


def sort_clients(rows: list[ClientRow], key: SortKey) -> list[ClientRow]:
    """Rows in the chosen order; missing values (no next session, no score) go last."""
    far = datetime.max.replace(tzinfo=None)

    def order(row: ClientRow) -> tuple[object, ...]:
        if key is SortKey.STATUS:
            return (list(TrajectoryStatus).index(row.status) if row.status else 9, row.name)
        if key is SortKey.PROGRESS:
            share = row.held_sessions / row.planned_sessions if row.planned_sessions else 0
            return (-share, row.name)
        if key is SortKey.NEXT_SESSION:
            moment = row.next_session_at.replace(tzinfo=None) if row.next_session_at else far
            return (moment, row.name)
        if key is SortKey.NEXT_FOLLOW_UP:
            return (row.next_follow_up_on or date.max, row.name)
        if key is SortKey.GAIN:
            gain = (row.latest_score or 0) - (row.start_score or 0)
            return (row.start_score is None, -gain, row.name)
        if key is SortKey.FLAGS:
            return (-len(row.flags), row.name)
        return (row.name.casefold(),)

    return sorted(rows, key=order)


@dataclass(frozen=True)
class TrajectoryInput:
    """What a coach fills in to start a trajectory."""

    goal: str
    started_on: date
    planned_sessions: int
    intensive: bool = False
    referred_by_client_id: int | None = None
    referral_source: str = ""


def _trajectory_problems(data: TrajectoryInput) -> dict[str, str]:
    problems = {
        "goal": text_problem(data.goal, required=True),
        "planned_sessions": planned_sessions_problem(data.planned_sessions),
        "referral_source": text_problem(data.referral_source)
        if len(data.referral_source) <= 200
        else "validation.text_long",
    }
    return {field: key for field, key in problems.items() if key}


def _check_referrer(session: Session, coach_id: int, client_id: int | None) -> None:
    if client_id is not None:
        own_client(session, coach_id=coach_id, client_id=client_id)


def _client_problems(
    session: Session,
    coach_id: int,
    *,
    name: str,
    email: str,
    phone: str,
    notes: str,
    client_id: int | None = None,
) -> dict[str, str]:
    problems = {
        "name": name_problem(name),
        "email": email_problem(email),
        "phone": phone_problem(phone),
        "notes": text_problem(notes),
    }
    errors = {field: key for field, key in problems.items() if key}
    if "email" not in errors:
        errors |= _email_problem(session, coach_id, email, client_id)
    return errors


def _email_problem(
    session: Session, coach_id: int, email: str, except_client: int | None = None
) -> dict[str, str]:
    """{"email": …} when another client of the coach has this address."""
    if not email.strip():
        return {}
    stmt = select(Client.id).where(
        Client.coach_id == coach_id, func.lower(Client.email) == email.strip().lower()
    )
    if except_client is not None:
        stmt = stmt.where(Client.id != except_client)
    return {"email": "validation.email_taken"} if session.scalar(stmt) is not None else {}


def add_client(
    session: Session,
    *,
    coach_id: int,
    name: str,
    email: str,
    phone: str,
    notes: str,
    trajectory: TrajectoryInput,
) -> int:
    """A new client with their first trajectory; returns the client's id."""
    errors = _client_problems(session, coach_id, name=name, email=email, phone=phone, notes=notes)
    errors |= _trajectory_problems(trajectory)
    if errors:
        raise ValidationError(errors)
    _check_referrer(session, coach_id, trajectory.referred_by_client_id)
    client = Client(
        coach_id=coach_id,
        name=name.strip(),
        email=optional(email),
        phone=optional(phone),
        notes=optional(notes),
    )
    save_unique(
        session, lambda: session.add(client), lambda: _email_problem(session, coach_id, email)
    )
    _new_trajectory(session, client, trajectory)
    return client.id


def _new_trajectory(session: Session, client: Client, data: TrajectoryInput) -> Trajectory:
    trajectory = Trajectory(
        client_id=client.id,
        goal=data.goal.strip(),
        started_on=data.started_on,
        planned_sessions=data.planned_sessions,
        intensive=data.intensive,
        referred_by_client_id=data.referred_by_client_id,
        referral_source=optional(data.referral_source),
    )
    session.add(trajectory)
    session.flush()
    return trajectory


def start_trajectory(
    session: Session, *, coach_id: int, client_id: int, trajectory: TrajectoryInput
) -> int:
    """A new trajectory for an existing client: a returning client. Returns its id."""
    client = own_client(session, coach_id=coach_id, client_id=client_id)
    errors = _trajectory_problems(trajectory)
    if errors:
        raise ValidationError(errors)
    _check_referrer(session, coach_id, trajectory.referred_by_client_id)
    running = session.scalar(
        select(Trajectory.id).where(
            Trajectory.client_id == client.id,
            Trajectory.status.in_((TrajectoryStatus.ACTIVE, TrajectoryStatus.CLOSING)),
        )
    )
    if running is not None:
        raise ValidationError({"goal": "clients.trajectory_running"})
    previous = session.scalar(
        select(Trajectory)
        .where(Trajectory.client_id == client.id, Trajectory.status == TrajectoryStatus.CLOSED)
        .order_by(Trajectory.started_on.desc())
        .limit(1)
    )
    if previous is not None:
        # Coming back is an outcome of the earlier trajectory: the practice figures count it.
        session.add(
            Outcome(
                trajectory_id=previous.id,
                kind=OutcomeKind.RETURNING,
                recorded_on=trajectory.started_on,
            )
        )
    return _new_trajectory(session, client, trajectory).id


def update_client(
    session: Session,
    *,
    coach_id: int,
    client_id: int,
    name: str,
    email: str,
    phone: str,
    notes: str,
    language: Language | None = None,
) -> None:
    """Save a client's details; `language` is what the client reads in (None: the coach's)."""
    client = own_client(session, coach_id=coach_id, client_id=client_id)
    errors = _client_problems(
        session, coach_id, name=name, email=email, phone=phone, notes=notes, client_id=client_id
    )
    if errors:
        raise ValidationError(errors)

    def change() -> None:
        client.name = name.strip()
        client.email = optional(email)
        client.phone = optional(phone)
        client.notes = optional(notes)
        client.language = Language(language) if language else None

    save_unique(session, change, lambda: _email_problem(session, coach_id, email, client_id))


def update_trajectory(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    goal: str,
    started_on: date,
    ended_on: date | None,
    planned_sessions: int,
    intensive: bool,
    status: TrajectoryStatus,
    today: date,
    cancel_remaining: bool = True,
    plan_contacts: bool = False,
    status_was: TrajectoryStatus | None = None,
) -> None:
    """Save a trajectory's goal, dates, size and status. A trajectory that ends here, outside
    the live closing, gets an end date, cancels its planned sessions (unless the coach keeps
    them), counts as closed without the full protocol, and gets no follow-ups unless the coach
    asks for the week-1 mail and month-3 check-in (`plan_contacts`). `status_was` is the
    status the form showed: when another tab changed it meanwhile, nothing is saved."""
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    if status_was is not None and trajectory.status != status_was:
        raise ValidationError({"status": "clients.status_changed_meanwhile"})
    problems = {
        "goal": text_problem(goal, required=True),
        "ended_on": period_problem(started_on, ended_on),
        "planned_sessions": planned_sessions_problem(planned_sessions),
    }
    errors = {field: key for field, key in problems.items() if key}
    if errors:
        raise ValidationError(errors)
    ending = status in ENDED and trajectory.status not in ENDED
    trajectory.goal = goal.strip()
    trajectory.started_on = started_on
    trajectory.ended_on = ended_on or (max(today, started_on) if ending else None)
    trajectory.planned_sessions = planned_sessions
    trajectory.intensive = intensive
    trajectory.status = status
    session.flush()
    if not ending:
        return
    if cancel_remaining:
        cancel_remaining_sessions(session, trajectory_id=trajectory.id)
    if status is TrajectoryStatus.CLOSED:
        trajectory.full_protocol = False  # evaluation, borging and goodbye were not recorded
        if plan_contacts:
            ended = trajectory.ended_on or today
            due = {k: max(today, ended + timedelta(FOLLOW_UP_DAYS[k])) for k in CONTACT_KINDS}
            schedule_follow_ups(session, trajectory_id=trajectory.id, due=due)
    session.flush()


def cancel_remaining_sessions(session: Session, *, trajectory_id: int) -> int:
    """Cancel what is still planned in a trajectory that ended (the caller checked the scope)."""
    remaining = session.scalars(
        select(CoachingSession).where(
            CoachingSession.trajectory_id == trajectory_id,
            CoachingSession.status == SessionStatus.PLANNED,
        )
    ).all()
    for record in remaining:
        record.status = SessionStatus.CANCELLED
    session.flush()
    return len(remaining)


@dataclass(frozen=True)
class ClientChoice:
    """A client to pick in a select box (a referrer, say)."""

    client_id: int
    name: str


def list_client_choices(session: Session, *, coach_id: int) -> list[ClientChoice]:
    """The coach's clients by name, for select boxes."""
    rows = session.execute(
        select(Client.id, Client.name).where(Client.coach_id == coach_id).order_by(Client.name)
    )
    return [ClientChoice(*row) for row in rows]


def client_table(
    rows: list[ClientRow], *, language: str, timezone: str, today: date
) -> list[dict[str, object]]:
    """The client list as plain-text rows in the coach's language and time zone."""

    def col(key: str) -> str:
        return translate(f"clients.col_{key}", language)

    def scores(row: ClientRow) -> str:
        if row.start_score is None:
            return ""
        return f"{row.start_score} → {row.latest_score}"

    def when(row: ClientRow) -> str:
        if row.next_session_at is None:
            return ""
        if local_date(row.next_session_at, timezone) == today:
            return (
                f"{translate('date.today', language)}, {format_time(row.next_session_at, timezone)}"
            )
        return format_moment(row.next_session_at, timezone, language)

    def follow_up(row: ClientRow) -> str:
        day = row.next_follow_up_on
        if day is None:
            return ""
        return format_date(day, language, year=day.year != today.year)

    return [
        {
            col("client"): row.name,
            col("attention"): ", ".join(
                translate(f"readiness_short.{flag.value}", language) for flag in row.flags
            ),
            col("status"): translate(f"trajectory_status.{row.status.value}", language)
            if row.status
            else "",
            col("sessions"): f"{row.held_sessions} / {row.planned_sessions or 0}",
            col("score"): scores(row),
            col("next_session"): when(row),
            col("next_follow_up"): follow_up(row),
            col("goal"): row.goal or "",
        }
        for row in rows
    ]


def client_email(session: Session, *, coach_id: int, trajectory_id: int) -> str | None:
    """The e-mail address of the trajectory's client."""
    return own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id).client.email
