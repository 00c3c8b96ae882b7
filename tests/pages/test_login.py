"""The login gate: nothing but the login form until a coach has logged in."""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select

from core.config import load_settings
from core.database import prepare_database
from core.login import LOCK_AFTER
from core.login import log_in as check_login
from core.timefmt import utc_now
from db.models import Coach
from pages._warm_up import UNSEEN_FIGURE, element_code
from tests.conftest import TODAY
from tests.pages.conftest import APP, figures, log_in, new_app, other_coachs_client

PAGES = [
    "pages/overview.py",
    "pages/clients.py",
    "pages/closing_session.py",
    "pages/trends.py",
    "pages/follow_ups.py",
    "pages/settings.py",
]


def _texts(app) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        str(e.value) for kind in ("title", "markdown", "info", "error") for e in getattr(app, kind)
    )


def test_logged_out_shows_only_the_login_form(app_env: Path) -> None:
    app = new_app()
    assert not app.exception
    assert [t.value for t in app.title] == ["Afronding"]
    assert [i.label for i in app.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert "demo" in app.info[0].value  # demo mode shows its login
    assert not figures(app) and not app.dataframe


LOGIN_PAGE_IMPORTS = f"""
import sys
from streamlit.testing.v1 import AppTest
from pages import _warm_up
_warm_up.AFTER_LOGIN = ()  # the background import of pandas and Altair, left out here
app = AppTest.from_file({APP!r}, default_timeout=60)
app.run()
assert [i.label for i in app.text_input] == ["Gebruikersnaam", "Wachtwoord"], app.exception
print(sorted(m for m in ("pandas", "altair", "alembic") if m in sys.modules))
"""


def test_the_login_page_shows_without_waiting_for_pandas_or_alembic(app_env: Path) -> None:
    # A fresh process, as a server started anew: pandas (through Streamlit's components) and
    # Alembic (on a database already migrated) cost a second before the login page showed.
    prepare_database(load_settings(), today=TODAY).kw["bind"].dispose()
    run = subprocess.run(
        [sys.executable, "-c", LOGIN_PAGE_IMPORTS],
        capture_output=True,
        text=True,
        cwd=Path(APP).parent,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("page", PAGES)
def test_a_deep_link_while_logged_out_still_shows_only_the_login(app_env: Path, page: str) -> None:
    app = new_app()
    app.switch_page(page).run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Afronding"]
    assert not figures(app) and not app.dataframe


@pytest.mark.parametrize(
    ("username", "password"), [("demo", "Fout-wachtwoord-1"), ("niemand", "Demo-coach-1")]
)
def test_a_wrong_login_says_so_without_hinting_whether_the_user_exists(
    app_env: Path, username: str, password: str
) -> None:
    app = log_in(new_app(), username, password)
    assert not app.exception
    assert [e.value for e in app.error] == [
        "Deze combinatie van gebruikersnaam en wachtwoord klopt niet. Probeer het opnieuw."
    ]
    assert not figures(app)


def test_the_demo_coach_lands_on_vandaag_with_the_demo_practice(app_env: Path) -> None:
    app = log_in(new_app())
    assert not app.exception
    assert app.title[0].value.endswith(", Marieke")
    values = {m.label: int(m.value) for m in app.metric}
    assert values["Sessies vandaag"] >= 1
    assert values["Follow-ups te laat"] >= 1
    assert values["Bijna klaar"] >= 1
    assert len(app.dataframe) == 3  # follow-ups, nearing the end, intermediate evaluation
    week = [link for link in app.get("page_link") if link.proto.label == "Openen"]
    assert len(week) >= values["Sessies vandaag"]  # each session of the week opens its client


def test_logging_out_returns_to_the_login_form(app_env: Path) -> None:
    app = log_in(new_app())
    app.sidebar.button[0].click().run()
    assert not app.exception
    assert [i.label for i in app.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    app.run()
    assert not figures(app)


def test_without_a_cookie_key_the_app_explains_and_stops(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AFRONDING_DEMO")
    monkeypatch.delenv("AFRONDING_COOKIE_KEY")
    monkeypatch.setattr("core.config.SECRETS_PATH", app_env.parent / "no-secrets.toml")
    app = new_app()
    assert not app.exception
    assert app.title[0].value == "Afronding kan niet starten"
    assert "token_urlsafe" in app.error[0].value
    assert not app.text_input


def test_an_unreachable_database_is_a_message_not_a_traceback(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://coach:geheim@127.0.0.1:9/weg")
    app = new_app()
    assert not app.exception
    assert app.error[0].value.startswith("De database is niet bereikbaar (PostgreSQL)")
    # Anyone may open the page: no password, user, host or database name on it.
    assert not {"geheim", "coach", "127.0.0.1", "weg"} & set(re.split(r"\W+", app.error[0].value))


def test_the_next_coach_in_the_same_tab_starts_clean(app_env: Path) -> None:
    app = log_in(new_app())
    app.switch_page("pages/clients.py").run()
    app.text_input(key="clients_query").input("Vera").run()
    app.switch_page("pages/closing_session.py").run()
    assert app.selectbox(key="closing_choice").value is not None
    other_id, _, _ = other_coachs_client()
    app.sidebar.button[0].click().run()  # Uitloggen
    leftovers = [k for k in app.session_state if str(k).startswith(("clients_", "closing_"))]
    assert leftovers == []
    app = log_in(app, "ander", "Sterk-wachtwoord-7")
    assert app.session_state["app_coach"].id == other_id
    app.switch_page("pages/clients.py").run()
    assert app.text_input(key="clients_query").value == ""
    app.switch_page("pages/closing_session.py").run()
    assert not app.exception
    assert "Vera" not in " ".join(str(o) for o in app.selectbox(key="closing_choice").options)


def test_a_logout_on_another_device_ends_this_tab_too(app_env: Path) -> None:
    here = log_in(new_app())
    there = log_in(new_app())  # the same coach on a second device
    there.sidebar.button[0].click().run()  # Uitloggen, over there
    here.run()  # the next click or tick here
    assert not here.exception
    assert [i.label for i in here.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert not figures(here)


@pytest.mark.parametrize("username", ["demo", "niemand"], ids=["known", "unknown"])
def test_guessing_is_slowed_down_with_the_same_answer_for_unknown_usernames(
    app_env: Path, username: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = utc_now()  # the clock stands still: a slow machine must not outwait the pause
    monkeypatch.setattr("pages._login_ui.utc_now", lambda: stopped)
    app = new_app()
    answers = []
    for _ in range(6):
        log_in(app, username, "Fout-wachtwoord-1")
        answers.append(app.error[0].value)
    assert (
        answers[:5]
        == ["Deze combinatie van gebruikersnaam en wachtwoord klopt niet. Probeer het opnieuw."] * 5
    )
    assert answers[5].startswith("Te veel mislukte pogingen achter elkaar. Wacht ")
    log_in(app, username, "Demo-coach-1")  # even the right password waits its turn
    assert not figures(app) and app.error[0].value.startswith("Te veel mislukte pogingen")


def test_an_owner_lifts_a_coachs_lock_in_instellingen(app_env: Path) -> None:
    locked_out = new_app()  # the app prepares its database first
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        username = session.scalars(select(Coach.username).order_by(Coach.id)).all()[1]
        start = utc_now() - timedelta(minutes=12)
        for i in range(LOCK_AFTER):  # the demo practice's second coach mistypes ten times
            at = start + timedelta(seconds=60 * i)
            check_login(
                session, username=username, password="f", address="", now=at, demo_mode=True
            )
    log_in(locked_out, username, "irrelevant")
    assert locked_out.error[0].value.startswith("Te veel mislukte pogingen: inloggen")
    owner = log_in(new_app()).switch_page("pages/settings.py").run()
    assert any(username in m.value for m in owner.markdown)
    next(b for b in owner.button if b.label == "Blokkade opheffen").click().run()
    assert not owner.exception
    assert owner.success[0].value.startswith("De blokkade voor ")
    assert "Geen coach van de praktijk is nu geblokkeerd." in [c.value for c in owner.caption]


def test_a_new_password_logs_out_every_other_device_but_not_this_tab(app_env: Path) -> None:
    here = log_in(new_app()).switch_page("pages/settings.py").run()
    there = log_in(new_app())  # the same coach on a second device

    def change(current: str, new: str, repeated: str) -> None:
        fields = {t.label: t for t in here.text_input}
        fields["Huidig wachtwoord"].input(current)
        fields["Nieuw wachtwoord"].input(new)
        fields["Nieuw wachtwoord, nog een keer"].input(repeated)
        next(b for b in here.button if b.label == "Wachtwoord wijzigen").click().run()

    change("fout", "Password123!", "Password123!")
    assert [e.value for e in here.error] == [
        "Dit is niet je huidige wachtwoord.",
        "Dit wachtwoord hoort bij de veelgebruikte wachtwoorden die aanvallers als eerste "
        "proberen. Kies iets dat alleen jij bedenkt.",
    ]
    change("Demo-coach-1", "de kat slaapt op de wasmachine", "de kat slaapt op de wasmachine")
    assert not here.exception
    assert here.success[0].value.startswith("Je wachtwoord is gewijzigd.")
    here.run()
    assert here.title[0].value == "Instellingen"  # this tab goes on
    there.run()
    assert [i.label for i in there.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert not figures(there)
    old = log_in(new_app(), "demo", "Demo-coach-1")
    assert old.error[0].value.startswith("Deze combinatie")
    assert figures(log_in(new_app(), "demo", "de kat slaapt op de wasmachine"))


def test_guessing_the_current_password_in_instellingen_is_slowed_down_too(
    app_env: Path,
) -> None:
    here = log_in(new_app()).switch_page("pages/settings.py").run()
    said = []
    for _ in range(6):
        fields = {t.label: t for t in here.text_input}
        fields["Huidig wachtwoord"].input("Gok-fout-123")
        fields["Nieuw wachtwoord"].input("de kat slaapt op de wasmachine")
        fields["Nieuw wachtwoord, nog een keer"].input("de kat slaapt op de wasmachine")
        next(b for b in here.button if b.label == "Wachtwoord wijzigen").click().run()
        said.append(here.error[0].value)
    assert said[:5] == ["Dit is niet je huidige wachtwoord."] * 5
    assert said[5].startswith("Te veel mislukte pogingen achter elkaar.")


def test_the_login_page_has_the_browser_load_the_first_pages_code(app_env: Path) -> None:
    # Vandaag's figures waited half a second after the login for their elements' code.
    app = new_app()
    # Not in the tab's first run: the warm-up's elements showed as grey bars until then.
    assert not [h for h in app.get("html") if "import(" in h.proto.body]
    assert not app.metric
    app.run()  # the login cookie's run
    groups, styles = element_code()
    vandaag, files = groups[0], [name for group in groups for name in group]
    assert any("/DataFrame." in name for name in vandaag)
    assert any("/Metric." in name for name in vandaag)
    static = Path(st.__file__).parent / "static"
    assert all((static / name).is_file() for name in [*files, *styles])
    warm_up = [h.proto.body for h in app.get("html") if "import(" in h.proto.body]
    assert len(warm_up) == 1 and all(name in warm_up[0] for name in files)
    assert [m.label for m in app.metric] == [UNSEEN_FIGURE]

    log_in(app)
    assert not [h for h in app.get("html") if "import(" in h.proto.body]
    assert UNSEEN_FIGURE not in [m.label for m in app.metric]


def test_without_streamlit_s_manifest_the_login_page_loads_nothing_ahead(tmp_path: Path) -> None:
    assert element_code(tmp_path / "manifest.json") == ([], [])
    for other in ('{"index.html": {"file": "x.js"}}', '["Metric"]', '{"a": {"name": "Metric"}}'):
        (tmp_path / "other.json").write_text(other, encoding="utf-8")
        assert element_code.__wrapped__(tmp_path / "other.json") == ([], [])
