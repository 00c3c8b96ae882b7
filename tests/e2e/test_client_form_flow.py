"""A coach makes a form link; the client, in another browser without any cookie, fills it in."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import fill_in_evaluation, log_in, make_form_link, screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_a_client_fills_in_the_evaluation_form_and_the_coach_sees_it(
    page: Page, browser: Browser, app_url: str
) -> None:
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    link = make_form_link(page)
    name = page.get_by_role("heading", level=1).first.inner_text()

    client = browser.new_context(viewport={"width": 390, "height": 844})  # a phone, no cookies
    form = client.new_page()
    form.goto(link)
    fill_in_evaluation(
        form,
        progress=8,
        changes="Ik durf *eerder* nee te zeggen <b>zonder</b> schuldgevoel",
        recommend=9,
    )
    expect(form.get_by_test_id("stSidebarNav")).to_have_count(0)
    screenshot(form, "40-client-form")
    form.get_by_role("button", name="Versturen").click()
    expect(form.get_by_role("heading", name="Dank je wel")).to_be_visible(timeout=15_000)
    screenshot(form, "41-client-form-thanks")
    client.close()

    page.reload()
    wait_idle(page)
    expect(page.get_by_role("heading", level=1).first).to_have_text(name, timeout=20_000)
    expect(
        page.get_by_text("Evaluatieformulier ingevuld door cliënt (score 8)").last
    ).to_be_visible()
    expect(
        page.get_by_text("Ik durf *eerder* nee te zeggen <b>zonder</b> schuldgevoel", exact=False)
    ).to_be_visible()  # shown as typed, not rendered
    page.get_by_role("radio", name="Formulieren").click()
    expect(
        page.get_by_text(re.compile(r"^Evaluatieformulier · gemaakt .* · ingevuld$"))
    ).to_be_visible()
