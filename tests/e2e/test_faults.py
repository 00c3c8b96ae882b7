"""Faults as a client meets them, in chromium: the database goes away and comes back."""

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import make_url

from core.client_forms import token_hash
from tests.browser import start_server, wait_idle
from tests.conftest import scratch_postgres
from tests.e2e.conftest import log_in, make_form_link, start_live_closing
from tests.relay import Relay

pytestmark = pytest.mark.e2e
CHANGES = "Wat zijn de belangrijkste veranderingen voor jou?"


@pytest.fixture(scope="module")
def relayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Relay]]:
    """The demo app on PostgreSQL reached through a relay the test can cut."""
    with scratch_postgres("this browser test needs PostgreSQL") as database:
        target = make_url(database)
        relay = Relay(target.host or "127.0.0.1", target.port or 5432)
        through = target.set(host="127.0.0.1", port=relay.port)
        folder = tmp_path_factory.mktemp("faults")
        url, process = start_server(
            through.render_as_string(hide_password=False), folder / "streamlit.log"
        )
        yield url, relay
        process.terminate()
        process.wait(timeout=15)
        relay.close()


def _type(form: Page, label: str, text: str) -> None:
    field = form.get_by_label(label)
    field.click()
    field.press_sequentially(text, delay=15)


def test_a_client_loses_nothing_while_the_database_is_down(
    page: Page, browser: Browser, relayed: tuple[str, Relay]
) -> None:
    url, relay = relayed
    page.goto(url)
    wait_idle(page)
    log_in(page)
    link = make_form_link(page)

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    form = phone.new_page()
    form.goto(link)
    expect(form.get_by_role("heading", name="Terugblik op je traject")).to_be_visible(
        timeout=30_000
    )
    wait_idle(form)
    form.get_by_label("Hoe ver ben je gekomen?", exact=False).fill("7")
    form.get_by_label("Hoe waarschijnlijk is het", exact=False).fill("9")
    _type(form, CHANGES, "Ik plan mijn week. ")
    form.wait_for_timeout(1500)  # kept as a draft

    relay.cut()
    _type(form, CHANGES, "En ik zeg vaker nee.")
    form.get_by_role("button", name="Versturen").click()
    expect(form.get_by_text("Versturen lukte even niet", exact=False)).to_be_visible(timeout=20_000)
    expect(form.get_by_label(CHANGES)).to_have_value("Ik plan mijn week. En ik zeg vaker nee.")
    form.get_by_role("button", name="Versturen").click()  # again, still down
    wait_idle(form)
    expect(form.get_by_label(CHANGES)).to_have_value("Ik plan mijn week. En ik zeg vaker nee.")

    form.reload()  # a reload while it is down: a calm page, nothing typed is gone
    expect(form.get_by_text("kan op dit moment niet geopend worden", exact=False)).to_be_visible(
        timeout=20_000
    )
    form.wait_for_timeout(10_000)
    relay.restore()
    form.reload()
    expect(form.get_by_label(CHANGES)).to_have_value(
        "Ik plan mijn week. En ik zeg vaker nee.", timeout=30_000
    )  # back from the browser's copy
    wait_idle(form)
    form.get_by_role("button", name="Versturen").click()
    expect(form.get_by_role("heading", name="Dank je wel")).to_be_visible(timeout=20_000)
    # The thank-you page's component runs a moment after the page shows.
    form.wait_for_function(
        "Object.keys(localStorage).some(k => k.startsWith('afronding:sent:'))", timeout=10_000
    )
    stored = form.evaluate("Object.keys(localStorage).filter(k => k.startsWith('afronding:'))")
    # The copies of the answers are gone once they arrived; a note that they were sent stays.
    assert [key.split(":")[1] for key in stored] == ["sent"]
    phone.close()

    page.reload()
    wait_idle(page)
    expect(page.get_by_text("Ik plan mijn week. En ik zeg vaker nee.").first).to_be_visible(
        timeout=20_000
    )


