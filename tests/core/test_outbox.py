"""Scheduled follow-up mails: sent once at their moment by send-due, retried on failure,
with the client's self-check link and the borgingsplan PDF — on SQLite and PostgreSQL."""

import io
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.cli import main
from core.client_forms import SelfCheckAnswers, create_form_link, open_form, submit_form
from core.config import SmtpSettings
from core.database import transaction
from core.errors import NotFound, ValidationError
from core.follow_ups import (
    Bucket,
    complete_follow_up,
    group_queue,
    list_queue,
    reschedule_follow_up,
)
from core.outbox import (
    MAX_ATTEMPTS,
    RETRY_MINUTES,
    STALE_CLAIM,
    cancel_mail,
    claim_mail,
    retry_mail,
    schedule_mail,
    send_due,
)
from core.timeline import get_timeline, timeline_rows
from core.trends import Response, load_outcome_trends, results_by_client, retained_share
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade_database
from db.models import (
    Coach,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FormKind,
    FormLink,
    GoalScore,
    MailState,
    Outcome,
    RetentionPlan,
    ScheduledMail,
    Source,
    TrajectoryStatus,
)
from tests.factories import add_follow_up, make_coach, make_trajectory
from tests.smtp import Inbox

TZ = "Europe/Amsterdam"
DUE = date(2026, 12, 3)
BEFORE = datetime(2026, 12, 3, 7, 59, tzinfo=UTC)  # 08:59 in Amsterdam (winter time)
AT = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
BASE = "https://praktijk.example"


