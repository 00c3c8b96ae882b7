"""Vandaag: what the coach needs to see first — sessions coming, follow-ups due, gaps."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clients import coach_trajectory_ids
from core.i18n import translate
from core.progress import TrajectoryProgress, progress_query
from core.timefmt import format_date, format_when, local_date, local_midnight, zone
from db.models import (
    CLOSING_KINDS,
    Client,
    CoachingSession,
    Evaluation,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FormKind,
    FormLink,
    SessionKind,
    SessionStatus,
    Source,
    Trajectory,
    TrajectoryStatus,
)

LOOKAHEAD_DAYS = 7
# The client needs a day or two to fill in the evaluation before the closing talks it through.
FORM_WARNING_DAYS = 2


@dataclass(frozen=True)
class UpcomingSession:
    """A planned session in the coming week."""

    session_id: int
    client_id: int
    client_name: str
    scheduled_at: datetime
    kind: SessionKind
    duration_minutes: int
    number: int | None
    trajectory_id: int

    @property
    def is_closing(self) -> bool:
        return self.kind in CLOSING_KINDS

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class DueFollowUp:
    """An open follow-up due within the coming week, or already overdue."""

    follow_up_id: int
    client_id: int
    client_name: str
    kind: FollowUpKind
    title: str | None
    due_on: date


@dataclass(frozen=True)
class FormNotBack:
    """A closing within two days whose evaluation form has not come back from the client."""

    closing: UpcomingSession
    link_out: bool  # an unexpired, unanswered link is with the client


@dataclass(frozen=True)
class Overview:
    """Everything the Vandaag page shows, for one coach on one local day."""

    today: date
    timezone: str
    sessions: list[UpcomingSession]
    follow_ups: list[DueFollowUp]
    progress: list[TrajectoryProgress]
    to_log: list[UpcomingSession]  # planned sessions whose time has passed: nog vastleggen
    forms_not_back: list[FormNotBack]

    @property
    def sessions_today(self) -> list[UpcomingSession]:
        return [s for s in self.sessions if local_date(s.scheduled_at, self.timezone) == self.today]

    @property
    def closings(self) -> list[UpcomingSession]:
        return [s for s in self.sessions if s.is_closing]

    @property
    def overdue(self) -> list[DueFollowUp]:
        return [f for f in self.follow_ups if f.due_on < self.today]

    @property
    def due_today(self) -> list[DueFollowUp]:
        return [f for f in self.follow_ups if f.due_on == self.today]

    @property
    def nearing_end(self) -> list[TrajectoryProgress]:
        return [p for p in self.progress if p.nearing_end]

    @property
    def intermediate_due(self) -> list[TrajectoryProgress]:
        return [p for p in self.progress if p.intermediate_due]


def get_overview(session: Session, *, coach_id: int, timezone: str, now: datetime) -> Overview:
    """The coach's day: the week's sessions, due follow-ups and trajectories needing a step."""
    today = local_date(now, timezone)
    start = local_midnight(today, timezone)
    end = local_midnight(today + timedelta(days=LOOKAHEAD_DAYS), timezone)
    planned = (
        select(
            CoachingSession.id,
            Client.id,
            Client.name,
            CoachingSession.scheduled_at,
            CoachingSession.kind,
            CoachingSession.duration_minutes,
            CoachingSession.number,
            CoachingSession.trajectory_id,
        )
        .join(Trajectory, Trajectory.id == CoachingSession.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(
            Client.coach_id == coach_id,
            # Start from the coach's own trajectories, not from the platform's planned week.
            CoachingSession.trajectory_id.in_(coach_trajectory_ids(coach_id).scalar_subquery()),
            CoachingSession.status == SessionStatus.PLANNED,
            Trajectory.status.in_((TrajectoryStatus.ACTIVE, TrajectoryStatus.CLOSING)),
        )
        .order_by(CoachingSession.scheduled_at)
    )
    sessions = session.execute(
        planned.where(CoachingSession.scheduled_at >= start, CoachingSession.scheduled_at < end)
    )
    passed = session.execute(planned.where(CoachingSession.scheduled_at < now))
    follow_ups = session.execute(
        select(FollowUp.id, Client.id, Client.name, FollowUp.kind, FollowUp.title, FollowUp.due_on)
        .join(Trajectory, Trajectory.id == FollowUp.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(
            Client.coach_id == coach_id,
            FollowUp.trajectory_id.in_(coach_trajectory_ids(coach_id).scalar_subquery()),
            FollowUp.status == FollowUpStatus.OPEN,
            FollowUp.due_on < today + timedelta(days=LOOKAHEAD_DAYS),
        )
        .order_by(FollowUp.due_on, Client.name)
    )
    progress = session.execute(progress_query(coach_id=coach_id, now=now))
    upcoming = [UpcomingSession(*row) for row in sessions]
    return Overview(
        today=today,
        timezone=timezone,
        sessions=upcoming,
        follow_ups=[DueFollowUp(*row) for row in follow_ups],
        progress=[TrajectoryProgress(*row) for row in progress],
        to_log=[s for s in (UpcomingSession(*row) for row in passed) if s.ends_at <= now],
        forms_not_back=_forms_not_back(session, upcoming, now=now, timezone=timezone),
    )


def _forms_not_back(
    session: Session, upcoming: list[UpcomingSession], *, now: datetime, timezone: str
) -> list[FormNotBack]:
    """The closings of the next two days (one per trajectory) with no client evaluation yet."""
    last_day = local_date(now, timezone) + timedelta(days=FORM_WARNING_DAYS)
    soon: dict[int, UpcomingSession] = {}
    for item in upcoming:
        if (
            item.is_closing
            and now <= item.scheduled_at
            and local_date(item.scheduled_at, timezone) <= last_day
        ):
            soon.setdefault(item.trajectory_id, item)
    if not soon:
        return []
    answered = set(
        session.scalars(
            select(Evaluation.trajectory_id).where(
                Evaluation.trajectory_id.in_(soon), Evaluation.source == Source.CLIENT
            )
        )
    )
    links_out = set(
        session.scalars(
            select(FormLink.trajectory_id).where(
                FormLink.trajectory_id.in_(soon),
                FormLink.kind == FormKind.EVALUATION,
                FormLink.revoked_at.is_(None),
                FormLink.submitted_at.is_(None),
                FormLink.expires_at > now,
            )
        )
    )
    return [
        FormNotBack(closing, link_out=trajectory_id in links_out)
        for trajectory_id, closing in soon.items()
        if trajectory_id not in answered
    ]


def _when(moment: datetime, overview: Overview, language: str) -> str:
    return format_when(moment, overview.timezone, language, today=overview.today)


def _sessions_label(progress: TrajectoryProgress, language: str) -> str:
    return translate(
        "overview.sessions_done",
        language,
        held=progress.held_sessions,
        planned=progress.planned_sessions,
    )


def overview_tables(overview: Overview, language: str) -> dict[str, list[dict[str, object]]]:
    """The overview's four lists as display rows, in the coach's language and time zone."""

    def col(key: str) -> str:
        return translate(f"overview.col_{key}", language)

    def next_session(p: TrajectoryProgress) -> str:
        if p.next_session_at is None:
            return translate("overview.none_planned", language)
        return _when(p.next_session_at, overview, language)

    def state(f: DueFollowUp) -> str:
        late = (overview.today - f.due_on).days
        day = format_date(f.due_on, language, year=f.due_on.year != overview.today.year)
        if late == 0:
            return translate("overview.due_today", language)
        if late < 0:
            return day
        return f"{translate('overview.overdue_days', language, count=late)} · {day}"

    return {
        "sessions": [
            {
                col("when"): _when(s.scheduled_at, overview, language),
                col("client"): s.client_name,
                col("kind"): translate(f"session_kind.{s.kind.value}", language),
            }
            for s in overview.sessions
        ],
        "follow_ups": [
            {
                col("due"): state(f),
                col("client"): f.client_name,
                col("kind"): f.title or translate(f"follow_up_kind.{f.kind.value}", language),
            }
            for f in overview.follow_ups
        ],
        "nearing_end": [
            {
                col("client"): p.client_name,
                col("sessions"): _sessions_label(p, language),
                col("next"): next_session(p),
                col("advice"): translate(
                    "overview.advice_two_sessions"
                    if p.advise_two_sessions
                    else "overview.advice_single",
                    language,
                ),
            }
            for p in overview.nearing_end
        ],
        "intermediate_due": [
            {
                col("client"): p.client_name,
                col("sessions"): _sessions_label(p, language),
                col("next"): next_session(p),
            }
            for p in overview.intermediate_due
        ],
    }


def greeting_key(now: datetime, timezone: str) -> str:
    """Good morning, afternoon or evening, by the coach's local clock."""
    hour = now.astimezone(zone(timezone)).hour
    if hour < 12:
        return "overview.greeting"
    return "overview.greeting_afternoon" if hour < 18 else "overview.greeting_evening"
