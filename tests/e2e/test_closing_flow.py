"""The live closing session in a real browser: typing while the clock ticks, reload, ending."""

import re

import pytest
from playwright.sync_api import Page, expect

from core.closing import read_clock
from core.timefmt import utc_now
from db.models import Phase
from tests.browser import now_ms, wait_idle, wait_idle_after
from tests.e2e.conftest import (
    as_demo_coach,
    clock_seconds,
    double_click,
    log_in,
    screenshot,
    start_live_closing,
    unfold,
)

pytestmark = pytest.mark.e2e
TEXT = "Ik plan mijn week nu zelf en zeg eerder nee tegen extra werk."


def test_a_closing_session_ticks_keeps_what_is_typed_survives_a_reload_and_ends(
    page: Page, app_url: str
) -> None:
    page.set_viewport_size({"width": 1024, "height": 1300})  # a tablet in landscape
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    start_live_closing(page)
    clock = page.get_by_test_id("closing-time")
    expect(clock).to_be_visible()
    page.get_by_role("button", name="Volgende stap").click()  # opening → evaluation
    wait_idle(page)
    expect(page.get_by_text("Evaluatie", exact=True).first).to_be_visible()

    field = page.get_by_label("Belangrijkste veranderingen")
    field.fill("")  # an earlier test in this server may have typed here
    field.click()
    before = clock.inner_text()
    field.press_sequentially(TEXT, delay=110)  # about six seconds of typing while it ticks
    assert clock.inner_text() != before  # the clock went on while typing
    expect(field).to_have_value(TEXT)
    page.get_by_label("Inzicht dat de cliënt meeneemt").click()  # leaving the field saves it
    wait_idle(page)
    screenshot(page, "30-closing-live")

    remaining = clock_seconds(clock.inner_text())
    page.reload()
    wait_idle(page)
    expect(page.get_by_test_id("closing-time")).to_be_visible(timeout=20_000)
    expect(page.locator(".af-phase")).to_have_text("Evaluatie")
    after = clock_seconds(page.get_by_test_id("closing-time").inner_text())
    assert remaining - 30 <= after <= remaining  # the same clock, still counting down
    expect(page.get_by_label("Belangrijkste veranderingen")).to_have_value(TEXT)

    unfold(page, page.get_by_role("button", name="Sessie afronden"))
    page.get_by_role("button", name="Ja, afronden").click()
    expect(page.get_by_text("Geplande follow-ups")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Persoonlijke mail (week 1)")).to_be_visible()
    expect(page.get_by_text("Check-in na 3 maanden")).to_be_visible()
    screenshot(page, "31-closing-summary")


def _phase(database: str, session_id: int) -> Phase:
    with as_demo_coach(database) as (session, coach_id):
        clock = read_clock(session, coach_id=coach_id, session_id=session_id, now=utc_now())
    assert clock.current is not None
    return clock.current.phase


def test_a_double_click_is_one_step_and_terug_right_after_undoes_it(
    page: Page, app_url: str, app_database: str
) -> None:
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    start_live_closing(page)
    wait_idle(page)
    session_id = int(re.findall(r"sessie=(\d+)", page.url)[0])
    phases = list(Phase)
    if _phase(app_database, session_id) is Phase.BUFFER:  # left there by an earlier test
        page.get_by_role("button", name="Terug").click()
        wait_idle(page)
    before = phases.index(_phase(app_database, session_id))

    double_click(page, page.get_by_role("button", name="Volgende stap"))
    wait_idle(page)
    assert _phase(app_database, session_id) is phases[before + 1]
    start = now_ms(page)
    page.get_by_role("button", name="Terug").click()  # at once: pressed on too soon
    wait_idle_after(page, start)
    assert _phase(app_database, session_id) is phases[before]
