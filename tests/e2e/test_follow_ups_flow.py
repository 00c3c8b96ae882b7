"""A coach completes a follow-up and records an outcome in a real browser."""

import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser import wait_idle
from tests.e2e.conftest import log_in, screenshot, unfold

pytestmark = pytest.mark.e2e
CARDS_PER_GROUP = 5


def _count(page: Page, group: str) -> int:
    heading = page.get_by_role("heading", name=re.compile(rf"^{group} \(\d+\)")).first
    return int(heading.inner_text().split("(")[1].rstrip(")"))


def test_complete_a_follow_up_and_record_an_outcome(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", level=1).first).to_have_text("Follow-ups")
    wait_idle(page)
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
