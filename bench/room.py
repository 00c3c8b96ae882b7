"""The live closing in chromium at 1024×768: page height, first field, clock bar, reload.

Run against a demo server (`make demo`, then `.venv/bin/python -m bench.room`): it logs in
as the demo coach, starts the preselected closing, and prints what a coach would notice.
"""

import argparse
import re

from playwright.sync_api import Page, sync_playwright

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TYPED = (
    "Ik plan elke vrijdag een kwartier om terug te kijken op mijn week en kies dan welke twee "
    "dingen voorgaan. Als het druk wordt, zeg ik eerst nee en denk ik daarna pas na over wat "
    "er wel kan. Mijn partner vraagt ernaar."
)[:200]


def _idle(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=30_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=30_000)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    url = parser.parse_args().url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(url)
        _idle(page)
        page.get_by_role("textbox", name="Gebruikersnaam").fill("demo")
        page.get_by_role("textbox", name="Wachtwoord").fill("Demo-coach-1")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_selector("[data-testid='stSidebarNav']", timeout=20_000)
        _idle(page)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Afrondingssessie").click()
        _idle(page)
        page.get_by_role("button", name=re.compile("Start de afronding|Verder met")).click()
        page.wait_for_url(re.compile(r"sessie=\d+"))
        _idle(page)
        page.get_by_role("radio", name="Evaluatie").click()
        _idle(page)
        height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        capture = page.locator(".st-key-closing_capture").locator("input, textarea")
        first = capture.first.bounding_box() or {"y": -1.0}
        bar = page.locator(".st-key-closing_bar").bounding_box() or {"y": -1.0, "height": 0.0}
        print(f"page height {height} px; first field at y {first['y']:.0f} px;")
        print(f"clock bar at y {bar['y']:.0f}–{bar['y'] + bar['height']:.0f} px (sticky)")
        page.get_by_role("radio", name="Borging").click()
        _idle(page)
        field = page.get_by_label("Belangrijkste verandering / nieuw gedrag")
        field.click()
        field.press("Control+End")
        before = len(field.input_value())
        field.press_sequentially(TYPED, delay=60)
        page.wait_for_timeout(2500)  # never leaving the field
        page.reload()
        _idle(page)
        after = page.get_by_label("Belangrijkste verandering / nieuw gedrag").input_value()
        print(f"reload 2.5 s after typing, field never left: {len(after) - before} of 200 kept")
        browser.close()


if __name__ == "__main__":
    main()
