"""Follow-ups: the queue by the coach's calendar, actions, drafts, mail, outcomes, calendar."""

import socket
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.agenda import list_agenda
from core.config import SmtpSettings
from core.errors import NotFound, ValidationError
from core.follow_ups import (
    Bucket,
    add_follow_up,
    agenda_ics,
    bucket_for,
    complete_follow_up,
    draft_message,
    group_queue,
    list_queue,
    record_referral,
    record_result,
    record_review,
    reschedule_follow_up,
    skip_follow_up,
)
from core.mail import MailFailed, send_mail
from core.sessions import plan_session
from core.timefmt import local_date
from db.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    GoalScore,
    Outcome,
    OutcomeKind,
    Retained,
    RetentionPlan,
    ScoreKind,
    SessionKind,
)
from tests.conftest import NOW, TODAY
from tests.factories import add_follow_up as make_follow_up
from tests.factories import make_coach, make_trajectory
from tests.smtp import free_port


def _one(db: Session, kind: FollowUpKind = FollowUpKind.WEEK1_MAIL, due: date = TODAY):  # type: ignore[no-untyped-def]
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, name="Iris de Vries", held=8)
    db.add(
        RetentionPlan(
            trajectory_id=trajectory.id,
            main_change="Ik zeg eerder nee.",
            relapse_strategy="Mijn signalenlijst erbij pakken.",
        )
    )
    item = make_follow_up(db, trajectory, due, kind)
    return coach, trajectory, item


def test_the_buckets_follow_the_coachs_calendar_around_midnight_and_dst() -> None:
    assert bucket_for(TODAY - timedelta(days=1), TODAY) is Bucket.OVERDUE
    assert bucket_for(TODAY, TODAY) is Bucket.TODAY
    assert bucket_for(TODAY + timedelta(days=6), TODAY) is Bucket.THIS_WEEK
    assert bucket_for(TODAY + timedelta(days=7), TODAY) is Bucket.LATER
    # 23:30 UTC on 28 March is already the 29th in Amsterdam (clocks go forward that night).
    just_after = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert local_date(just_after, "Europe/Amsterdam") == date(2026, 3, 29)
    assert bucket_for(date(2026, 3, 29), local_date(just_after, "Europe/Amsterdam")) is Bucket.TODAY
    assert bucket_for(date(2026, 3, 29), local_date(just_after, "UTC")) is Bucket.THIS_WEEK


def test_the_queue_brings_the_borgingsplan_and_the_last_score(db: Session) -> None:
    coach, trajectory, item = _one(db)
    other = make_trajectory(db, coach, name="Bas Bakker")
    # Entered out of order: the latest moment counts, not the latest entry.
    for on, score, kind in (
        (3, 7, ScoreKind.CLOSING),
        (1, 4, ScoreKind.START),
        (2, 6, ScoreKind.INTERMEDIATE),
    ):
        db.add(
            GoalScore(
                trajectory=trajectory,
                score=score,
                kind=kind,
                measured_at=NOW - timedelta(days=10 - on),
            )
        )
    db.add(GoalScore(trajectory=other, score=2, kind=ScoreKind.START, measured_at=NOW))
    db.flush()
    [row] = list_queue(db, coach_id=coach.id, now=NOW)
    assert (row.follow_up_id, row.main_change, row.relapse_strategy, row.last_score) == (
        item.id,
        "Ik zeg eerder nee.",
        "Mijn signalenlijst erbij pakken.",
        7,
    )
    groups = group_queue([row], TODAY)
    assert list(groups) == list(Bucket) and groups[Bucket.TODAY] == [row]


def test_done_reschedule_and_skip_with_their_refusals(db: Session) -> None:
    coach, trajectory, item = _one(db)
    with pytest.raises(ValidationError) as refused:
        reschedule_follow_up(
            db,
            coach_id=coach.id,
            follow_up_id=item.id,
            due_on=TODAY - timedelta(days=1),
            today=TODAY,
        )
    assert refused.value.errors == {"due_on": "follow_ups.date_in_past"}
    reschedule_follow_up(
        db, coach_id=coach.id, follow_up_id=item.id, due_on=TODAY + timedelta(days=3), today=TODAY
    )
    with pytest.raises(ValidationError) as refused:
        skip_follow_up(db, coach_id=coach.id, follow_up_id=item.id, reason="  ", now=NOW)
    assert refused.value.errors == {"reason": "validation.required"}
    complete_follow_up(db, coach_id=coach.id, follow_up_id=item.id, note="Gebeld", now=NOW)
    assert db.get_one(FollowUp, item.id).status is FollowUpStatus.DONE
    with pytest.raises(ValidationError):
        skip_follow_up(db, coach_id=coach.id, follow_up_id=item.id, reason="te laat", now=NOW)
    custom = add_follow_up(
        db,
        coach_id=coach.id,
        client_id=trajectory.client_id,
        title="Kaartje sturen",
        due_on=TODAY,
        today=TODAY,
    )
    assert [q.follow_up_id for q in list_queue(db, coach_id=coach.id, now=NOW)] == [custom]


def test_another_coach_cannot_touch_the_follow_up(db: Session) -> None:
    _, trajectory, item = _one(db)
    other = make_coach(db, "ander")
    with pytest.raises(NotFound):
        complete_follow_up(db, coach_id=other.id, follow_up_id=item.id, note="", now=NOW)
    with pytest.raises(NotFound):
        record_result(
            db,
            coach_id=other.id,
            trajectory_id=trajectory.id,
            retained=Retained.YES,
            score=8,
            today=TODAY,
            now=NOW,
        )
    assert list_queue(db, coach_id=other.id, now=NOW) == []