def test_a_coach_loses_nothing_typed_in_the_closing_while_the_database_is_down(
    page: Page, relayed: tuple[str, Relay]
) -> None:
    url, relay = relayed
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(url)
    wait_idle(page)
    log_in(page)
    start_live_closing(page)
    wait_idle(page)
    page.get_by_role("radio", name="Borging").click()
    wait_idle(page)
    label = "Belangrijkste verandering / nieuw gedrag"
    field = page.get_by_label(label)
    field.click()
    field.press("Control+End")
    field.press_sequentially(" Eerst vragen.", delay=15)
    page.wait_for_timeout(1500)  # stored
    # Stored without its outer spaces, as every text is.
    typed = re.compile(
        r"^\s*" + re.escape(f"{field.input_value().strip()} Dan pas ja zeggen.") + "$"
    )

    relay.cut()
    field.press_sequentially(" Dan pas ja zeggen.", delay=15)
    # The save fails: the page says the database is away (the whole page may make way).
    expect(page.get_by_text("niet bereikbaar", exact=False).first).to_be_visible(timeout=20_000)
    relay.restore()
    page.reload()
    wait_idle(page)
    expect(page.get_by_label(label)).to_have_value(typed, timeout=30_000)  # the browser's copy
    page.wait_for_timeout(1500)  # sent again, and stored
    page.reload()
    wait_idle(page)
    expect(page.get_by_label(label)).to_have_value(typed, timeout=30_000)
    assert not page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('afronding:coach:'))"
    )  # the server has it all: no copy left behind


def _copy_key(link: str, field: str) -> str:
    token = parse_qs(urlsplit(link).query)["t"][0]
    return f"afronding:{token_hash(token)[:16]}:{field}"


def test_a_browser_copy_never_overwrites_newer_text_from_another_device(
    page: Page, browser: Browser, app_url: str
) -> None:
    page.goto(app_url)
    wait_idle(page)
    log_in(page)
    link = make_form_link(page)
    key = _copy_key(link, "main_changes")
    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = phone_context.new_page()
    phone.goto(link)
    wait_idle(phone)
    _type(phone, CHANGES, "Oud van de telefoon")
    phone.wait_for_timeout(1500)  # stored
    # Typed on the phone on top of that, but never sent (the phone lost its connection).
    keep = (
        "([k, t, b]) => localStorage.setItem(k, JSON.stringify({text: t, base: b, at: Date.now()}))"
    )
    phone.evaluate(keep, [key, "Oud van de telefoon, offline verder", "Oud van de telefoon"])

    laptop_context = browser.new_context()
    laptop = laptop_context.new_page()
    laptop.goto(link)
    wait_idle(laptop)
    expect(laptop.get_by_label(CHANGES)).to_have_value("Oud van de telefoon")
    laptop.get_by_label(CHANGES).fill("Nieuw van de laptop")
    laptop.get_by_label(CHANGES).blur()
    laptop.wait_for_timeout(1500)

    phone.reload()  # the server's text changed since the copy: the newer text wins
    expect(phone.get_by_label(CHANGES)).to_have_value("Nieuw van de laptop", timeout=20_000)
    assert phone.evaluate("k => localStorage.getItem(k)", key) is None

    # A copy typed on top of what the server still has comes back, and is sent.
    phone.evaluate(keep, [key, "Nieuw van de laptop, en meer", "Nieuw van de laptop"])
    phone.reload()
    expect(phone.get_by_label(CHANGES)).to_have_value(
        "Nieuw van de laptop, en meer", timeout=20_000
    )
    phone.wait_for_timeout(1500)
    laptop.reload()
    expect(laptop.get_by_label(CHANGES)).to_have_value(
        "Nieuw van de laptop, en meer", timeout=20_000
    )
    phone_context.close()
    laptop_context.close()
