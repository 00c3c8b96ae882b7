"""WCAG 2.1 AA in chromium: axe-core on every page, the client's form on a phone included."""

from itertools import pairwise
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser import wait_idle
from tests.e2e.conftest import log_in, make_form_link, open_tab, start_live_closing

pytestmark = pytest.mark.e2e

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# Streamlit's own sidebar navigation puts <div>s between its <ul> and <li>s. Known, and
# allowed only inside that navigation: the same rule anywhere else fails.
STREAMLIT_KNOWN = {"list", "listitem"}
SIDEBAR = "[data-testid='stSidebarNav']"
PAGES = ["Cliënten", "Afrondingssessie", "Evaluatietrends", "Follow-ups", "Instellingen"]


def _findings(page: Page, where: str) -> list[str]:
    """axe-core's serious and critical findings that are ours (not Streamlit's sidebar)."""
    wait_idle(page)
    results: dict[str, Any] = Axe().run(page, options=RULES).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            selector = node["target"][0]
            in_sidebar = page.evaluate(
                "([s, nav]) => !!document.querySelector(s)?.closest(nav)", [selector, SIDEBAR]
            )
            if violation["id"] in STREAMLIT_KNOWN and in_sidebar:
                continue
            found.append(f"{where}: {violation['id']} at {selector}")
    return found


def _headings_in_order(page: Page, where: str) -> list[str]:
    """A heading never skips a level (h1 → h3) in the page's main part."""
    levels = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain] h1, [data-testid=stMain] h2,"
        " [data-testid=stMain] h3, [data-testid=stMain] h4')].map(h => Number(h.tagName[1]))"
    )
    if not levels:
        return [f"{where}: no heading"]
    problems = [] if levels[0] == 1 else [f"{where}: the first heading is h{levels[0]}"]
    return problems + [f"{where}: h{a} → h{b}" for a, b in pairwise(levels) if b > a + 1]


def test_every_page_has_no_serious_finding_and_a_heading_outline(
    page: Page, browser: Browser, app_url: str
) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(app_url)
    problems = _findings(page, "login")
    log_in(page)
    problems += _findings(page, "Vandaag") + _headings_in_order(page, "Vandaag")
    navigation = page.get_by_test_id("stSidebarNav")
    for title in PAGES:
        navigation.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1).first).to_have_text(title)
        problems += _findings(page, title) + _headings_in_order(page, title)
        if title == "Evaluatietrends":
            labels = []
            for tab in ("Doelscores", "Sessies en GAS", "Uitkomsten en protocol"):
                open_tab(page, tab)
                charts = page.get_by_test_id("stVegaLiteChart")
                expect(charts.first).to_be_visible()
                labels += [charts.nth(i).get_attribute("aria-label") for i in range(charts.count())]
                problems += _findings(page, tab) + _headings_in_order(page, tab)
            open_tab(page, "Wat cliënten zeggen")
            problems += _findings(page, "said") + _headings_in_order(page, "said")
            assert len(labels) >= 6 and all(labels), f"a chart without its reading: {labels}"
    link = make_form_link(page)  # opens a client's page on the way
    problems += _findings(page, "Cliënt") + _headings_in_order(page, "Cliënt")
    start_live_closing(page)
    wait_idle(page)
    problems += _findings(page, "live closing") + _headings_in_order(page, "live closing")

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    form = phone.new_page()
    form.goto(link)
    expect(form.get_by_role("heading", name="Terugblik op je traject")).to_be_visible(
        timeout=30_000
    )
    problems += _findings(form, "client's form") + _headings_in_order(form, "client's form")
    phone.close()
    assert problems == []