def test_the_drafts_use_the_clients_own_words_in_the_coachs_language(db: Session) -> None:
    coach, _, _ = _one(db)
    [row] = list_queue(db, coach_id=coach.id, now=NOW)
    dutch = draft_message(row, coach_name="Marieke", language="nl")
    assert dutch.subject == "Even terugkijken op onze afronding"
    assert dutch.body.startswith("Beste Iris,") and "„Ik zeg eerder nee”" in dutch.body
    assert dutch.body.endswith("Marieke")
    english = draft_message(row, coach_name="Marieke", language="en")
    assert english.body.startswith("Dear Iris,")
    assert dutch.mailto("iris@example.org").startswith("mailto:iris%40example.org?subject=Even%20")


def test_outcomes_are_recorded_with_their_ranges(db: Session) -> None:
    coach, trajectory, _ = _one(db)
    record_result(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        retained=Retained.PARTLY,
        score=7,
        today=TODAY,
        now=NOW,
    )
    with pytest.raises(ValidationError):
        record_review(
            db,
            coach_id=coach.id,
            client_id=trajectory.client_id,
            platform="Google",
            score=6,
            text="",
            consent=False,
            today=TODAY,
        )
    record_review(
        db,
        coach_id=coach.id,
        client_id=trajectory.client_id,
        platform="Google",
        score=5,
        text="",
        consent=False,
        today=TODAY,
    )
    referred = make_trajectory(db, coach, name="Nieuwe Klant")
    record_referral(
        db,
        coach_id=coach.id,
        client_id=trajectory.client_id,
        referred_client_id=referred.client_id,
        today=TODAY,
    )
    kinds = set(db.scalars(select(Outcome.kind).where(Outcome.trajectory_id == trajectory.id)))
    assert kinds == {OutcomeKind.RESULT_RETAINED, OutcomeKind.REVIEW, OutcomeKind.REFERRAL}


def test_the_calendar_holds_sessions_and_follow_ups_with_zone_and_stable_uids(
    db: Session,
) -> None:
    coach, _, item = _one(db)
    closing = plan_session(
        db,
        coach_id=coach.id,
        trajectory_id=make_trajectory(db, coach, name="Bas Sessie").id,
        at=NOW + timedelta(days=2),
        kind=SessionKind.CLOSING_90,
        duration_minutes=90,
        now=NOW,
    )
    items = list_queue(db, coach_id=coach.id, now=NOW)
    agenda = list_agenda(db, coach_id=coach.id, now=NOW)

    def ics(now: datetime) -> bytes:
        return agenda_ics(items, agenda, timezone="Europe/Amsterdam", language="nl", now=now)

    calendar = Calendar.from_ical(ics(NOW))
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Amsterdam"
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"session-{closing}@afronding", f"follow-up-{item.id}@afronding"}
    session = events[f"session-{closing}@afronding"]
    assert str(session["summary"]) == "Afronding (90 min): Bas Sessie"
    start, end = session.decoded("dtstart"), session.decoded("dtend")
    assert (start, end - start) == (NOW + timedelta(days=2), timedelta(minutes=90))
    assert str(start.tzinfo) == "Europe/Amsterdam"
    follow_up = events[f"follow-up-{item.id}@afronding"]
    assert follow_up.decoded("dtstart").hour == 9
    assert str(follow_up["summary"]) == "Persoonlijke mail (week 1): Iris de Vries"
    assert session.decoded("dtstamp") == NOW  # the moment of download
    later = Calendar.from_ical(ics(NOW + timedelta(hours=1)))
    # Importing again updates the same events: the same UIDs, only the stamp moves on.
    assert {str(e["uid"]) for e in later.walk("VEVENT")} == set(events)


def test_a_mail_arrives_from_the_coach(smtp_server) -> None:  # type: ignore[no-untyped-def]
    smtp, inbox = smtp_server
    send_mail(
        smtp,
        to="iris@example.org",
        subject="Even terugkijken",
        body="Beste Iris,\n\nHoe gaat het?",
        sender_name="Marieke",
    )
    [(recipients, content)] = inbox.messages
    assert recipients == ["iris@example.org"]
    assert "Subject: Even terugkijken" in content and "Hoe gaat het?" in content
    assert "From: Marieke <coach@example.org>" in content


@pytest.mark.parametrize(
    ("to", "message"),
    [("iris@weigert.example", "mail.recipient_refused"), ("geen-adres", "mail.bad_recipient")],
)
def test_a_refused_address_sends_nothing(  # type: ignore[no-untyped-def]
    smtp_server, to: str, message: str
) -> None:
    smtp, inbox = smtp_server
    with pytest.raises(MailFailed) as failed:
        send_mail(smtp, to=to, subject="x", body="y", sender_name="M")
    assert failed.value.message_key == message
    assert inbox.messages == []


def test_a_server_that_is_down_or_silent_gives_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    down = SmtpSettings(host="127.0.0.1", port=free_port(), sender="c@example.org", starttls=False)
    with pytest.raises(MailFailed) as failed:
        send_mail(down, to="iris@example.org", subject="x", body="y", sender_name="M")
    assert failed.value.message_key == "mail.unreachable"
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never says hello
    monkeypatch.setattr("core.mail.TIMEOUT_SECONDS", 1)
    try:
        mute = SmtpSettings(
            host="127.0.0.1", port=silent.getsockname()[1], sender="c@example.org", starttls=False
        )
        with pytest.raises(MailFailed) as failed:
            send_mail(mute, to="iris@example.org", subject="x", body="y", sender_name="M")
        assert failed.value.message_key == "mail.timeout"
    finally:
        silent.close()
