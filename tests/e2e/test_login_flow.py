"""A coach in a real browser: log in, see the demo practice, every page, log out for good."""

import base64
import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from core.accounts import create_coach
from db.demo import DEMO_PASSWORD
from db.engine import make_engine
from tests.browser import start_server, wait_idle, wait_login_ready
from tests.e2e.conftest import log_in, screenshot, start_live_closing, unfold

pytestmark = pytest.mark.e2e

PAGES = ["Cliënten", "Afrondingssessie", "Evaluatietrends", "Follow-ups", "Instellingen"]


def test_a_coach_logs_in_visits_every_page_and_stays_logged_out(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    expect(page.get_by_text("Demo: log in met gebruikersnaam")).to_be_visible()
    screenshot(page, "01-login")

    log_in(page)
    expect(page.get_by_text("Sessies vandaag")).to_be_visible()
    # The demo practice has closings today and overdue follow-ups: no metric reads 0.
    values = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert len(values) == 4 and "0" not in values
    expect(page.get_by_test_id("stDataFrame")).to_have_count(3)
    screenshot(page, "02-vandaag")

    navigation = page.get_by_test_id("stSidebarNav")
    for number, title in enumerate(PAGES, start=3):
        navigation.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1).first).to_have_text(title)
        wait_idle(page)
        screenshot(page, f"{number:02d}-{title.lower().replace('ë', 'e')}")

    page.reload()  # the cookie keeps the coach logged in, on the same page
    expect(page.get_by_role("heading", level=1).first).to_have_text("Instellingen")
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_idle(page)

    # The login library deletes the cookie from a component frame, which a quick rerun can
    # remove before it ran: the page itself must drop the cookie, even without that frame.
    page.route("**/component/extra_streamlit_components.CookieManager*/**", lambda r: r.abort())
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
    _wait_for_login_cookie(page, present=False)
    page.unroute("**/component/extra_streamlit_components.CookieManager*/**")

    # Logging in again in the same tab keeps the login across a reload: the cookie was lost
    # two times in three, right after a logout.
    for _ in range(3):
        log_in(page)
        _wait_for_login_cookie(page, present=True)
        page.get_by_role("button", name="Uitloggen").click()
        expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
        _wait_for_login_cookie(page, present=False)
        page.wait_for_timeout(1_500)  # a coach takes a moment before logging in again
    log_in(page)
    _wait_for_login_cookie(page, present=True)
    page.reload()
    expect(page.get_by_role("heading", level=1).first).to_have_text("Instellingen")
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
    _wait_for_login_cookie(page, present=False)
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert not _login_cookies(page)


def _login_cookies(page: Page) -> list[object]:
    return [c for c in page.context.cookies() if c["name"] == "afronding_login"]


def _wait_for_login_cookie(page: Page, *, present: bool) -> None:
    """The browser stores or removes the cookie a moment after the page has been drawn."""
    # A reload within that moment cancels it; a coach never reloads that fast.
    for _ in range(50):
        if bool(_login_cookies(page)) is present:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"10 s on, the login cookie is still {'missing' if present else 'there'}")


def test_an_old_tab_never_ends_the_next_login_in_the_same_browser(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    _wait_for_login_cookie(page, present=True)
    old = page.context.new_page()  # a second tab, logged in by the cookie
    old.goto(app_url)
    expect(old.get_by_test_id("stSidebarNav")).to_be_visible(timeout=20_000)
    wait_idle(old)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
    _wait_for_login_cookie(page, present=False)
    page.wait_for_timeout(1_500)
    log_in(page)  # the next login at this laptop
    _wait_for_login_cookie(page, present=True)
    # The old tab learns of the logout (from the cookie's change, or the next click in it)
    # and forgets its login ...
    old.wait_for_timeout(2_000)
    if old.get_by_test_id("stSidebarNav").is_visible():
        old.get_by_test_id("stSidebarNav").get_by_role("link", name="Cliënten").click()
    wait_idle(old)
    old.wait_for_timeout(2_000)
    # ... but the browser's new login stays.
    assert _login_cookies(page)
    page.reload()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=20_000)
    old.close()


LOADED_AHEAD = """() => performance.getEntriesByType("resource")
  .some((entry) => /\\/static\\/js\\/DataFrame\\.[^/]*\\.js$/.test(entry.name))"""


