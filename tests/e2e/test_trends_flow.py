"""The trends page with demo data in a real browser, saved as a screenshot."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import wait_idle
from tests.e2e.conftest import log_in, open_tab, screenshot

pytestmark = pytest.mark.e2e


def test_the_trends_page_draws_its_charts(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 3000})
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Evaluatietrends").click()
    expect(page.get_by_role("heading", name="Doelscore door de tijd")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)  # the goal scores' tab
    expect(page.get_by_text("Gemiddeld ", exact=False).first).to_be_visible()
    screenshot(page, "60-evaluatietrends")
    for number, tab in enumerate(
        ("Sessies en GAS", "Uitkomsten en protocol", "Wat cliënten zeggen")
    ):
        open_tab(page, tab)
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        screenshot(page, f"6{number + 3}-evaluatietrends-tab")
    # What clients wrote leaves only through the app's own CSV (a formula written as text):
    # a table's toolbar offers no download of its own.
    page.get_by_test_id("stDataFrame").last.hover()
    expect(page.get_by_test_id("stElementToolbarButton").first).to_be_visible()
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
    with page.expect_download() as said:
        page.get_by_role("button", name="Gegevens (CSV)").last.click()
    assert said.value.suggested_filename == "afronding-wat-clienten-zeggen.csv"
    open_tab(page, "Doelscores")
    # No English chart toolbar ("Show data" lists raw field names); the CSV is beside it.
    page.get_by_test_id("stVegaLiteChart").first.hover()
    toolbar = (
        page.get_by_test_id("stFullScreenFrame")
        .filter(has=page.get_by_test_id("stVegaLiteChart"))
        .first.get_by_test_id("stElementToolbar")
    )
    expect(toolbar).to_be_hidden()

    # The goal scores' CSV is read from the database only on the click: every score in view.
    with page.expect_download() as download:
        page.get_by_role("button", name="Gegevens (CSV)").first.click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    # In the coach's language: Dutch headings and words, times in the coach's zone.
    assert list(rows[0]) == [
        "Traject", "Cliënt", "Status", "Gemeten op", "Score", "Moment", "Door"
    ]  # fmt: skip
    assert len(rows) > len({row["Traject"] for row in rows}) > 20
    assert {row["Moment"] for row in rows} >= {"start", "afronding"}
    assert {row["Door"] for row in rows} <= {"door coach", "door cliënt"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["Gemeten op"]) for row in rows)
