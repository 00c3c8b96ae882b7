"""The login form: the password is checked by core.login (slowed down and locked against
guessing); the login library only keeps the cookie that remembers a login."""

from typing import Any

import streamlit as st

from core.config import Settings
from core.login import client_address, log_in
from core.timefmt import utc_now
from pages import _ui as ui

REFUSAL_KEY = "login_refusal"


def login_form(authenticator: Any, box: Any, settings: Settings) -> None:
    """Draw the form in `box`; a right password logs this tab in and stores the cookie."""
    with box.form("app_login"):
        st.subheader(ui.t("login.title"))
        username = st.text_input(ui.t("login.username"), autocomplete="username")
        password = st.text_input(
            ui.t("login.password"), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(ui.t("login.submit"), type="primary")
    if not submitted:
        if refusal := st.session_state.get(REFUSAL_KEY):  # stays until the next try
            _refused(box, *refusal)
        return
    ip, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    address = client_address(
        ip if isinstance(ip, str) else None,  # AppTest has no real connection
        forwarded if isinstance(forwarded, str) else None,
        behind_proxy=settings.behind_proxy,
    )
    with ui.db_session(write=True) as session:
        answer = log_in(
            session,
            username=username,
            password=password,
            address=address,
            now=utc_now(),
            demo_mode=settings.demo_mode,
        )
    if (account := answer.account) is None:
        st.session_state[REFUSAL_KEY] = (answer.refusal, answer.amount)
        _refused(box, answer.refusal, answer.amount)
        return
    st.session_state.pop(REFUSAL_KEY, None)
    st.session_state.update(
        authentication_status=True,
        username=account.username,
        name=account.display_name,
        email=account.email,
        roles=[account.role.value],
        logout=None,
    )
    authenticator.cookie_controller.set_cookie()


def _refused(box: Any, key: str, amount: int) -> None:
    """Why the login failed; a wait or lock says how long (one second, one minute, or more)."""
    if amount == 1:
        key += "_one"
    box.error(ui.t(key, seconds=amount, minutes=amount), icon=":material/error:")
