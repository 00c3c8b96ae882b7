"""Two-step login in AppTest: set it up in Instellingen, log in with a code, the practice rule."""

from datetime import timedelta
from pathlib import Path

import pyotp
from streamlit.testing.v1 import AppTest

from core.timefmt import utc_now
from tests.pages.conftest import figures, log_in, new_app

SETTINGS = "pages/settings.py"


def _button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in app.button if b.label == label)


def _turn_on(app: AppTest) -> tuple[str, list[str]]:
    """Set up two-step verification as a coach does; returns the secret and recovery codes."""
    secret = app.session_state["two_factor_secret"]
    pictures = [e.proto.body for e in app.get("html") if "<img" in e.proto.body]
    assert len(pictures) == 1 and 'alt="QR-code met je persoonlijke sleutel' in pictures[0]
    code = next(t for t in app.text_input if t.label.startswith("3. Typ de code"))
    code.input(pyotp.TOTP(secret).now())
    _button(app, "Aanzetten").click().run()
    assert not app.exception
    app.run()  # the browser's cookie component draws the app again once it stored the login
    assert app.title[0].value == "Tweestapsverificatie"  # the recovery codes come first
    codes = app.code[-1].value.splitlines()
    assert len(codes) == 10
    _button(app, "Ik heb de herstelcodes bewaard").click().run()
    assert not app.code or codes[0] not in app.code[-1].value  # shown once
    return secret, codes


def test_after_setting_it_up_the_login_asks_for_a_code(app_env: Path) -> None:
    app = log_in(new_app()).switch_page(SETTINGS).run()
    secret, codes = _turn_on(app)
    assert any("nog **10** ongebruikte herstelcodes" in m.value for m in app.markdown)

    tab = new_app()
    tab.text_input[0].input("demo")
    tab.text_input[1].input("Demo-coach-1")
    tab.button[0].click().run()
    assert [s.value for s in tab.header] == ["Tweede stap"]  # the password alone: no entry
    assert not figures(tab)
    tab.text_input[0].input("123456")
    tab.button[0].click().run()
    assert tab.error[0].value.startswith("Deze code klopt niet")
    next_step = pyotp.TOTP(secret).at(utc_now() + timedelta(seconds=30))  # a code not used yet
    tab.text_input[0].input(next_step)
    tab.button[0].click().run()
    tab.run()
    assert figures(tab)  # Vandaag

    paper = new_app()  # the phone is lost: a recovery code, once
    paper.text_input[0].input("demo")
    paper.text_input[1].input("Demo-coach-1")
    paper.button[0].click().run()
    paper.text_input[0].input(codes[0])
    paper.button[0].click().run()
    paper.run()
    assert figures(paper)


def test_when_the_practice_requires_it_a_coach_sets_it_up_first(app_env: Path) -> None:
    owner = log_in(new_app()).switch_page(SETTINGS).run()
    owner.toggle(key="two_factor_require").set_value(True).run()
    assert not owner.exception
    assert owner.title[0].value == "Zet eerst tweestapsverificatie aan"  # the owner too
    assert not figures(owner)
    owner.switch_page("pages/overview.py").run()
    assert owner.title[0].value == "Zet eerst tweestapsverificatie aan"  # every page
    _turn_on(owner)
    owner.switch_page("pages/overview.py").run()
    assert figures(owner)  # Vandaag, now that the second step is set up
