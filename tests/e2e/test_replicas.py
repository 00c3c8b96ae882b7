"""Two app replicas on one PostgreSQL: nothing that must survive lives in process memory."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import start_server, wait_idle
from tests.conftest import scratch_postgres
from tests.e2e.conftest import (
    clock_seconds,
    fill_in_evaluation,
    log_in,
    make_form_link,
    start_live_closing,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    # The replicas seed the demo practice into an empty database.
    with scratch_postgres("the replica test needs PostgreSQL") as url:
        folder = tmp_path_factory.mktemp("replicas")
        first, one = start_server(url, folder / "one.log")
        second, two = start_server(url, folder / "two.log")
        yield first, second
        for process in (one, two):
            process.terminate()
            process.wait(timeout=15)


def _logged_in(browser: Browser, base: str) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 1300}).new_page()
    page.goto(base)
    wait_idle(page)
    log_in(page)
    return page


def test_a_closing_session_runs_on_both_replicas(
    browser: Browser, replicas: tuple[str, str]
) -> None:
    first, second = replicas
    a = _logged_in(browser, first)
    start_live_closing(a)
    a.get_by_role("button", name="Volgende stap").click()
    wait_idle(a)
    expect(a.locator(".af-phase")).to_have_text("Evaluatie")
    session_id = re.search(r"sessie=(\d+)", a.url).group(1)  # type: ignore[union-attr]

    b = _logged_in(browser, second)
    b.goto(f"{second}/afrondingssessie?sessie={session_id}")
    expect(b.locator(".af-phase")).to_have_text("Evaluatie", timeout=20_000)
    on_a = clock_seconds(a.get_by_test_id("closing-time").inner_text())
    on_b = clock_seconds(b.get_by_test_id("closing-time").inner_text())
    assert abs(on_a - on_b) <= 3  # the same clock, read from the same stored moments


def test_a_form_made_on_one_replica_is_filled_in_through_the_other(
    browser: Browser, replicas: tuple[str, str]
) -> None:
    first, second = replicas
    coach = _logged_in(browser, first)
    token = make_form_link(coach).split("t=", 1)[1]

    client = browser.new_context().new_page()
    client.goto(f"{second}/formulier?t={token}")
    fill_in_evaluation(client, progress=7, changes="Via de tweede server ingevuld", recommend=8)
    client.get_by_role("button", name="Versturen").click()
    expect(client.get_by_role("heading", name="Dank je wel")).to_be_visible(timeout=15_000)

    coach.reload()
    wait_idle(coach)
    expect(coach.get_by_text("Via de tweede server ingevuld").first).to_be_visible(timeout=20_000)
