"""The closing in the room, in chromium: nothing typed is lost, the clock stays in view."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import start_server, wait_idle
from tests.conftest import scratch_postgres
from tests.e2e.conftest import (
    fill_in_evaluation,
    log_in,
    make_form_link,
    screenshot,
    start_live_closing,
    unfold,
)

pytestmark = pytest.mark.e2e
PARAGRAPH = (
    "Ik plan elke vrijdag een kwartier om terug te kijken op mijn week en kies dan welke "
    "twee dingen voorgaan. Als het druk wordt, zeg ik eerst nee en denk ik daarna pas na "
    "over wat er wel kan. Mijn partner vraagt ernaar."
)[:200]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def room_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo app on SQLite (the shared server) and on an emptied PostgreSQL of its own."""
    if request.param == "sqlite":
        yield request.getfixturevalue("app_url")
        return
    with scratch_postgres("these browser tests need PostgreSQL") as database:
        folder = tmp_path_factory.mktemp("room-postgres")
        url, process = start_server(database, folder / "streamlit.log")
        yield url
        process.terminate()
        process.wait(timeout=15)


def _logged_in(page: Page, url: str, width: int = 1024, height: int = 768) -> None:
    """Open the app at a laptop's 1024×768 and log in as the demo coach."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    wait_idle(page)
    log_in(page)


def _choose_client(page: Page, name: str) -> None:
    """On the start form, pick the client by name."""
    # Typed, as a coach with many clients does: the list shows only its first options.
    choice = page.get_by_label("Cliënt en traject")
    choice.click()
    choice.press_sequentially(name, delay=30)
    page.get_by_role("option", name=re.compile(re.escape(name))).first.click()
    wait_idle(page)


def test_the_clients_answers_survive_a_coach_edit_a_reload_and_the_ending(
    page: Page, browser: Browser, room_url: str
) -> None:
    _logged_in(page, room_url)
    # A client the closing can start for: the earlier browser tests on this shared server
    # end some closings, so the first client of another list need not be one.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Afrondingssessie").click()
    wait_idle(page)
    page.get_by_label("Cliënt en traject").click()
    option = page.get_by_role("option").filter(has_not_text="loopt nu").first
    name = option.inner_text().split(" — ")[0].strip()
    page.keyboard.press("Escape")
    link = make_form_link(page, name)

    client = browser.new_context(viewport={"width": 390, "height": 844})
    form = client.new_page()
    form.goto(link)
    fill_in_evaluation(form, progress=7, changes="Ik plan mijn week zelf", recommend=9)
    form.get_by_label("Welk inzicht neem je mee?").fill("Nee zeggen mag")
    form.get_by_label("Wat was het waardevolst aan de coaching?").fill("De rust in de sessies")
    form.get_by_label("Wat had anders of beter gekund?").fill("Meer huiswerk")
    form.get_by_role("button", name="Versturen").click()
    expect(form.get_by_role("heading", name="Dank je wel")).to_be_visible(timeout=15_000)
    client.close()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Afrondingssessie").click()
    wait_idle(page)
    _choose_client(page, name)
    page.get_by_label("Eén afrondingssessie van 90 minuten").check(force=True)
    wait_idle(page)
    page.get_by_role("button", name="Start de afronding").click()
    expect(page).to_have_url(re.compile(r"sessie=\d+"), timeout=15_000)
    wait_idle(page)
    page.get_by_role("button", name="Volgende stap").click()  # opening → evaluation
    wait_idle(page)

    better = page.get_by_label("Wat had beter gekund?")
    expect(better).to_have_value("Meer huiswerk")
    better.click()
    better.press("End")
    better.press_sequentially(", en eerder aan de borging beginnen", delay=50)
    page.keyboard.press("Tab")
    wait_idle(page)
    page.reload()
    wait_idle(page)
    expect(page.get_by_label("Wat had beter gekund?")).to_have_value(
        "Meer huiswerk, en eerder aan de borging beginnen", timeout=20_000
    )
    expect(page.get_by_label("Doelscore nu (1–10)")).to_have_value("7")
    expect(page.get_by_label("Belangrijkste veranderingen")).to_have_value("Ik plan mijn week zelf")
    expect(page.get_by_label("Inzicht dat de cliënt meeneemt")).to_have_value("Nee zeggen mag")
    expect(page.get_by_label("Wat was het meest waardevol?")).to_have_value("De rust in de sessies")
    expect(page.get_by_text("Cliënt schreef: Meer huiswerk")).to_be_visible()

    unfold(page, page.get_by_role("button", name="Sessie afronden"))
    page.get_by_role("button", name="Ja, afronden").click()
    expect(page.get_by_text("Geplande follow-ups")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Doelscore nu (1–10) · 7")).to_be_visible()
    expect(page.get_by_text("Belangrijkste veranderingen · Ik plan mijn week zelf")).to_be_visible()
    page.reload()  # an ended closing shows its summary again, not the controls
    wait_idle(page)
    expect(page.get_by_text("Doelscore nu (1–10) · 7")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Volgende stap")).to_have_count(0)


def test_a_reload_keeps_what_was_typed_without_leaving_the_field(
    page: Page, browser: Browser, room_url: str
) -> None:
    _logged_in(page, room_url)
    link = make_form_link(page)
    start_live_closing(page)
    wait_idle(page)
    page.get_by_role("radio", name="Borging").click()
    wait_idle(page)
    field = page.get_by_label("Belangrijkste verandering / nieuw gedrag")
    field.click()
    field.press("Control+End")
    before = len(field.input_value())
    field.press_sequentially(PARAGRAPH, delay=60)
    # Reloaded at once, never leaving the field: the last words were typed within the pause
    # before the text is sent, and come back from the browser's copy.
    page.reload()  # opens the part the coach was typing in
    wait_idle(page)
    kept = page.get_by_label("Belangrijkste verandering / nieuw gedrag")
    expect(kept).to_have_value(re.compile(re.escape(PARAGRAPH) + "$"), timeout=10_000)
    before_logout = len(kept.input_value())
    kept.press_sequentially(" Nog niet verstuurd.", delay=10)
    page.get_by_role("button", name="Uitloggen").click()  # a shared laptop: the next coach
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=15_000)
    page.wait_for_function(
        "!Object.keys(localStorage).some(k => k.startsWith('afronding:coach:'))", timeout=10_000
    )
    assert before_logout - before == len(PARAGRAPH)

    client = browser.new_context(viewport={"width": 390, "height": 844})  # the client's phone
    form = client.new_page()
    form.goto(link)
    expect(form.get_by_role("heading", name="Terugblik op je traject")).to_be_visible(
        timeout=30_000
    )
    wait_idle(form)
    answer = form.get_by_label("Wat zijn de belangrijkste veranderingen voor jou?")
    answer.click()
    answer.press_sequentially(PARAGRAPH, delay=60)
    form.wait_for_timeout(2500)
    form.reload()
    expect(form.get_by_label("Wat zijn de belangrijkste veranderingen voor jou?")).to_have_value(
        PARAGRAPH, timeout=30_000
    )
    screenshot(form, "42-client-form-after-reload")
    client.close()


@pytest.mark.parametrize(
    ("width", "height"), [(1024, 768), (1280, 800), (768, 1024)], ids=["laptop", "wide", "tablet"]
)
def test_the_clock_stays_in_view_whatever_field_the_coach_types_in(
    page: Page, room_url: str, width: int, height: int
) -> None:
    _logged_in(page, room_url)
    start_live_closing(page)
    wait_idle(page)
    page.set_viewport_size({"width": width, "height": height})  # a tablet hides the sidebar
    page.reload()
    wait_idle(page)
    # An earlier test on this server may have left the closing in a later phase: look at the
    # evaluation part whatever phase the clock is in.
    page.get_by_role("radio", name="Evaluatie").click()
    wait_idle(page)
    clock = page.get_by_test_id("closing-time")
    capture = page.locator(".st-key-closing_capture")
    first = capture.locator("textarea, input:not([type='checkbox']):not([type='radio'])").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] < 768, f"the first field starts at y={box}"
    if (width, height) == (1024, 768):
        screenshot(page, "32-closing-1024", full_page=False)
    focused = 0
    for part in ("Evaluatie", "Borging", "Afsluiting"):
        page.get_by_role("radio", name=part).click()
        wait_idle(page)
        fields = capture.locator("textarea, input")
        for index in range(fields.count()):
            fields.nth(index).focus()
            page.wait_for_timeout(150)
            # The whole clock, on screen (retried a moment: it redraws every second).
            expect(clock, f"{part}, field {index}").to_be_in_viewport(ratio=1, timeout=3_000)
            focused += 1
    assert focused >= 20
    # Streamlit's English hints never show in the Dutch interface.
    expect(page.locator("[data-testid='InputInstructions']:visible")).to_have_count(0)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo app of its own: this flow needs a client no other test has touched."""
    folder = tmp_path_factory.mktemp("two-sessions")
    url, process = start_server(f"sqlite:///{folder / 'two.db'}", folder / "streamlit.log")
    yield url
    process.terminate()
    process.wait(timeout=15)