def test_the_login_page_loads_vandaags_code_while_the_coach_types(page: Page, app_url: str) -> None:
    # Vandaag's figures and tables waited for their elements' code after the login.
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(app_url)
    wait_login_ready(page)
    page.wait_for_function(LOADED_AHEAD, timeout=15_000)
    assert not errors  # the warm-up's own script included
    expect(page.get_by_test_id("stMetric")).to_have_count(1)  # drawn for its code, unseen
    expect(page.get_by_test_id("stMetric")).to_be_hidden()
    log_in(page)
    expect(page.get_by_test_id("stMetric")).to_have_count(4)
    for figure in page.get_by_test_id("stMetric").all():
        expect(figure).to_be_visible()


def test_a_deep_link_lands_on_its_page_after_logging_in(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/follow-ups")
    wait_idle(page)
    expect(page.get_by_text("Sessies vandaag")).to_have_count(0)
    log_in(page)
    expect(page.get_by_role("heading", level=1).first).to_have_text("Follow-ups")


def test_a_wrong_password_is_refused_in_the_browser(page: Page, app_url: str) -> None:
    page.goto(app_url)
    wait_login_ready(page)
    page.get_by_role("textbox", name="Gebruikersnaam").fill("demo")
    page.get_by_role("textbox", name="Wachtwoord").fill("Verkeerd-1234")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("klopt niet")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_a_deep_link_to_a_fresh_server_still_meets_the_login_gate(
    page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The first request after a start is special: Streamlit may run the file from pages/
    # directly, before app.py has declared its navigation.
    folder = tmp_path_factory.mktemp("fresh")
    url, process = start_server(f"sqlite:///{folder / 'fresh.db'}", folder / "streamlit.log")
    try:
        page.goto(f"{url}/clients")
        expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=30_000)
        wait_idle(page)
        expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
        expect(page.get_by_text("Sessies vandaag")).to_have_count(0)
        log_in(page)
        expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("client forms")
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_next_coach_on_a_shared_laptop_sees_nothing_of_the_previous_one(
    page: Page, app_url: str, app_database: str
) -> None:
    page.goto(app_url)  # the first visit migrates and fills the demo database
    wait_idle(page)
    engine = make_engine(app_database)
    with Session(engine) as session, session.begin():
        create_coach(
            session,
            username="bram",
            display_name="Bram Tweede",
            email="bram@example.org",
            password="Tweede-coach-77",
        )
    engine.dispose()
    log_in(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Cliënten").click()
    wait_idle(page)
    page.get_by_label("Zoek op naam").fill("Vera")
    page.keyboard.press("Enter")
    wait_idle(page)
    start_live_closing(page)
    wait_idle(page)
    client = page.locator(".st-key-closing_title h1").inner_text().split("·")[0].strip()
    unfold(page, page.get_by_role("button", name="Sessie afronden"))
    page.get_by_role("button", name="Ja, afronden").click()
    expect(page.get_by_text("Geplande follow-ups")).to_be_visible(timeout=15_000)

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
    wait_idle(page)
    log_in(page, "bram", "Tweede-coach-77")
    for title in ("Afrondingssessie", "Cliënten", "Vandaag"):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
        wait_idle(page)
        expect(page.get_by_text(client)).to_have_count(0)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Cliënten").click()
    wait_idle(page)
    expect(page.get_by_label("Zoek op naam")).to_have_value("")


def _unsigned(header: dict[str, object], claims: dict[str, object]) -> str:
    """A login cookie that was never signed with the app's key."""

    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


@pytest.mark.parametrize(
    "token",
    [
        _unsigned({"alg": "none", "typ": "JWT"}, {"username": "demo", "exp_date": 9999999999}),
        _unsigned({"alg": "HS256", "typ": "JWT"}, {"username": "demo", "exp_date": "morgen"}),
        "geen-token",
    ],
    ids=["alg-none", "text-expiry", "garbage"],
)
def test_a_malformed_login_cookie_gives_the_login_page(
    page: Page, app_url: str, token: str
) -> None:
    page.context.add_cookies([{"name": "afronding_login", "value": token, "url": app_url}])
    page.goto(app_url)
    wait_idle(page)
    expect(page.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def _guess(page: Page, username: str, password: str) -> str:
    """Submit the login form once; the message it answers with."""
    wait_login_ready(page)
    page.get_by_role("textbox", name="Gebruikersnaam").fill(username)
    page.get_by_role("textbox", name="Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    wait_idle(page)
    alert = page.get_by_test_id("stAlertContentError").last
    expect(alert).to_be_visible(timeout=15_000)
    return alert.get_by_test_id("stMarkdownContainer").inner_text()  # without the icon


def test_guessing_passwords_slows_down_with_the_same_answers_for_unknown_usernames(
    page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    answers: dict[str, list[str]] = {}
    for username in ("niemand", "demo"):  # each on a server of its own: nothing counted yet
        folder = tmp_path_factory.mktemp(f"guess-{username}")
        url, process = start_server(f"sqlite:///{folder / 'app.db'}", folder / "streamlit.log")
        try:
            page.goto(url)
            wait_idle(page)
            answers[username] = [_guess(page, username, f"Gok-{n}-fout") for n in range(6)]
            if username == "demo":
                screenshot(page, "07-login-wait", full_page=False)
                page.wait_for_timeout(2_500)  # the wait after five failures has passed
                log_in(page)
        finally:
            process.terminate()
            process.wait(timeout=15)
    wrong = "Deze combinatie van gebruikersnaam en wachtwoord klopt niet. Probeer het opnieuw."
    for said in answers.values():
        assert said[:5] == [wrong] * 5
        assert said[5].startswith("Te veel mislukte pogingen achter elkaar.")
    # Nothing tells who has an account (the wait left may differ by a second).
    same = {
        name: [re.sub(r"Wacht .* en probeer", "Wacht", a) for a in said]
        for name, said in answers.items()
    }
    assert same["niemand"] == same["demo"]


def test_a_new_password_keeps_this_browser_and_logs_out_the_other(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("password")
    url, process = start_server(f"sqlite:///{folder / 'app.db'}", folder / "streamlit.log")
    new = "de kat slaapt op de wasmachine"
    try:
        here, there = (browser.new_context().new_page() for _ in range(2))
        for page in (here, there):
            page.goto(url)
            wait_idle(page)
            log_in(page)
        here.get_by_test_id("stSidebarNav").get_by_role("link", name="Instellingen").click()
        wait_idle(here)
        here.get_by_label("Huidig wachtwoord").fill(DEMO_PASSWORD)
        here.get_by_label("Nieuw wachtwoord", exact=True).fill(new)
        here.get_by_label("Nieuw wachtwoord, nog een keer").fill(new)
        before = _login_cookies(here)
        here.get_by_role("button", name="Wachtwoord wijzigen").click()
        expect(here.get_by_text("Je wachtwoord is gewijzigd.")).to_be_visible(timeout=15_000)
        for _ in range(100):  # the browser stores the new login cookie
            if _login_cookies(here) != before:
                break
            here.wait_for_timeout(100)
        assert _login_cookies(here) != before, "the new login cookie never arrived"
        wait_idle(here)
        here.reload()  # the new cookie keeps this browser logged in
        expect(here.get_by_role("heading", level=1).first).to_have_text("Instellingen")
        there.get_by_test_id("stSidebarNav").get_by_role("link", name="Cliënten").click()
        expect(there.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
        there.reload()  # its old cookie opens nothing either
        wait_idle(there)
        expect(there.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible()
        log_in(there, password=new)
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_logout_in_one_browser_ends_the_login_in_the_other(
    browser: Browser, app_url: str
) -> None:
    laptop, tablet = (browser.new_context().new_page() for _ in range(2))
    for page in (laptop, tablet):
        page.goto(app_url)
        wait_idle(page)
        log_in(page)
    tablet.get_by_test_id("stSidebarNav").get_by_role("link", name="Cliënten").click()
    wait_idle(tablet)
    laptop.get_by_role("button", name="Uitloggen").click()
    expect(laptop.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
    tablet.get_by_test_id("stSidebarNav").get_by_role("link", name="Vandaag").click()
    expect(tablet.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible(timeout=15_000)
    expect(tablet.get_by_text("Sessies vandaag")).to_have_count(0)
    tablet.reload()  # the tablet's cookie was issued before the logout: it opens nothing
    wait_idle(tablet)
    expect(tablet.get_by_role("textbox", name="Gebruikersnaam")).to_be_visible()
    for page in (laptop, tablet):
        page.context.close()
