"""A real `streamlit run` server on a free loopback port, and Debian's chromium."""

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo import DEMO_PASSWORD, DEMO_USERNAME
from db.engine import make_engine
from db.models import Coach
from tests.browser import start_server, track_runs, wait_idle, wait_login_ready
from tests.conftest import require

ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _every_context_tracks_script_runs() -> Iterator[None]:
    """`wait_idle` reads the app's run state: every browser context gets the tracker, also
    the ones a test opens itself (a client's phone, a second coach)."""
    original = Browser.new_context

    def new_context(self: Browser, *args: Any, **kwargs: Any) -> BrowserContext:
        return track_runs(original(self, *args, **kwargs))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Browser, "new_context", new_context)
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium instead of a downloaded browser (none can be downloaded here)."""
    require(CHROMIUM.exists(), "Debian chromium is missing: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A laptop-sized window."""
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session")
def app_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database URL of the demo app the browser tests share."""
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"


@pytest.fixture(scope="session")
def app_url(app_database: str) -> Iterator[str]:
    """The demo app on a temp SQLite file."""
    folder = Path(app_database.removeprefix("sqlite:///")).parent
    url, process = start_server(app_database, folder / "streamlit.log")
    yield url
    process.terminate()
    process.wait(timeout=15)


@contextlib.contextmanager
def as_demo_coach(database: str) -> Iterator[tuple[Session, int]]:
    """The shared app's database, read beside the browser: a session and the demo coach's id."""
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            coach = select(Coach.id).where(Coach.username == DEMO_USERNAME)
            yield session, session.scalars(coach).one()
    finally:
        engine.dispose()


def double_click(page: Page, target: Locator) -> None:
    """A coach's double click, by the mouse: the second click lands on whatever the first
    left there (Playwright's own dblclick waits for the element and never shows that)."""
    box = target.bounding_box()
    assert box is not None
    for pause in (10, 0):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(pause)


def open_tab(page: Page, name: str) -> None:
    """Open a tab and wait for the run that draws it (only the open tab is drawn)."""
    tab = page.get_by_role("tab", name=name)
    if tab.get_attribute("aria-selected") == "true":
        return  # open already: a click asks for no run
    asked = page.evaluate("() => window.__afrondingRuns.asked")
    tab.click()
    page.wait_for_function(f"() => window.__afrondingRuns.asked > {asked}", timeout=10_000)
    wait_idle(page)


def unfold(page: Page, opener: Locator) -> None:
    """Open an expander or popover and wait until it has finished sliding open."""
    # While it slides open the form moves under the pointer, and a click there is lost.
    asked = page.evaluate("() => window.__afrondingRuns.asked")
    opener.click()
    # A lazy popover asks for a run that draws its content; an expander asks for none.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(f"() => window.__afrondingRuns.asked > {asked}", timeout=1_000)
    wait_idle(page)
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getComputedTiming().endTime === Infinity)"
    )


def log_in(page: Page, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> None:
    """Fill in and submit the login form; wait for the navigation to appear."""
    wait_login_ready(page)
    page.get_by_role("textbox", name="Gebruikersnaam").fill(username)
    page.get_by_role("textbox", name="Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=20_000)
    wait_idle(page)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot (the whole page, or what the screen shows) under test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let charts and tables finish their first paint
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def clock_seconds(clock: str) -> int:
    """The live clock's text ("12:34" or "+1:05") in seconds."""
    minutes, seconds = clock.lstrip("+").split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def start_live_closing(page: Page) -> None:
    """From the sidebar, start a 90-minute closing for the first candidate (or go on with
    the closing that runs: an earlier test in the same server may have started it)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Afrondingssessie").click()
    wait_idle(page)
    running = page.get_by_role("button", name="Verder met de lopende sessie")
    if running.count():
        running.click()
    else:
        page.get_by_label("Eén afrondingssessie van 90 minuten").check(force=True)
        wait_idle(page)
        page.get_by_role("button", name="Start de afronding").click()
    expect(page).to_have_url(re.compile(r"sessie=\d+"), timeout=15_000)
    # The address changes before the live page is drawn (the server reruns by itself): wait
    # for the live closing's own heading.
    expect(page.locator(".st-key-closing_title h1")).to_be_visible(timeout=20_000)


def make_form_link(page: Page, name: str | None = None) -> str:
    """Open the client `name` (or the first one needing attention) and make an
    evaluation-form link; returns the link."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Cliënten").click()
    wait_idle(page)
    if name is None:
        page.get_by_role("link", name="Openen").first.click()
    else:
        page.get_by_label("Zoek op naam").fill(name)
        page.get_by_label("Zoek op naam").press("Enter")
        wait_idle(page)
        table = page.get_by_test_id("stDataFrame").first
        table.scroll_into_view_if_needed()
        grid = table.bounding_box()
        assert grid is not None
        page.mouse.click(grid["x"] + 18, grid["y"] + 54)  # the first row's selection box
        expect(page.get_by_role("heading", level=1).first).to_have_text(name, timeout=15_000)
    wait_idle(page)
    page.get_by_role("radio", name="Formulieren").click()
    page.get_by_role("button", name="Link maken").click()
    code = page.get_by_test_id("stCode").first
    expect(code).to_contain_text("/formulier?t=", timeout=15_000)
    return code.inner_text().strip()


def fill_in_evaluation(form: Page, *, progress: int, changes: str, recommend: int) -> None:
    """As the client: answer the evaluation form's required questions (not yet sent)."""
    expect(form.get_by_role("heading", name="Terugblik op je traject")).to_be_visible(
        timeout=30_000
    )
    wait_idle(form)
    # What a screen reader reads: the question as it is, a required one with its *.
    for question in ("Hoe ver ben je gekomen?", "Hoe waarschijnlijk is het"):
        expect(form.get_by_label(question, exact=False)).to_have_accessible_name(
            re.compile(r"^[^\\]+ \*$")
        )
    form.get_by_label("Hoe ver ben je gekomen?", exact=False).fill(str(progress))
    form.get_by_label("Wat zijn de belangrijkste veranderingen voor jou?").fill(changes)
    form.get_by_label("Hoe waarschijnlijk is het", exact=False).fill(str(recommend))