def test_two_sessions_evaluation_then_homework_then_borging_and_goodbye(
    page: Page, browser: Browser, own_server: str
) -> None:
    _logged_in(page, own_server)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Afrondingssessie").click()
    wait_idle(page)
    page.get_by_label("Sessie −1 van 60 minuten", exact=False).check(force=True)
    wait_idle(page)
    page.get_by_role("button", name="Start de afronding").click()
    expect(page).to_have_url(re.compile(r"sessie=\d+"), timeout=15_000)
    wait_idle(page)
    name = page.locator(".st-key-closing_title h1").inner_text().split("·")[0].strip()
    unfold(page, page.get_by_role("button", name="Sessie afronden"))
    page.get_by_role("button", name="Ja, afronden").click()
    expect(page.get_by_text("Sessie −1 is klaar")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Borgingsplan-huiswerk sturen").click()
    code = page.get_by_test_id("stCode").first
    expect(code).to_contain_text("/formulier?t=", timeout=15_000)
    link = code.inner_text().strip()
    unfold(page, page.get_by_text("De link mailen"))
    mail = page.get_by_role("link", name="Openen in je mailprogramma")
    expect(mail).to_have_attribute("href", re.compile(r"subject=Je%20borgingsplan.*Beste%20"))

    client = browser.new_context(viewport={"width": 390, "height": 844})
    form = client.new_page()
    form.goto(link)
    expect(form.get_by_role("heading", name="Je borgingsplan")).to_be_visible(timeout=30_000)
    wait_idle(form)
    answers = {
        "Mijn belangrijkste verandering of nieuwe gedrag": "Ik plan eerst mijn eigen blokken",
        "Situaties waarin ik kan terugvallen": "Als er een deadline aankomt",
        "Wat ik doe als ik merk dat ik terugval": "Mijn lijstje erbij pakken",
        "Wie mij erop mag aanspreken": "Mijn partner",
        "Hoe ik mezelf over ongeveer drie maanden check": "Dit plan teruglezen",
    }
    for label, text in answers.items():
        form.get_by_label(label).fill(text)
    form.get_by_role("button", name="Versturen").click()
    expect(form.get_by_role("heading", name="Dank je wel")).to_be_visible(timeout=15_000)
    client.close()

    page.get_by_role("button", name="Nieuwe afronding starten").click()
    wait_idle(page)
    _choose_client(page, name)
    expect(page.get_by_label("Sessie 0 van 60 minuten", exact=False)).to_be_checked()
    page.get_by_role("button", name="Start de afronding").click()
    expect(page).to_have_url(re.compile(r"sessie=\d+"), timeout=15_000)
    wait_idle(page)
    page.get_by_role("radio", name="Borging").click()
    wait_idle(page)
    expect(page.get_by_label("Belangrijkste verandering / nieuw gedrag")).to_have_value(
        "Ik plan eerst mijn eigen blokken", timeout=15_000
    )
    expect(page.get_by_label("Wie spreekt de cliënt erop aan?")).to_have_value("Mijn partner")
    screenshot(page, "33-session-0-with-homework")


def test_the_ticking_clock_follows_a_logout_on_another_device(
    browser: Browser, tmp_path: Path
) -> None:
    # A server of its own: the closing it starts takes one of the demo's sessions of today.
    app_url, server = start_server(f"sqlite:///{tmp_path / 'app.db'}", tmp_path / "server.log")
    laptop, tablet = (browser.new_context().new_page() for _ in range(2))
    _logged_in(laptop, app_url)
    start_live_closing(laptop)
    expect(laptop.get_by_test_id("closing-time")).to_be_visible()
    _logged_in(tablet, app_url)
    tablet.get_by_role("button", name="Uitloggen").click()
    expect(tablet.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
    # Nobody touches the laptop: a next tick of its clock notices, and shows the login page.
    expect(laptop.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=10_000)
    expect(laptop.get_by_test_id("closing-time")).to_have_count(0)
    for page in (laptop, tablet):
        page.context.close()
    server.terminate()
    server.wait(timeout=15)
