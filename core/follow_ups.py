"""Follow-ups: the queue after the closing, personal drafts, outcomes and a calendar export."""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from icalendar import Calendar, Event
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.agenda import AgendaItem
from core.client_forms import LinkState, link_state, revoke_open_self_checks
from core.clients import own_client, own_follow_up, own_trajectory
from core.errors import NotFound, ValidationError
from core.goal_scores import LATEST, first_score
from core.i18n import translate
from core.timefmt import zone
from core.validation import score_problem, text_problem
from db.models import (
    Client,
    Coach,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FormKind,
    FormLink,
    GoalScore,
    Language,
    MailState,
    Outcome,
    OutcomeKind,
    Retained,
    RetentionPlan,
    ScheduledMail,
    ScoreKind,
    Source,
    Trajectory,
)

WEEK = 7
MAIL_KINDS = (
    FollowUpKind.WEEK1_MAIL,
    FollowUpKind.MONTH3_CHECKIN,
    FollowUpKind.MONTH6_RESULT,
    FollowUpKind.SELF_CHECK,
)
# The follow-ups the client can answer themselves, by a self-check link in their mail.
LINK_KINDS = (FollowUpKind.MONTH3_CHECKIN, FollowUpKind.MONTH6_RESULT, FollowUpKind.SELF_CHECK)
LINK_MARKER = "[link]"  # where a draft puts the client's personal link
RETAINED_CHOICES = tuple(Retained)


class Bucket(StrEnum):
    """Where an open follow-up sits in the queue: answered by the client, else by the
    coach's calendar."""

    ANSWERED = "answered"
    OVERDUE = "overdue"
    TODAY = "today"
    THIS_WEEK = "this_week"
    LATER = "later"


def bucket_for(due: date, today: date) -> Bucket:
    """Overdue, today, within the coming week, or later."""
    if due < today:
        return Bucket.OVERDUE
    if due == today:
        return Bucket.TODAY
    return Bucket.THIS_WEEK if due < today + timedelta(days=WEEK) else Bucket.LATER


@dataclass(frozen=True)
class MailStatus:
    """The follow-up's mail as the coach approved it: waiting, being sent, sent or given up."""

    mail_id: int
    state: MailState
    send_at: datetime
    next_attempt_at: datetime
    attempts: int
    last_error: str | None  # message key of the last failure
    sent_at: datetime | None


@dataclass(frozen=True)
class SelfCheckStatus:
    """The follow-up's latest self-check link: sent, opened, answered — and the answers."""

    state: LinkState
    sent_at: datetime
    opened_at: datetime | None
    answered_at: datetime | None
    answers: dict[str, Any]

    @property
    def wants_contact(self) -> bool:
        """The client asked the coach to get in touch."""
        return bool(self.answers.get("wants_contact"))


@dataclass(frozen=True)
class QueueItem:
    """An open follow-up with what the coach needs to make it personal."""

    follow_up_id: int
    trajectory_id: int
    client_id: int
    client_name: str
    client_email: str | None
    kind: FollowUpKind
    title: str | None
    due_on: date
    main_change: str | None
    relapse_strategy: str | None
    accountability_person: str | None
    last_score: int | None
    language: str  # what the client reads in
    self_check: SelfCheckStatus | None = None
    mail: MailStatus | None = None


