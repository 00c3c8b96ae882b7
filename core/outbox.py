"""Follow-up mails that go out on their own: approved and scheduled by the coach, sent by
`python -m core.cli send-due` (from cron or a systemd timer) at the chosen moment.

Each due mail is claimed by one UPDATE (scheduled → sending), so two overlapping runs or
two replicas never both send it; it is recorded as sent only once the SMTP server accepted
it. A failure is kept with its reason and tried again later, up to MAX_ATTEMPTS times.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import sleep

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.client_forms import create_form_link, form_url, revoke_form_link
from core.clients import own_follow_up
from core.config import SmtpSettings
from core.database import transaction
from core.errors import DatabaseUnavailable, NotFound, ValidationError
from core.follow_ups import LINK_KINDS, cancel_waiting_mails, put_link
from core.mail import Attachment, MailFailed, send_mail
from core.plan_pdf import plan_file_name, plan_pdf
from core.timefmt import local_date, zone
from core.validation import email_problem, text_problem
from db.models import (
    Client,
    Coach,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FormKind,
    FormLink,
    MailState,
    ScheduledMail,
    Trajectory,
)

RETRY_MINUTES = (5, 15, 60, 240, 720)  # the wait after the 1st … 5th failure
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1  # then the coach decides
# A run that stopped mid-send (killed, machine down) leaves its claim; after this long the
# mail is tried again. The SMTP timeout is far shorter, so a live run is never overtaken.
STALE_CLAIM = timedelta(minutes=15)
SELF_CHECK_VALID_DAYS = 30
DEFAULT_SEND_TIME = time(9, 0)
SUBJECT_MAX = 300
RECORD_RETRY_SECONDS = (0.5, 1, 2, 4, 8, 16)  # about half a minute in all

log = logging.getLogger(__name__)


def send_moment(due_on: date, at: time, timezone: str) -> datetime:
    """`at` o'clock on `due_on` in the coach's zone, as the moment it is (UTC-aware)."""
    return datetime.combine(due_on, at, zone(timezone))


def _coach_timezone(session: Session, coach_id: int) -> str:
    return session.scalar(select(Coach.timezone).where(Coach.id == coach_id)) or "UTC"


def schedule_mail(
    session: Session,
    *,
    coach_id: int,
    follow_up_id: int,
    to: str,
    subject: str,
    body: str,
    at: time | None,
    link_base: str | None,
    attach_plan: bool,
    now: datetime,
) -> int:
    """Approve a follow-up mail: sent on its due day (or today, when overdue) at `at` in the
    coach's zone, or at once with `at=None`. A self-check link goes along for the follow-ups
    that have one (`link_base` is the app's address); a mail scheduled before is replaced."""
    item = own_follow_up(session, coach_id=coach_id, follow_up_id=follow_up_id)
    errors: dict[str, str] = {}
    if item.status is not FollowUpStatus.OPEN:
        errors["follow_up"] = "follow_ups.not_open"
    if not to.strip():
        errors["to"] = "validation.required"
    elif problem := email_problem(to):
        errors["to"] = problem
    if problem := text_problem(subject, required=True):
        errors["subject"] = problem
    elif len(subject.strip()) > SUBJECT_MAX:
        errors["subject"] = "outbox.subject_long"
    if problem := text_problem(body, required=True):
        errors["body"] = problem
    if errors:
        raise ValidationError(errors)
    with_link = item.kind in LINK_KINDS and link_base is not None
    send_at = now
    if at is not None:  # on the due day, or today when that has passed; never in the past
        timezone = _coach_timezone(session, coach_id)
        day = max(item.due_on, local_date(now, timezone))
        send_at = max(now, send_moment(day, at, timezone))
    cancel_waiting_mails(session, follow_up_id)
    mail = ScheduledMail(
        follow_up_id=follow_up_id,
        recipient=to.strip(),
        subject=subject.strip(),
        body=body.strip(),
        send_at=send_at,
        next_attempt_at=send_at,
        state=MailState.SCHEDULED,
        attempts=0,
        link_base=link_base if with_link else None,
        attach_plan=attach_plan,
        created_at=now,
    )
    session.add(mail)
    session.flush()
    return mail.id


def _own_mail(session: Session, coach_id: int, mail_id: int) -> ScheduledMail:
    mail = session.scalar(
        select(ScheduledMail)
        .join(FollowUp, FollowUp.id == ScheduledMail.follow_up_id)
        .join(Trajectory, Trajectory.id == FollowUp.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(ScheduledMail.id == mail_id, Client.coach_id == coach_id)
    )
    if mail is None:
        raise NotFound("scheduled_mail")
    return mail


def cancel_mail(session: Session, *, coach_id: int, mail_id: int) -> None:
    """Don't send this mail (one already being sent or sent stays as it is)."""
    mail = _own_mail(session, coach_id, mail_id)
    if mail.state in (MailState.SCHEDULED, MailState.FAILED):
        mail.state = MailState.CANCELLED
        session.flush()


def retry_mail(session: Session, *, coach_id: int, mail_id: int, now: datetime) -> None:
    """Try a mail that was given up on once more, at the next run."""
    mail = _own_mail(session, coach_id, mail_id)
    if mail.state is MailState.FAILED:
        mail.state = MailState.SCHEDULED
        mail.next_attempt_at = now
        mail.attempts = 0
        session.flush()


@dataclass(frozen=True)
class Outgoing:
    """A claimed mail, ready for the SMTP server."""

    mail_id: int
    coach_id: int
    coach_name: str
    coach_email: str
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...]
    link_id: int | None


def _due(now: datetime) -> ColumnElement[bool]:
    """Waiting and due, or claimed by a run that stopped before it could tell."""
    return or_(
        (ScheduledMail.state == MailState.SCHEDULED) & (ScheduledMail.next_attempt_at <= now),
        (ScheduledMail.state == MailState.SENDING)
        & (ScheduledMail.claimed_at <= now - STALE_CLAIM),
    )


def due_mail_ids(session: Session, *, now: datetime) -> list[int]:
    """The mails to send now, oldest first (any coach: this is the sender's view)."""
    return list(
        session.scalars(
            select(ScheduledMail.id).where(_due(now)).order_by(ScheduledMail.next_attempt_at)
        )
    )


def claim_mail(session: Session, *, mail_id: int, now: datetime) -> Outgoing | None:
    """Take one due mail for sending, in one UPDATE; None when another run took it first.
    Makes its self-check link and its PDF now, so they are as fresh as the mail."""
    claimed = session.execute(
        update(ScheduledMail)
        .where(ScheduledMail.id == mail_id, _due(now))
        .values(state=MailState.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    mail = session.get_one(ScheduledMail, mail_id)
    session.refresh(mail)
    follow_up = session.get_one(FollowUp, mail.follow_up_id)
    if follow_up.status is not FollowUpStatus.OPEN or (
        mail.link_base and _answered(session, follow_up.id)
    ):
        # Done, skipped, or answered by the client meanwhile: nobody needs this mail now.
        mail.state = MailState.CANCELLED
        session.flush()
        return None
    coach_id, coach_name, coach_email, client_name = session.execute(
        select(Coach.id, Coach.display_name, Coach.email, Client.name)
        .join(Client, Client.coach_id == Coach.id)
        .join(Trajectory, Trajectory.client_id == Client.id)
        .where(Trajectory.id == follow_up.trajectory_id)
    ).one()
    body, link_id = mail.body, None
    if mail.link_base:
        link = create_form_link(
            session,
            coach_id=coach_id,
            trajectory_id=follow_up.trajectory_id,
            kind=FormKind.SELF_CHECK,
            valid_days=SELF_CHECK_VALID_DAYS,
            follow_up_id=follow_up.id,
            now=now,
        )
        body, link_id = put_link(body, form_url(mail.link_base, link.token)), link.link_id
    attachments: tuple[Attachment, ...] = ()
    if mail.attach_plan:
        today = local_date(now, _coach_timezone(session, coach_id))
        data = plan_pdf(
            session, coach_id=coach_id, trajectory_id=follow_up.trajectory_id, today=today
        )
        attachments = (Attachment(plan_file_name(client_name), data),)
    session.flush()
    return Outgoing(
        mail_id=mail.id,
        coach_id=coach_id,
        coach_name=coach_name,
        coach_email=coach_email,
        to=mail.recipient,
        subject=mail.subject,
        body=body,
        attachments=attachments,
        link_id=link_id,
    )


def _answered(session: Session, follow_up_id: int) -> bool:
    return (
        session.scalar(
            select(FormLink.id).where(
                FormLink.follow_up_id == follow_up_id, FormLink.submitted_at.is_not(None)
            )
        )
        is not None
    )


def record_sent(session: Session, *, mail_id: int, now: datetime) -> None:
    """The SMTP server accepted the mail. The follow-up is done with it, unless it waits for
    the client's answer to the self-check link or for the month-6 result."""
    mail = session.get_one(ScheduledMail, mail_id)
    mail.state, mail.sent_at, mail.last_error = MailState.SENT, now, None
    mail.attempts += 1
    follow_up = session.get_one(FollowUp, mail.follow_up_id)
    follow_up.sent_at = now
    waits = mail.link_base is not None or follow_up.kind is FollowUpKind.MONTH6_RESULT
    if follow_up.status is FollowUpStatus.OPEN and not waits:
        follow_up.status, follow_up.completed_at = FollowUpStatus.DONE, now
    session.flush()


def record_failure(
    session: Session, *, outgoing: Outgoing, reason: str, now: datetime
) -> MailState:
    """The mail was not sent: keep why, and try again later or give up."""
    mail = session.get_one(ScheduledMail, outgoing.mail_id)
    mail.attempts += 1
    mail.last_error = reason
    if mail.attempts >= MAX_ATTEMPTS:
        mail.state = MailState.FAILED
    else:
        mail.state = MailState.SCHEDULED
        mail.next_attempt_at = now + timedelta(minutes=RETRY_MINUTES[mail.attempts - 1])
    if outgoing.link_id is not None:  # the next try makes a link of its own
        revoke_form_link(session, coach_id=outgoing.coach_id, link_id=outgoing.link_id, now=now)
    session.flush()
    return mail.state


@dataclass(frozen=True)
class Delivery:
    """What became of one mail: sent, failed (with why), or neither (another run has it)."""

    sent: bool
    reason: str | None = None


@dataclass(frozen=True)
class SendReport:
    """What one run did."""

    sent: int = 0
    failed: int = 0


def deliver(
    factory: sessionmaker[Session], smtp: SmtpSettings, *, mail_id: int, now: datetime
) -> Delivery:
    """Claim, send and record one mail, each step its own transaction (a slow mail server
    never holds the database)."""
    with transaction(factory, write=True) as session:
        outgoing = claim_mail(session, mail_id=mail_id, now=now)
    if outgoing is None:
        return Delivery(sent=False)
    try:
        send_mail(
            smtp,
            to=outgoing.to,
            subject=outgoing.subject,
            body=outgoing.body,
            sender_name=outgoing.coach_name,
            reply_to=outgoing.coach_email,
            attachments=outgoing.attachments,
        )
    except MailFailed as failed:
        with transaction(factory, write=True) as session:
            record_failure(session, outgoing=outgoing, reason=failed.message_key, now=now)
        return Delivery(sent=False, reason=failed.message_key)
    # The mail is out: recording that must not be lost to a database that is busy for a
    # moment, or a later run would send it again.
    for wait in (*RECORD_RETRY_SECONDS, None):
        try:
            with transaction(factory, write=True) as session:
                record_sent(session, mail_id=mail_id, now=now)
            break
        except DatabaseUnavailable:
            if wait is None:
                log.error("mail %s was sent but could not be recorded as sent", mail_id)
                raise
            sleep(wait)
    return Delivery(sent=True)


def send_due(factory: sessionmaker[Session], smtp: SmtpSettings, *, now: datetime) -> SendReport:
    """Send every mail that is due; this runs outside any page, so it owns its transactions."""
    with transaction(factory) as session:
        ids = due_mail_ids(session, now=now)
    results = [deliver(factory, smtp, mail_id=mail_id, now=now) for mail_id in ids]
    return SendReport(
        sent=sum(result.sent for result in results),
        failed=sum(result.reason is not None for result in results),
    )
