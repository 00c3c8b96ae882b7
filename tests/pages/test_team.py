"""The practice's accounts in AppTest: an owner invites, resets and deactivates coaches."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.clients import list_clients
from core.config import load_settings
from core.database import prepare_database
from core.timefmt import utc_now
from db.models import Client, TrajectoryStatus
from tests.conftest import TODAY
from tests.pages.conftest import APP, as_shown, figures, log_in, new_app

SETTINGS = "pages/settings.py"
LIST = "pages/clients.py"
CLIENT = "pages/client.py"
GOOD = "de kat slaapt op de wasmachine"


def _button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in app.button if b.label == label)


def _shown_link(app: AppTest) -> str:
    """The account link the owner's page shows (once)."""
    return next(c.value for c in app.code if "/account?t=" in c.value)


def _link_page(url: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["t"] = url.split("t=", 1)[1]
    app.switch_page("pages/account_link.py")
    return app.run()


def _fill(app: AppTest, **fields: str) -> AppTest:
    inputs = {t.label: t for t in app.text_input}
    for label, value in fields.items():
        inputs[label].input(value)
    next(b for b in app.button if b.label in ("Account maken", "Wachtwoord opslaan")).click()
    return app.run()


def test_an_invited_coach_makes_their_account_and_logs_in(app_env: Path) -> None:
    owner = log_in(new_app()).switch_page(SETTINGS).run()
    owner.text_input(key="team_invite_name_0").input("Bas Nieuw")
    owner.text_input(key="team_invite_email_0").input("bas@example.org")
    _button(owner, "Uitnodiging maken").click().run()
    assert not owner.exception
    url = _shown_link(owner)
    assert url.startswith("http")
    owner.run()
    assert not [c for c in owner.code if "/account?t=" in c.value]  # shown once, kept nowhere
    assert any("Bas Nieuw (bas@example.org)" in as_shown(m.value) for m in owner.markdown)

    invited = _link_page(url)
    assert invited.title[0].value == "Welkom bij de praktijk"
    _fill(
        invited,
        Gebruikersnaam="bas",
        **{"Nieuw wachtwoord": "kort", "Nieuw wachtwoord, nog een keer": "kort"},
    )
    assert next(e.value for e in invited.error).startswith("Kies een wachtwoord van minstens 10")
    _fill(
        invited,
        Gebruikersnaam="bas",
        **{"Nieuw wachtwoord": GOOD, "Nieuw wachtwoord, nog een keer": GOOD},
    )
    assert invited.title[0].value == "Gelukt"
    assert _link_page(url).title[0].value == "Deze link werkt niet"  # one use
    assert figures(log_in(new_app(), "bas", GOOD))  # Vandaag, as the new coach


def test_a_reset_link_lets_a_coach_in_and_deactivating_logs_them_out(app_env: Path) -> None:
    owner = log_in(new_app()).switch_page(SETTINGS).run()
    username = _first_colleague(owner)
    _button(owner, "Resetlink maken").click().run()
    page = _link_page(_shown_link(owner))
    assert page.title[0].value == "Nieuw wachtwoord"
    _fill(page, **{"Nieuw wachtwoord": GOOD, "Nieuw wachtwoord, nog een keer": GOOD})
    assert page.title[0].value == "Gelukt"
    there = log_in(new_app(), username, GOOD)
    assert figures(there)
    _button(owner, "Ja, deactiveren").click().run()  # after "Deactiveren" asks
    assert not owner.exception
    assert any(m.value.endswith("is gedeactiveerd en overal uitgelogd.") for m in owner.success)
    there.run()  # their next click
    assert [i.label for i in there.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert not figures(log_in(new_app(), username, GOOD))
    _button(owner, "Weer activeren").click().run()
    assert figures(log_in(new_app(), username, GOOD))


def test_a_dialog_left_open_saves_nothing_once_the_coach_is_deactivated(app_env: Path) -> None:
    owner = log_in(new_app()).switch_page(SETTINGS).run()
    username = _first_colleague(owner)
    _button(owner, "Resetlink maken").click().run()
    _fill(
        _link_page(_shown_link(owner)),
        **{"Nieuw wachtwoord": GOOD, "Nieuw wachtwoord, nog een keer": GOOD},
    )
    coach = log_in(new_app(), username, GOOD).switch_page(LIST).run()
    client_id = _first_client_id(coach)
    coach.query_params["id"] = str(client_id)
    coach.query_params["deel"] = "details"
    coach.switch_page(CLIENT).run()
    next(s for s in coach.selectbox if s.label == "Status").set_value("stopped")
    [b for b in coach.button if b.label == "Opslaan"][-1].click().run()
    assert any(b.label == "Ja, sla op" for b in coach.button)  # the dialog asks
    _button(owner, "Ja, deactiveren").click().run()
    _button(coach, "Ja, sla op").click().run()
    assert [i.label for i in coach.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert _status(owner, client_id) == "active"  # nothing was written


def _first_colleague(owner: AppTest) -> str:
    row = next(
        as_shown(m.value)
        for m in owner.markdown
        if m.value.endswith("· actief") and "(demo)" not in as_shown(m.value)
    )
    return row.split("(", 1)[1].split(")", 1)[0]


def _first_client_id(coach: AppTest) -> int:
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        rows = list_clients(
            session,
            coach_id=coach.session_state["app_coach"].id,
            now=utc_now(),
            today=TODAY,
            status=TrajectoryStatus.ACTIVE,
        )
    return rows[0].client_id


def _status(owner: AppTest, client_id: int) -> str:
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        return str(session.get_one(Client, client_id).trajectories[0].status)
