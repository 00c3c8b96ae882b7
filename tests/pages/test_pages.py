"""Every page renders for a logged-in coach; settings save whole or not at all."""

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.test_login import PAGES

TITLES = {
    "pages/clients.py": "Cliënten",
    "pages/closing_session.py": "Afrondingssessie",
    "pages/trends.py": "Evaluatietrends",
    "pages/follow_ups.py": "Follow-ups",
    "pages/settings.py": "Instellingen",
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_a_logged_in_coach(
    open_page: Callable[[str], AppTest], page: str
) -> None:
    app = open_page(page)
    assert not app.exception
    assert app.title[0].value == TITLES.get(page, app.title[0].value)
    assert not [e for e in app.markdown if "⟨" in str(e.value)]  # no missing catalog keys


def test_choosing_english_changes_the_whole_interface(open_page: Callable[[str], AppTest]) -> None:
    app = open_page("pages/settings.py")
    app.radio(key="settings_language").set_value("en")
    app.button[0].click().run()
    assert not app.exception
    assert app.title[0].value == "Settings"
    assert app.success[0].value == "Saved."
    # The sidebar too, at once (AppTest keeps the navigation's pages in a private field).
    titles = {page["page_name"] for page in app._registered_pages.values()}
    assert {"Today", "Clients", "Settings"} <= titles
    app.switch_page("pages/overview.py").run()
    assert "Sessions today" in [m.label for m in app.metric]


def test_an_empty_name_is_refused_beside_the_field(open_page: Callable[[str], AppTest]) -> None:
    app = open_page("pages/settings.py")
    app.text_input(key="settings_name").input("   ")
    app.button[0].click().run()
    assert not app.exception
    assert [e.value for e in app.error] == ["Vul een naam in van hoogstens 120 tekens."]
    assert app.text_input(key="settings_name").value == "   "  # what was typed stays
    app.switch_page("pages/overview.py").run()
    assert app.title[0].value.endswith(", Marieke")  # nothing was saved


@pytest.mark.parametrize("page", ["pages/clients.py", "pages/trends.py", "pages/follow_ups.py"])
def test_a_download_leaves_the_page_as_it_is(
    open_page: Callable[[str], AppTest], page: str
) -> None:
    # A download that reruns the page renews its own button mid-fetch; under load the
    # browser then waited for the file forever.
    downloads = open_page(page).get("download_button")
    assert downloads
    assert all(button.proto.ignore_rerun for button in downloads)
