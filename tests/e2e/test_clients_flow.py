"""A coach adds a client, logs two sessions with scores, and sees them in list and timeline."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser import wait_idle
from tests.e2e.conftest import log_in, screenshot, unfold

pytestmark = pytest.mark.e2e
NAME = "Eva Eindhoven"


def _log(page: Page, score: int, takeaway: str) -> None:
    page.get_by_role("radio", name="Sessie loggen").click()
    # Held yesterday: a session logged at today's hour could take a later test's free slot.
    yesterday = datetime.now(ZoneInfo("Europe/Amsterdam")) - timedelta(days=1)
    page.get_by_role("spinbutton", name="day, Datum").focus()
    page.keyboard.type(yesterday.strftime("%d%m%Y"), delay=60)
    page.get_by_label("Doelscore nu (1–10, optioneel)").fill(str(score))
    page.get_by_label("Hoe was deze sessie? (1–10)").fill("8")
    page.get_by_label("Wat neemt de cliënt mee?").fill(takeaway)
    page.get_by_role("button", name="Sessie vastleggen").click()
    expect(page.get_by_text("Sessie vastgelegd.")).to_be_visible(timeout=15_000)
    wait_idle(page)


def test_add_a_client_log_two_sessions_and_see_them(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Cliënten").click()
    expect(page.get_by_role("heading", level=1).first).to_have_text("Cliënten")
    wait_idle(page)
    unfold(page, page.get_by_text("Nieuwe cliënt en traject"))
    page.get_by_label("Naam", exact=True).fill(NAME)
    page.get_by_label("Doel van het traject").first.fill("Met rust en richting leidinggeven")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text(f"{NAME} is toegevoegd.")).to_be_visible(timeout=15_000)
    wait_idle(page)

    page.get_by_label("Zoek op naam").fill(NAME)
    page.get_by_label("Zoek op naam").press("Enter")
    expect(page.get_by_text("1 van 41 cliënten")).to_be_visible(timeout=15_000)
    wait_idle(page)
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()  # a click is by position: the row must be on screen
    grid = table.bounding_box()
    assert grid is not None
    # The first row's name: a click opens the client. The grid is drawn on a canvas that
    # finds the cell under the pointer as it moves, so the pointer arrives first, as a hand's.
    page.mouse.move(grid["x"] + 120, grid["y"] + 54)
    page.wait_for_timeout(200)
    page.mouse.click(grid["x"] + 120, grid["y"] + 54)
    expect(page.get_by_role("heading", level=1).first).to_have_text(NAME, timeout=15_000)
    wait_idle(page)

    _log(page, 4, "Eerst vragen wat er verwacht wordt")
    _log(page, 6, "Kleine stappen tellen ook")
    page.get_by_role("radio", name="Tijdlijn").click()
    expect(page.get_by_text("Doelscore 4/10 (na sessie, door coach)")).to_be_visible()
    expect(page.get_by_text("Doelscore 6/10 (na sessie, door coach)")).to_be_visible()
    expect(page.get_by_text("Kleine stappen tellen ook", exact=False).first).to_be_visible()
    screenshot(page, "20-client-timeline")

    page.get_by_role("link", name="Terug naar cliënten").click()
    wait_idle(page)
    page.get_by_label("Zoek op naam").fill(NAME)
    page.get_by_label("Zoek op naam").press("Enter")
    expect(page.get_by_text("1 van 41 cliënten")).to_be_visible(timeout=15_000)
    wait_idle(page)
    screenshot(page, "21-client-list")
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporteren (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert (row["naam"], row["sessies_gehouden"], row["startscore"], row["laatste_score"]) == (
        NAME,
        "2",
        "4",
        "6",
    )
