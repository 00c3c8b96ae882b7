"""What the coach waits for in chromium: `python -m bench.browser` (part of `make bench`).

Starts an empty Streamlit page and the app (demo practice on a fresh SQLite file), each on
a fresh server, and measures in headless chromium, against the empty page in the same run:
the cold login page (the first load after a server start), login → Vandaag, the first and
the warm visit of every page. A moment is the app's own: from the click (or the start of
the navigation) until the last script run it caused has ended (tests/browser.py tracks
Streamlit's run state). Prints a table with the targets; it is a measurement, not a test.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import ROOT, now_ms, start_server, track_runs, wait_idle, wait_idle_after

CHROMIUM = "/usr/bin/chromium"
EMPTY_PAGE = str(Path(__file__).resolve().parent / "empty_page.py")
PAGES = ("Cliënten", "Afrondingssessie", "Evaluatietrends", "Follow-ups", "Instellingen")
# A login ends with runs the login cookie's component asks for: the page shows before them.
TARGETS_MS = {
    "cold login page": 2000,
    "login → Vandaag shown": 1000,
    "login → Vandaag": 1000,
    "warm page switch": 500,
}
SINCE = "window.__afrondingRuns.idleSince"
TYPING_MS = 3_000


@contextmanager
def _server(database_url: str, folder: Path, script: str) -> Iterator[str]:
    url, process = start_server(database_url, folder / f"{Path(script).stem}.log", script=script)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def _load(browser: Browser, url: str) -> tuple[Page, float]:
    """A fresh browser context opens `url`; ms from the navigation's start until idle."""
    context = track_runs(browser.new_context(viewport={"width": 1024, "height": 768}))
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    return page, float(page.evaluate(SINCE))


SHOWN = """(label) => {
  const labels = document.querySelectorAll("[data-testid='stMetricLabel']");
  return [...labels].some((l) => l.textContent.trim() === label) ? performance.now() : false;
}"""


def _shown_and_after(page: Page, action: Callable[[], object], label: str) -> tuple[float, float]:
    """ms from just before `action` until a figure labelled `label` shows, and until the last
    script run it caused has ended."""
    start = now_ms(page)
    action()
    shown = float(page.wait_for_function(SHOWN, arg=label, polling="raf").json_value())
    wait_idle_after(page, start)
    return shown - start, float(page.evaluate(SINCE)) - start


def _after(page: Page, action: Callable[[], object]) -> float:
    """ms from just before `action` until the last script run it caused has ended."""
    start = now_ms(page)
    action()
    wait_idle_after(page, start)
    return float(page.evaluate(SINCE)) - start


def _one_round(browser: Browser, app: str, empty: str) -> dict[str, list[float]]:
    """A cold start of both servers' first page, a login and two visits of every page."""
    figures: dict[str, list[float]] = {}
    # Each load in a browser of its own: an open login page keeps the CPU busy (its cookie
    # component, the warm-up), which made the empty page's second load slower than its first.
    for name in ("empty page, cold", "empty page, warm"):
        loaded, took = _load(browser, empty)
        loaded.context.close()
        figures[name] = [took]
    page, cold = _load(browser, app)
    figures["cold login page"] = [cold]
    page.get_by_role("textbox", name="Gebruikersnaam").fill("demo")
    page.get_by_role("textbox", name="Wachtwoord").fill("Demo-coach-1")
    page.wait_for_timeout(TYPING_MS)  # a coach takes at least this long to type both
    shown, ended = _shown_and_after(
        page, page.get_by_role("button", name="Inloggen").click, "Sessies vandaag"
    )
    figures["login → Vandaag shown"], figures["login → Vandaag"] = [shown], [ended]
    navigation = page.get_by_test_id("stSidebarNav")
    for visit in ("first visit", "warm page switch"):
        for title in (*PAGES, "Vandaag"):
            took = _after(page, navigation.get_by_role("link", name=title).click)
            figures.setdefault(f"{visit}: {title}", []).append(took)
            figures.setdefault(visit, []).append(took)
    page.context.close()
    return figures


def measure(repeat: int) -> dict[str, list[float]]:
    """`repeat` rounds, each on freshly started servers and a fresh demo database."""
    merged: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        for index in range(repeat):
            round_folder = Path(folder) / str(index)
            round_folder.mkdir()
            database = f"sqlite:///{round_folder / 'app.db'}"
            subprocess.run(
                [sys.executable, "-m", "core.cli", "prepare"],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": database, "AFRONDING_DEMO": "1"},
                check=True,
                capture_output=True,
            )
            with (
                _server(database, round_folder, EMPTY_PAGE) as empty,
                _server(database, round_folder, "app.py") as app,
            ):
                for name, values in _one_round(browser, app, empty).items():
                    merged.setdefault(name, []).extend(values)
        browser.close()
    return merged


def report(figures: dict[str, list[float]]) -> None:
    """One table: median and worst per figure, and its target."""
    floor = statistics.median(figures["empty page, warm"])
    print(f"\n{'in chromium, 1024×768':<34} {'median ms':>10} {'worst ms':>9} ", end="")
    print(f"{'target':>7} {'ok':>4}")
    for name, values in figures.items():
        target = TARGETS_MS.get(name)
        worst = max(values)
        checked = worst if name == "warm page switch" else statistics.median(values)
        ok = "" if target is None else ("yes" if checked <= target else "NO")
        print(
            f"{name:<34} {statistics.median(values):>10.0f} {worst:>9.0f} {target or '':>7} {ok:>4}"
        )
    print(f"(the empty page, warm: {floor:.0f} ms; a warm switch counts at its worst)")


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="rounds on fresh servers")
    report(measure(parser.parse_args().repeat))


if __name__ == "__main__":
    main()
