"""A coach makes a form link; the client, in another browser without any cookie, fills it in."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import wait_idle
from tests.e2e.conftest import fill_in_evaluation, log_in, make_form_link, screenshot

pytestmark = pytest.mark.e2e

# What a client might type that markdown would turn into links, a heading or code.
MARKDOWN_BAIT = (
    "Ik durf *eerder* nee te zeggen <b>zonder</b> schuldgevoel\n"
    "Kop\n===\n"
    "```\nprint('code')\n```\n"
    "Zie https://evil.example/x of www.evil.example, mail naar iemand@evil.example\n"
    "![beeld](https://evil.example/pixel.png)"
)


def assert_shown_as_text(page: Page) -> None:
    """The client's text on the coach's page: no link, heading, code block or image from it."""
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Kop", exact=False).first).to_be_visible()
    assert main.locator("a[href*='evil.example']").count() == 0
    assert main.locator("img[src*='evil.example']").count() == 0
    assert main.locator("pre, code").count() == 0
    assert main.locator("h1, h2, h3, h4").filter(has_text="Kop").count() == 0


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
    fill_in_evaluation(form, progress=8, changes=MARKDOWN_BAIT, recommend=9)
    expect(form.get_by_test_id("stSidebarNav")).to_have_count(0)
    screenshot(form, "40-client-form")
    form.get_by_role("button", name="Versturen").click()
    expect(form.get_by_role("heading", name="Dank je wel")).to_be_visible(timeout=15_000)
    screenshot(form, "41-client-form-thanks")
    form.reload()  # the thank-you page again: received, not "this link does not work"
    expect(form.get_by_role("heading", name="Je antwoorden zijn al ontvangen")).to_be_visible(
        timeout=15_000
    )
    other = browser.new_context().new_page()  # another browser: the one neutral page
    other.goto(link)
    expect(other.get_by_role("heading", name="Deze link werkt niet")).to_be_visible(timeout=15_000)
    wait_idle(other)  # its browser has said it did not send these answers
    other.context.close()
    client.close()

    page.reload()
    wait_idle(page)
    expect(page.get_by_role("heading", level=1).first).to_have_text(name, timeout=20_000)
    expect(
        page.get_by_text("Evaluatieformulier ingevuld door cliënt (doelscore 8/10)").last
    ).to_be_visible()
    expect(
        page.get_by_text("Ik durf *eerder* nee te zeggen <b>zonder</b> schuldgevoel", exact=False)
    ).to_be_visible()  # shown as typed, not rendered
    assert_shown_as_text(page)
    page.get_by_role("radio", name="Formulieren").click()
    expect(
        page.get_by_text(re.compile(r"^Evaluatieformulier · gemaakt .* · ingevuld$"))
    ).to_be_visible()
    # One visit from another browser; the client's own reload of the thank-you page is none.
    expect(page.get_by_text("1 keer geprobeerd nadat de link niet meer werkte")).to_be_visible()