def list_queue(session: Session, *, coach_id: int, now: datetime) -> list[QueueItem]:
    """Every open follow-up of the coach's clients, soonest first, with its mail and its
    self-check link (three statements)."""
    rows = session.execute(
        select(
            FollowUp.id,
            Trajectory.id,
            Client.id,
            Client.name,
            Client.email,
            FollowUp.kind,
            FollowUp.title,
            FollowUp.due_on,
            RetentionPlan.main_change,
            RetentionPlan.relapse_strategy,
            RetentionPlan.accountability_person,
            first_score(GoalScore.score, LATEST),
            func.coalesce(Client.language, Coach.language),
        )
        .join(Trajectory, Trajectory.id == FollowUp.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .join(Coach, Coach.id == Client.coach_id)
        .outerjoin(RetentionPlan, RetentionPlan.trajectory_id == Trajectory.id)
        .where(Client.coach_id == coach_id, FollowUp.status == FollowUpStatus.OPEN)
        .order_by(FollowUp.due_on, Client.name, FollowUp.id)
    )
    items = [
        QueueItem(
            follow_up_id=follow_up_id,
            trajectory_id=trajectory_id,
            client_id=client_id,
            client_name=name,
            client_email=email,
            kind=kind,
            title=title,
            due_on=due_on,
            main_change=change,
            relapse_strategy=strategy,
            accountability_person=person,
            last_score=score,
            language=Language(language).value,
        )
        for (
            follow_up_id,
            trajectory_id,
            client_id,
            name,
            email,
            kind,
            title,
            due_on,
            change,
            strategy,
            person,
            score,
            language,
        ) in rows
    ]
    ids = [item.follow_up_id for item in items]
    checks = _self_checks(session, ids, now)
    mails = _mails(session, ids)
    return [
        replace(item, self_check=checks.get(item.follow_up_id), mail=mails.get(item.follow_up_id))
        for item in items
    ]


def _self_checks(session: Session, ids: list[int], now: datetime) -> dict[int, SelfCheckStatus]:
    # The answered link if there is one (an older mail's link may be the one answered),
    # else the newest.
    ranked = (
        select(
            FormLink.id,
            func.row_number()
            .over(
                partition_by=FormLink.follow_up_id,
                order_by=(FormLink.submitted_at.is_(None), FormLink.id.desc()),
            )
            .label("rank"),
        )
        .where(FormLink.follow_up_id.in_(ids), FormLink.kind == FormKind.SELF_CHECK)
        .subquery()
    )
    latest = select(ranked.c.id).where(ranked.c.rank == 1)
    return {
        link.follow_up_id: SelfCheckStatus(
            link_state(link, now),
            link.created_at,
            link.opened_at,
            link.submitted_at,
            dict(link.answers or {}),
        )
        for link in session.scalars(select(FormLink).where(FormLink.id.in_(latest)))
        if link.follow_up_id is not None
    }


def _mails(session: Session, ids: list[int]) -> dict[int, MailStatus]:
    latest = (
        select(func.max(ScheduledMail.id))
        .where(ScheduledMail.follow_up_id.in_(ids), ScheduledMail.state != MailState.CANCELLED)
        .group_by(ScheduledMail.follow_up_id)
    )
    return {
        mail.follow_up_id: MailStatus(
            mail.id,
            mail.state,
            mail.send_at,
            mail.next_attempt_at,
            mail.attempts,
            mail.last_error,
            mail.sent_at,
        )
        for mail in session.scalars(select(ScheduledMail).where(ScheduledMail.id.in_(latest)))
    }


def answered(item: QueueItem) -> bool:
    """The client answered the follow-up's self-check: the coach reads it first."""
    return item.self_check is not None and item.self_check.answered_at is not None


def _answer_order(item: QueueItem) -> tuple[bool, float]:
    """Who asks for contact first, then the newest answer first."""
    check = item.self_check
    answered_at = check.answered_at.timestamp() if check and check.answered_at else 0.0
    return (not (check and check.wants_contact), -answered_at)


def group_queue(items: list[QueueItem], today: date) -> dict[Bucket, list[QueueItem]]:
    """The queue in its groups, in order, empty groups included. Answers from clients come
    first, those who asked for contact at the top."""
    groups: dict[Bucket, list[QueueItem]] = {bucket: [] for bucket in Bucket}
    for item in items:
        groups[Bucket.ANSWERED if answered(item) else bucket_for(item.due_on, today)].append(item)
    groups[Bucket.ANSWERED].sort(key=_answer_order)
    return groups


def _open(item: FollowUp) -> None:
    if item.status is not FollowUpStatus.OPEN:
        raise ValidationError({"follow_up": "follow_ups.not_open"})


def complete_follow_up(
    session: Session, *, coach_id: int, follow_up_id: int, note: str, now: datetime
) -> None:
    """Mark a follow-up done, with a note of what happened."""
    item = own_follow_up(session, coach_id=coach_id, follow_up_id=follow_up_id)
    _open(item)
    if problem := text_problem(note):
        raise ValidationError({"note": problem})
    item.status = FollowUpStatus.DONE
    item.completed_at = now
    item.note = note.strip() or None
    cancel_waiting_mails(session, item.id)
    revoke_open_self_checks(session, item.id, now)  # its answer is no longer awaited
    session.flush()


def reschedule_follow_up(
    session: Session, *, coach_id: int, follow_up_id: int, due_on: date, today: date
) -> None:
    """Move a follow-up to another day (not into the past)."""
    item = own_follow_up(session, coach_id=coach_id, follow_up_id=follow_up_id)
    _open(item)
    if due_on < today:
        raise ValidationError({"due_on": "follow_ups.date_in_past"})
    item.due_on = due_on
    # A mail waiting for the old day goes along, at the same time of day.
    timezone = session.scalar(select(Coach.timezone).where(Coach.id == coach_id)) or "UTC"
    for mail in session.scalars(
        select(ScheduledMail).where(
            ScheduledMail.follow_up_id == item.id, ScheduledMail.state == MailState.SCHEDULED
        )
    ):
        at = mail.send_at.astimezone(zone(timezone)).time()
        mail.send_at = mail.next_attempt_at = datetime.combine(due_on, at, zone(timezone))
        mail.attempts, mail.last_error = 0, None
    session.flush()


def cancel_waiting_mails(session: Session, follow_up_id: int) -> None:
    """A mail waiting for the follow-up (or left half-sent by a run that stopped) is not
    sent: it was replaced, or the follow-up is done or skipped."""
    session.execute(
        update(ScheduledMail)
        .where(
            ScheduledMail.follow_up_id == follow_up_id,
            ScheduledMail.state.in_((MailState.SCHEDULED, MailState.FAILED, MailState.SENDING)),
        )
        .values(state=MailState.CANCELLED)
        .execution_options(synchronize_session=False)
    )


def skip_follow_up(
    session: Session, *, coach_id: int, follow_up_id: int, reason: str, now: datetime
) -> None:
    """Leave a follow-up out, saying why."""
    item = own_follow_up(session, coach_id=coach_id, follow_up_id=follow_up_id)
    _open(item)
    if problem := text_problem(reason, required=True):
        raise ValidationError({"reason": problem})
    item.status = FollowUpStatus.SKIPPED
    item.skip_reason = reason.strip()
    item.completed_at = now
    cancel_waiting_mails(session, item.id)
    revoke_open_self_checks(session, item.id, now)  # its answer is no longer awaited
    session.flush()


def _latest_trajectory(session: Session, client_id: int) -> int:
    trajectory_id = session.scalar(
        select(Trajectory.id)
        .where(Trajectory.client_id == client_id)
        .order_by(Trajectory.started_on.desc(), Trajectory.id.desc())
        .limit(1)
    )
    if trajectory_id is None:
        raise NotFound("trajectory")
    return trajectory_id


def add_follow_up(
    session: Session, *, coach_id: int, client_id: int, title: str, due_on: date, today: date
) -> int:
    """A follow-up of the coach's own for a client's latest trajectory; returns its id."""
    own_client(session, coach_id=coach_id, client_id=client_id)
    errors = {}
    if problem := text_problem(title, required=True):
        errors["title"] = problem
    elif len(title.strip()) > 200:
        errors["title"] = "follow_ups.title_long"
    if due_on < today:
        errors["due_on"] = "follow_ups.date_in_past"
    if errors:
        raise ValidationError(errors)
    item = FollowUp(
        trajectory_id=_latest_trajectory(session, client_id),
        kind=FollowUpKind.CUSTOM,
        title=title.strip(),
        due_on=due_on,
    )
    session.add(item)
    session.flush()
    return item.id


@dataclass(frozen=True)
class Draft:
    """A personal message, for the coach to edit before sending."""

    subject: str
    body: str

    def mailto(self, to: str) -> str:
        """A mailto: link that opens the coach's own mail program with this draft."""
        return f"mailto:{quote(to)}?subject={quote(self.subject)}&body={quote(self.body)}"


DRAFT_QUOTE_MAX = 400  # the client's words quoted in a draft; the coach can add more


def _shortened(text: str) -> str:
    """A long answer quoted up to a word boundary, so the draft stays a short mail."""
    if len(text) <= DRAFT_QUOTE_MAX:
        return text
    return text[:DRAFT_QUOTE_MAX].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def draft_message(
    item: QueueItem, *, coach_name: str, language: str, with_link: bool = False
) -> Draft:
    """The follow-up's mail in the client's language and in their own words; `with_link`
    asks for their self-check by a personal link (LINK_MARKER marks where it goes)."""
    kind = item.kind if item.kind in MAIL_KINDS else FollowUpKind.CUSTOM
    change = _shortened((item.main_change or "").strip().rstrip("."))
    first_name = item.client_name.split()[0]
    values = {"name": first_name, "coach": coach_name, "title": item.title or ""}
    body = [translate(f"drafts.{kind.value}.opening", language, **values)]
    if change:
        body.append(translate(f"drafts.{kind.value}.change", language, change=change, **values))
    if item.relapse_strategy and kind is FollowUpKind.MONTH3_CHECKIN:
        body.append(
            translate(
                "drafts.month3_checkin.strategy",
                language,
                strategy=item.relapse_strategy.strip().rstrip("."),
            )
        )
    if with_link and kind in LINK_KINDS:
        body.append(translate("drafts.link", language, link=LINK_MARKER))
    body.append(translate(f"drafts.{kind.value}.closing", language, **values))
    return Draft(translate(f"drafts.{kind.value}.subject", language, **values), "\n\n".join(body))


def record_result(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    retained: Retained,
    score: int,
    today: date,
    now: datetime,
) -> None:
    """The month-6 result check: is the result retained, and where does the client stand?"""
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    if problem := score_problem(score):
        raise ValidationError({"score": problem})
    session.add(
        Outcome(
            trajectory_id=trajectory_id,
            kind=OutcomeKind.RESULT_RETAINED,
            recorded_on=today,
            retained=Retained(retained),
            retained_score=score,
        )
    )
    session.add(
        GoalScore(
            trajectory_id=trajectory_id,
            score=score,
            measured_at=now,
            kind=ScoreKind.MONTH_6,
            source=Source.COACH,
        )
    )
    session.flush()


def record_review(
    session: Session,
    *,
    coach_id: int,
    client_id: int,
    platform: str,
    score: int | None,
    text: str,
    consent: bool,
    today: date,
) -> None:
    """A review (platform and 1–5 score) or, without a score, a testimonial, for the client's
    latest trajectory."""
    own_client(session, coach_id=coach_id, client_id=client_id)
    errors = {}
    if score is not None and (problem := score_problem(score, low=1, high=5)):
        errors["score"] = problem
    if score is None and not text.strip():
        errors["text"] = "validation.required"
    if len(platform.strip()) > 80:
        errors["platform"] = "follow_ups.platform_long"
    if problem := text_problem(text):
        errors["text"] = problem
    if errors:
        raise ValidationError(errors)
    session.add(
        Outcome(
            trajectory_id=_latest_trajectory(session, client_id),
            kind=OutcomeKind.REVIEW if score is not None else OutcomeKind.TESTIMONIAL,
            recorded_on=today,
            platform=platform.strip() or None,
            review_score=score,
            text=text.strip() or None,
            consent=consent,
        )
    )
    session.flush()


def record_referral(
    session: Session, *, coach_id: int, client_id: int, referred_client_id: int, today: date
) -> None:
    """The client referred someone who became a client (both the coach's own)."""
    own_client(session, coach_id=coach_id, client_id=client_id)
    own_client(session, coach_id=coach_id, client_id=referred_client_id)
    if referred_client_id == client_id:
        raise ValidationError({"referred_client": "follow_ups.self_referral"})
    session.add(
        Outcome(
            trajectory_id=_latest_trajectory(session, client_id),
            kind=OutcomeKind.REFERRAL,
            recorded_on=today,
            referred_client_id=referred_client_id,
        )
    )
    session.flush()


def agenda_ics(
    items: list[QueueItem],
    sessions: list[AgendaItem],
    *,
    timezone: str,
    language: str,
    now: datetime,
) -> bytes:
    """Planned sessions and open follow-ups as an iCalendar file, in the coach's zone (with its
    VTIMEZONE); stable UIDs, so importing it again updates the events instead of doubling."""
    calendar = Calendar()
    calendar.add("prodid", "-//Afronding//agenda//NL")
    calendar.add("version", "2.0")
    local = zone(timezone)
    for planned in sessions:
        event = Event()
        event.add("uid", f"session-{planned.session_id}@afronding")
        kind = translate(f"session_kind.{planned.kind.value}", language)
        event.add("summary", f"{kind}: {planned.client_name}")
        start = planned.scheduled_at.astimezone(local)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=planned.duration_minutes))
        event.add("dtstamp", now)
        calendar.add_component(event)
    for item in items:
        event = Event()
        event.add("uid", f"follow-up-{item.follow_up_id}@afronding")
        label = item.title or translate(f"follow_up_kind.{item.kind.value}", language)
        event.add("summary", f"{label}: {item.client_name}")
        start = datetime.combine(item.due_on, time(9, 0), local)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=15))
        event.add("dtstamp", now)
        if item.main_change:
            event.add("description", item.main_change)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()
    return ical


def put_link(body: str, url: str) -> str:
    """The mail's text with the client's personal link where the draft marks it (or at the
    end, when the coach took the marker out)."""
    if LINK_MARKER in body:
        return body.replace(LINK_MARKER, url)
    return f"{body.rstrip()}\n\n{url}"
