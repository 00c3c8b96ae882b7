"""A coach completes a follow-up and records an outcome in a real browser."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from core.follow_ups import list_queue
from core.timefmt import DEFAULT_TIMEZONE, local_date, utc_now
from tests.browser import wait_idle
from tests.e2e.conftest import as_demo_coach, double_click, log_in, screenshot, unfold

pytestmark = pytest.mark.e2e
CARDS_PER_GROUP = 5


def _count(page: Page, group: str) -> int:
    heading = page.get_by_role("heading", name=re.compile(rf"^{group} \(\d+\)")).first
    return int(heading.inner_text().split("(")[1].rstrip(")"))


def _open_follow_ups(page: Page, app_url: str) -> None:
    """Log in and open Follow-ups."""
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", level=1).first).to_have_text("Follow-ups")
    wait_idle(page)


def test_complete_a_follow_up_and_record_an_outcome(page: Page, app_url: str) -> None:
    _open_follow_ups(page, app_url)
    screenshot(page, "50-follow-ups")
    overdue = _count(page, "Te laat")

    with page.expect_download() as download:
        page.get_by_role("button", name="In je agenda zetten (.ics)").click()
    events = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert len(events) >= overdue and all(str(e["uid"]).endswith("@afronding") for e in events)

    # The first overdue card: after the answers from clients, which come first.
    answers = page.get_by_role("heading", name=re.compile(r"^Antwoorden van cliënten \(\d+\)"))
    answered = _count(page, "Antwoorden van cliënten") if answers.count() else 0
    cards_before = min(answered, CARDS_PER_GROUP)  # a long group shows its first cards
    unfold(page, page.get_by_role("button", name="Gedaan").nth(cards_before))
    page.get_by_label("Wat is er gebeurd? (optioneel)").first.fill("Gebeld; het gaat goed.")
    page.get_by_test_id("stPopoverBody").get_by_role("button", name="Gedaan").first.click()
    expect(page.get_by_text("Follow-up afgerond.")).to_be_visible(timeout=15_000)
    wait_idle(page)
    assert _count(page, "Te laat") == overdue - 1
    # The popover closed with its card: it does not open again on the card in its place.
    expect(page.get_by_test_id("stPopoverBody")).to_have_count(0)

    unfold(page, page.get_by_text("Uitkomst vastleggen"))
    page.get_by_label("Platform (bijv. Google)").fill("Google")
    page.get_by_label("Score (1–5, leeg voor een testimonial zonder score)").fill("5")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Uitkomst vastgelegd.")).to_be_visible(timeout=15_000)
    screenshot(page, "51-follow-ups-outcome")


def _due_dates(database: str) -> dict[int, date]:
    """The demo coach's open follow-ups and their days, read from the database."""
    with as_demo_coach(database) as (session, coach_id):
        return {
            q.follow_up_id: q.due_on for q in list_queue(session, coach_id=coach_id, now=utc_now())
        }


def test_a_double_click_on_verzetten_moves_the_follow_up_once(
    page: Page, app_url: str, app_database: str
) -> None:
    _open_follow_ups(page, app_url)
    before = _due_dates(app_database)
    chosen = local_date(utc_now(), DEFAULT_TIMEZONE) + timedelta(days=20)

    unfold(page, page.get_by_role("button", name="Verzetten").first)
    # Typed as a coach does: into the day, then its digits.
    popover = page.get_by_test_id("stPopoverBody")
    popover.get_by_role("spinbutton", name="day, Nieuwe datum").click()
    page.keyboard.type(chosen.strftime("%d%m%Y"), delay=60)
    page.keyboard.press("Tab")
    wait_idle(page)
    # The second submit arrives after the move, from the form drawn before it.
    double_click(page, page.get_by_test_id("stPopoverBody").get_by_role("button", name="Verzetten"))
    expect(page.get_by_text("Follow-up verzet.")).to_be_visible(timeout=15_000)
    wait_idle(page)

    after = _due_dates(app_database)
    moved = {key: day for key, day in after.items() if before.get(key) != day}
    assert list(moved.values()) == [chosen], "one follow-up, moved to the chosen day"