@pytest.fixture
def factory(scratch_url: str) -> Iterator[sessionmaker[Session]]:
    """A committed database of its own: send-due runs its own transactions."""
    engine = make_engine(scratch_url)
    upgrade_database(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _follow_up(
    factory: sessionmaker[Session],
    kind: FollowUpKind = FollowUpKind.WEEK1_MAIL,
    due: date = DUE,
    username: str = "anna",
) -> tuple[int, int, int]:
    """A closed trajectory with its borgingsplan and one open follow-up: (coach, trajectory,
    follow-up)."""
    with transaction(factory, write=True) as session:
        coach = make_coach(session, username=username)
        trajectory = make_trajectory(session, coach, name="Zoë Çelik", held=8)
        trajectory.status, trajectory.ended_on = TrajectoryStatus.CLOSED, date(2026, 11, 26)
        trajectory.client.email = "zoe@example.org"
        session.add(
            RetentionPlan(
                trajectory_id=trajectory.id,
                main_change="Ik zeg vaker nee, óók op vrijdag",
                relapse_strategy="Mijn lijstje erbij pakken",
            )
        )
        session.add(GoalScore(trajectory_id=trajectory.id, score=4, measured_at=AT, kind="start"))
        item = add_follow_up(session, trajectory, due, kind)
        return coach.id, trajectory.id, item.id


def _schedule(
    factory: sessionmaker[Session],
    coach_id: int,
    follow_up_id: int,
    *,
    to: str = "zoe@example.org",
    at: time | None = time(9, 0),
    link: bool = False,
    attach: bool = False,
    now: datetime = BEFORE - timedelta(days=3),
) -> int:
    with transaction(factory, write=True) as session:
        return schedule_mail(
            session,
            coach_id=coach_id,
            follow_up_id=follow_up_id,
            to=to,
            subject="Hoe gaat het?",
            body="Beste Zoë,\n\nHoe gaat het nu?\n\n[link]\n\nGroet, Anna",
            at=at,
            link_base=BASE if link else None,
            attach_plan=attach,
            now=now,
        )


def _mail(factory: sessionmaker[Session], mail_id: int) -> ScheduledMail:
    with factory() as session:
        mail = session.get_one(ScheduledMail, mail_id)
        session.expunge(mail)
        return mail


def _parsed(content: str) -> EmailMessage:
    message = message_from_bytes(content.encode(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _text(content: str) -> str:
    """The mail's own text, as the client reads it."""
    body = _parsed(content).get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_a_mail_goes_out_at_its_moment_and_only_once(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    coach_id, _, follow_up_id = _follow_up(factory)
    mail_id = _schedule(factory, coach_id, follow_up_id)
    assert send_due(factory, smtp, now=BEFORE).sent == 0
    assert inbox.messages == []  # nothing before its time
    assert send_due(factory, smtp, now=AT).sent == 1
    assert send_due(factory, smtp, now=AT + timedelta(minutes=5)).sent == 0
    [(recipients, content)] = inbox.messages
    assert recipients == ["zoe@example.org"]
    assert "Hoe gaat het nu?" in _text(content)
    mail = _mail(factory, mail_id)
    assert mail.state is MailState.SENT and mail.sent_at == AT
    with factory() as session:
        follow_up = session.get_one(FollowUp, follow_up_id)
        assert follow_up.status is FollowUpStatus.DONE and follow_up.sent_at == AT


def test_two_runs_at_once_send_every_mail_exactly_once(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    mails = []
    for number in range(6):
        coach_id, _, follow_up_id = _follow_up(factory, username=f"coach{number}")
        mails.append(_schedule(factory, coach_id, follow_up_id))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            send_due(factory, smtp, now=AT)
        except BaseException as error:  # the test reports it below
            errors.append(error)

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)
    assert errors == []
    assert len(inbox.messages) == len(mails)
    assert {_mail(factory, mail_id).state for mail_id in mails} == {MailState.SENT}


def test_a_refused_address_is_recorded_and_tried_again_later(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    coach_id, _, follow_up_id = _follow_up(factory)
    mail_id = _schedule(factory, coach_id, follow_up_id, to="zoe@weigert.example")
    report = send_due(factory, smtp, now=AT)
    assert (report.sent, report.failed) == (0, 1)
    mail = _mail(factory, mail_id)
    assert mail.state is MailState.SCHEDULED and mail.last_error == "mail.recipient_refused"
    assert mail.next_attempt_at == AT + timedelta(minutes=RETRY_MINUTES[0])
    assert send_due(factory, smtp, now=AT + timedelta(minutes=1)).failed == 0  # it waits
    moment = AT
    for wait in RETRY_MINUTES:
        moment += timedelta(minutes=wait)
        send_due(factory, smtp, now=moment)
    mail = _mail(factory, mail_id)
    assert mail.attempts == MAX_ATTEMPTS and mail.state is MailState.FAILED
    assert send_due(factory, smtp, now=moment + timedelta(days=1)).failed == 0  # given up
    assert inbox.messages == []
    with factory() as session:
        follow_up = session.get_one(FollowUp, follow_up_id)
        assert follow_up.status is FollowUpStatus.OPEN and follow_up.sent_at is None
    with transaction(factory, write=True) as session:
        retry_mail(session, coach_id=coach_id, mail_id=mail_id, now=moment)
    assert _mail(factory, mail_id).state is MailState.SCHEDULED


def test_a_server_that_is_down_marks_nothing_as_sent(factory: sessionmaker[Session]) -> None:
    from tests.smtp import free_port

    down = SmtpSettings(host="127.0.0.1", port=free_port(), sender="c@example.org", starttls=False)
    coach_id, _, follow_up_id = _follow_up(factory, FollowUpKind.MONTH6_RESULT)
    mail_id = _schedule(factory, coach_id, follow_up_id, link=True)
    assert send_due(factory, down, now=AT).failed == 1
    mail = _mail(factory, mail_id)
    assert mail.state is MailState.SCHEDULED and mail.last_error == "mail.unreachable"
    with factory() as session:
        # The link made for the failed try no longer works; the next try makes its own.
        [link] = session.scalars(select(FormLink)).all()
        assert link.revoked_at == AT


def test_nine_in_amsterdam_on_the_day_summer_time_ends(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    day = date(2026, 10, 25)  # clocks go back from 03:00 to 02:00 that night
    coach_id, _, follow_up_id = _follow_up(factory, due=day)
    _schedule(factory, coach_id, follow_up_id, now=datetime(2026, 10, 20, tzinfo=UTC))
    nine = datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 09:00 CET, the winter offset
    assert send_due(factory, smtp, now=nine - timedelta(minutes=1)).sent == 0
    assert send_due(factory, smtp, now=nine).sent == 1
    assert len(inbox.messages) == 1


def test_the_month_6_link_fills_the_retained_figure_by_the_client(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    coach_id, trajectory_id, follow_up_id = _follow_up(factory, FollowUpKind.MONTH6_RESULT)
    _schedule(factory, coach_id, follow_up_id, link=True)
    assert send_due(factory, smtp, now=AT).sent == 1
    text = _text(inbox.messages[0][1])
    assert "[link]" not in text
    token = re.search(rf"{BASE}/formulier\?t=([\w-]+)", text).group(1)  # type: ignore[union-attr]
    with factory() as session:
        follow_up = session.get_one(FollowUp, follow_up_id)
        # Sent, and still open: it waits for the client's answer.
        assert follow_up.status is FollowUpStatus.OPEN and follow_up.sent_at == AT
    answered_at = AT + timedelta(days=2)
    with transaction(factory, write=True) as session:
        form = open_form(session, token=token, now=answered_at)
        assert form is not None and form.kind == "self_check"
        answers = SelfCheckAnswers(
            goal_score=8, kept="yes", question="Mag ik een losse sessie?", wants_contact=True
        )
        assert submit_form(session, token=token, answers=answers, now=answered_at)
    with factory() as session:
        [outcome] = session.scalars(select(Outcome)).all()
        assert (outcome.retained, outcome.retained_score, outcome.source) == ("yes", 8, "client")
        score = session.scalar(select(GoalScore).where(GoalScore.kind == "month_6"))
        assert score is not None and score.source is Source.CLIENT
        data = load_outcome_trends(session, coach_id=coach_id, coach_ids=[coach_id])
        assert retained_share(data.closed) == (1.0, 1)
        assert results_by_client(data.closed) == 1
        assert data.responses.result == Response(answered=1, sent=1)
        queue = list_queue(session, coach_id=coach_id, now=answered_at)
        events = get_timeline(session, coach_id=coach_id, trajectory_id=trajectory_id, timezone=TZ)
        rows = timeline_rows(events, language="nl", timezone=TZ)
    said = [str(row["Wat"]) for row in rows]
    assert "Resultaat na 6 maanden behouden: ja (score 8, door cliënt)" in said
    assert (
        "Zelfcheck ingevuld door cliënt: doelscore 8/10, verandering vastgehouden: ja"
        " — wil contact" in said
    )
    [item] = group_queue(queue, answered_at.date())[Bucket.ANSWERED]
    assert item.self_check is not None and item.self_check.wants_contact
    assert item.self_check.answers["question"] == "Mag ik een losse sessie?"
    assert trajectory_id == item.trajectory_id


def test_the_week_1_mail_carries_the_borgingsplan_pdf(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    coach_id, _, follow_up_id = _follow_up(factory)
    _schedule(factory, coach_id, follow_up_id, attach=True)
    send_due(factory, smtp, now=AT)
    message = _parsed(inbox.messages[0][1])
    assert "<anna@example.org>" in str(message["Reply-To"])  # the client answers the coach
    assert message["Message-ID"] and message["Date"]
    [pdf] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == "borgingsplan-zoe-celik.pdf"
    reader = PdfReader(io.BytesIO(pdf.get_content()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Zoë Çelik" in text and "Ik zeg vaker nee, óók op vrijdag" in text


def test_done_skipped_or_moved_follow_ups_take_their_mail_along(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    coach_id, _, done_id = _follow_up(factory)
    done_mail = _schedule(factory, coach_id, done_id)
    with transaction(factory, write=True) as session:
        trajectory_id = session.get_one(FollowUp, done_id).trajectory_id
        moved_id = add_follow_up(
            session, session.get_one(FollowUp, done_id).trajectory, DUE, FollowUpKind.SELF_CHECK
        ).id
    moved_mail = _schedule(factory, coach_id, moved_id, at=time(14, 30))
    with transaction(factory, write=True) as session:
        complete_follow_up(session, coach_id=coach_id, follow_up_id=done_id, note="", now=BEFORE)
        reschedule_follow_up(
            session,
            coach_id=coach_id,
            follow_up_id=moved_id,
            due_on=DUE + timedelta(days=7),
            today=BEFORE.date(),
        )
    assert _mail(factory, done_mail).state is MailState.CANCELLED
    moved = _mail(factory, moved_mail)
    assert moved.send_at == datetime(2026, 12, 10, 13, 30, tzinfo=UTC)  # still 14:30 local
    send_due(factory, smtp, now=AT + timedelta(hours=8))
    assert inbox.messages == [] and trajectory_id


def test_a_mail_needs_an_address_and_text_and_is_the_coach_own(
    factory: sessionmaker[Session],
) -> None:
    coach_id, _, follow_up_id = _follow_up(factory)
    with pytest.raises(ValidationError) as refused:
        _schedule(factory, coach_id, follow_up_id, to="geen adres")
    assert set(refused.value.errors) == {"to"}
    mail_id = _schedule(factory, coach_id, follow_up_id)
    with transaction(factory, write=True) as session:
        other = make_coach(session, username="bram").id
    with pytest.raises(NotFound), transaction(factory, write=True) as session:
        cancel_mail(session, coach_id=other, mail_id=mail_id)
    with pytest.raises(NotFound):
        _schedule(factory, other, follow_up_id)
    with factory() as session:
        assert session.scalar(select(ScheduledMail.state).where(ScheduledMail.id == mail_id)) == (
            MailState.SCHEDULED
        )
        assert session.get(Coach, other) is not None


def test_send_due_from_the_command_line(
    scratch_url: str,
    factory: sessionmaker[Session],
    smtp_server: tuple[SmtpSettings, Inbox],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    smtp, inbox = smtp_server
    coach_id, _, follow_up_id = _follow_up(factory)
    _schedule(factory, coach_id, follow_up_id)
    monkeypatch.setenv("DATABASE_URL", scratch_url)
    monkeypatch.delenv("AFRONDING_DEMO", raising=False)
    monkeypatch.delenv("AFRONDING_SMTP_HOST", raising=False)
    monkeypatch.setattr("core.config.SECRETS_PATH", __import__("pathlib").Path("/nonexistent"))
    assert main(["send-due"]) == 2  # no SMTP server set up: it says so
    assert "SMTP" in capsys.readouterr().err
    monkeypatch.setenv("AFRONDING_SMTP_HOST", smtp.host)
    monkeypatch.setenv("AFRONDING_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("AFRONDING_SMTP_FROM", smtp.sender)
    monkeypatch.setenv("AFRONDING_SMTP_STARTTLS", "false")
    assert main(["send-due", "--now", BEFORE.isoformat()]) == 0
    assert inbox.messages == []
    assert main(["send-due", "--now", AT.isoformat()]) == 0
    assert "1" in capsys.readouterr().out and len(inbox.messages) == 1


def test_a_follow_up_done_meanwhile_never_gets_a_half_sent_mail_again(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, inbox = smtp_server
    coach_id, _, follow_up_id = _follow_up(factory, FollowUpKind.MONTH6_RESULT)
    mail_id = _schedule(factory, coach_id, follow_up_id, link=True)
    with transaction(factory, write=True) as session:
        claim_mail(session, mail_id=mail_id, now=AT)  # a run that then stopped mid-send
        complete_follow_up(
            session, coach_id=coach_id, follow_up_id=follow_up_id, note="Gebeld", now=AT
        )
    assert send_due(factory, smtp, now=AT + STALE_CLAIM + timedelta(minutes=1)).sent == 0
    assert inbox.messages == [] and _mail(factory, mail_id).state is MailState.CANCELLED
    with factory() as session:  # and its link no longer works
        assert all(link.revoked_at for link in session.scalars(select(FormLink)))


def test_an_answer_to_an_earlier_link_is_the_one_the_coach_sees(
    factory: sessionmaker[Session], smtp_server: tuple[SmtpSettings, Inbox]
) -> None:
    smtp, _ = smtp_server
    coach_id, trajectory_id, follow_up_id = _follow_up(factory, FollowUpKind.MONTH3_CHECKIN)
    with transaction(factory, write=True) as session:
        first = create_form_link(
            session,
            coach_id=coach_id,
            trajectory_id=trajectory_id,
            kind=FormKind.SELF_CHECK,
            follow_up_id=follow_up_id,
            now=AT,
        )
        answers = SelfCheckAnswers(goal_score=6, kept="partly", wants_contact=True)
        assert submit_form(session, token=first.token, answers=answers, now=AT)
    # The coach's approved mail would bring a second link: the answer is already in.
    _schedule(factory, coach_id, follow_up_id, link=True)
    assert send_due(factory, smtp, now=AT + timedelta(days=1)).sent == 0
    with factory() as session:
        [item] = list_queue(session, coach_id=coach_id, now=AT)
    assert item.self_check is not None and item.self_check.answers["goal_score"] == 6
    assert item.self_check.wants_contact


def test_a_new_link_for_a_follow_up_ends_the_unanswered_one(
    factory: sessionmaker[Session],
) -> None:
    coach_id, trajectory_id, follow_up_id = _follow_up(factory, FollowUpKind.SELF_CHECK)
    with transaction(factory, write=True) as session:
        links = [
            create_form_link(
                session,
                coach_id=coach_id,
                trajectory_id=trajectory_id,
                kind=FormKind.SELF_CHECK,
                follow_up_id=follow_up_id,
                now=AT,
            )
            for _ in range(2)
        ]
        assert open_form(session, token=links[0].token, now=AT) is None
        assert open_form(session, token=links[1].token, now=AT) is not None


def test_send_due_says_what_is_wrong_with_a_moment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AFRONDING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AFRONDING_SMTP_FROM", "praktijk@example.org")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(SystemExit) as stopped:
        main(["send-due", "--now", "morgen"])
    assert "Geef --now met een tijdzone" in str(stopped.value)
