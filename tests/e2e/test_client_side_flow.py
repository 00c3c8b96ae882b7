"""The client's side of the ending in a real browser: the plan PDF at the end of the closing,
a week-1 mail scheduled and sent by send-due, and the month-6 self-check answered on a phone
that fills the practice's "retained" figure."""

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from core.database import transaction
from core.outbox import schedule_mail
from core.plan_pdf import plan_file_name
from db.engine import make_engine, make_session_factory
from db.models import Client, FollowUp, FollowUpKind, Trajectory
from tests.browser import start_server, wait_idle
from tests.e2e.conftest import ROOT, log_in, open_tab, screenshot, start_live_closing, unfold
from tests.smtp import Inbox, free_port

pytestmark = pytest.mark.e2e
CHANGES = "Ik zeg vaker nee, óók op vrijdagmiddag — en ik plan mijn week zelf."
# How many month-6 results there are, and how many of them the clients gave themselves.
RESULTS = re.compile(r"van (?:de )?(\d+) trajecte?n? met een resultaatcheck")
BY_CLIENT = re.compile(r"Hiervan kwam(?:en)? er (\d+) van de cliënt")


MailApp = tuple[str, str, Inbox, dict[str, str]]


@pytest.fixture(scope="module")
def mail_app(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, str, Inbox, dict[str, str]]]:
    """The demo app with an SMTP server (aiosmtpd) to send through: (url, db, inbox, env)."""
    folder = tmp_path_factory.mktemp("client-side")
    database = f"sqlite:///{folder / 'app.db'}"
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = {
        "AFRONDING_SMTP_HOST": "127.0.0.1",
        "AFRONDING_SMTP_PORT": str(port),
        "AFRONDING_SMTP_FROM": "praktijk@example.org",
        "AFRONDING_SMTP_STARTTLS": "false",
    }
    url, process = start_server(database, folder / "streamlit.log", smtp)
    try:
        yield url, database, inbox, {**smtp, "DATABASE_URL": database}
    finally:
        process.terminate()
        process.wait(timeout=15)
        controller.stop()


def _send_due(env: dict[str, str], now: datetime) -> str:
    """Run the README's send-due command as cron would, at the moment `now`."""
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "send-due", "--now", now.isoformat()],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _mail(content: str) -> EmailMessage:
    message = message_from_bytes(content.encode(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _retained(page: Page, url: str) -> tuple[int, int]:
    page.goto(f"{url}/evaluatietrends")
    wait_idle(page)
    open_tab(page, "Uitkomsten en protocol")
    counts = []
    for pattern in (BY_CLIENT, RESULTS):
        said = page.get_by_text(pattern)
        expect(said).to_be_visible(timeout=20_000)
        found = pattern.search(said.inner_text())
        assert found is not None
        counts.append(int(found.group(1)))
    return counts[0], counts[1]


def test_plan_pdf_scheduled_mail_and_a_self_check_on_a_phone(
    page: Page, browser: Browser, mail_app: MailApp
) -> None:
    url, database, inbox, env = mail_app
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(url)
    wait_idle(page)
    log_in(page)
    by_client_before, results_before = _retained(page, url)

    # The closing: the client's words, then the end, then the plan to take home.
    start_live_closing(page)
    name = page.locator(".st-key-closing_title h1").inner_text().split(" · ")[0].strip()
    page.get_by_role("button", name="Volgende stap").click()
    wait_idle(page)
    field = page.get_by_label("Belangrijkste veranderingen")
    field.fill(CHANGES)
    page.get_by_label("Inzicht dat de cliënt meeneemt").click()
    wait_idle(page)
    unfold(page, page.get_by_role("button", name="Sessie afronden"))
    page.get_by_role("button", name="Ja, afronden").click()
    download_button = page.get_by_role("button", name="Borgingsplan voor de cliënt (pdf)")
    expect(download_button).to_be_visible(timeout=15_000)
    with page.expect_download() as pending:
        download_button.click()
    pdf = Path(pending.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Jouw borgingsplan" in flat and name in flat and CHANGES in flat

    # The week-1 mail: approved once, scheduled for its day at 09:00.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Follow-ups").click()
    wait_idle(page)
    # The innermost block holding the client's week-1 line: that card.
    card = (
        page.get_by_test_id("stVerticalBlock")
        .filter(has_text=f"{name} · Persoonlijke mail (week 1)")
        .last
    )
    unfold(page, card.get_by_role("button", name="Mail"))
    schedule = page.get_by_role("button", name=re.compile(r"^Verstuur op .* om 09:00$"))
    schedule.click()
    expect(page.get_by_text(re.compile(rf"De mail aan {name} gaat .* de deur uit"))).to_be_visible(
        timeout=15_000
    )
    screenshot(page, "60-follow-up-mail-scheduled", full_page=False)

    engine = make_engine(database)
    factory = make_session_factory(engine)
    with factory() as session:
        trajectory_id, week1_due, coach_id = session.execute(
            select(FollowUp.trajectory_id, FollowUp.due_on, Client.coach_id)
            .join(Trajectory, Trajectory.id == FollowUp.trajectory_id)
            .join(Client, Client.id == Trajectory.client_id)
            .where(Client.name == name, FollowUp.kind == FollowUpKind.WEEK1_MAIL)
            .order_by(FollowUp.id.desc())
            .limit(1)
        ).one()
        month6_id, month6_due = session.execute(
            select(FollowUp.id, FollowUp.due_on).where(
                FollowUp.trajectory_id == trajectory_id,
                FollowUp.kind == FollowUpKind.MONTH6_RESULT,
            )
        ).one()
    nine = datetime.combine(week1_due, time(8, 0), UTC)  # 09:00 in Amsterdam in winter
    assert _send_due(env, nine - timedelta(hours=2)) == ""  # nothing before its time
    assert inbox.messages == []
    assert "1 mail verstuurd." in _send_due(env, nine + timedelta(minutes=5))
    [(_, content)] = inbox.messages
    week1 = _mail(content)
    assert [p.get_filename() for p in week1.iter_attachments()] == [plan_file_name(name)]

    # Month 6: the coach's approved mail carries the client's self-check link (scheduled here
    # directly: that card sits far down the "Later" list, its page flow is tested above).
    with transaction(factory, write=True) as session:
        schedule_mail(
            session,
            coach_id=coach_id,
            follow_up_id=month6_id,
            to="client@example.org",
            subject="Een half jaar later",
            body="Hoe gaat het?\n\n[link]",
            at=time(9, 0),
            link_base=url,
            attach_plan=False,
            now=nine,
        )
    engine.dispose()
    _send_due(env, datetime.combine(month6_due, time(8, 5), UTC))
    body = _mail(inbox.messages[-1][1]).get_body(("plain",))
    assert body is not None
    link = re.search(r"http://\S+/formulier\?t=[\w-]+", str(body.get_content()))
    assert link is not None and trajectory_id

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    client = phone.new_page()
    client.goto(link.group(0))
    wait_idle(client)
    expect(client.get_by_role("heading", name="Hoe gaat het met je verandering?")).to_be_visible()
    client.get_by_label("Waar sta je nu met je doel?", exact=False).fill("8")
    client.get_by_text("Ja", exact=True).click()
    wait_idle(client)
    screenshot(client, "61-self-check-phone")
    client.get_by_role("button", name="Versturen").click()
    expect(client.get_by_role("heading", name="Dank je wel")).to_be_visible(timeout=15_000)
    phone.close()

    by_client_after, results_after = _retained(page, url)
    assert (by_client_after, results_after) == (by_client_before + 1, results_before + 1)
    screenshot(page, "62-trends-retained-by-client")
