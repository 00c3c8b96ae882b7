"""The login form: the password (and, when the coach set it up, a code from the app) is
checked by core.login, slowed down and locked against guessing; the login library only keeps
the cookie that remembers a login."""

from datetime import timedelta
from typing import Any

import streamlit as st

from core.config import Settings
from core.login import (
    LoginAnswer,
    check_password,
    client_address,
    log_in_second_step,
    settle_login,
)
from core.timefmt import utc_now
from pages import _ui as ui

REFUSAL_KEY = "login_refusal"
SECOND_STEP_KEY = "login_second_step"  # (username, until): the password was right
SECOND_STEP_TIME = timedelta(minutes=5)


def login_form(authenticator: Any, box: Any, settings: Settings) -> None:
    """Draw the form in `box`; a right login logs this tab in and stores the cookie."""
    pending = st.session_state.get(SECOND_STEP_KEY)
    if pending and pending[1] > utc_now():
        _code_form(authenticator, box, settings, pending[0])
        return
    st.session_state.pop(SECOND_STEP_KEY, None)
    with box.form("app_login"):
        st.header(ui.t("login.title"))
        username = st.text_input(ui.t("login.username"), autocomplete="username")
        password = st.text_input(
            ui.t("login.password"), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(ui.t("login.submit"), type="primary")
    if not submitted:
        _last_refusal(box)
        return
    # The slow password check reads only; what it found is written in a short transaction.
    address, now = visitor_address(settings), utc_now()
    with ui.db_session() as session:
        answer = check_password(
            session,
            username=username,
            password=password,
            address=address,
            now=now,
            demo_mode=settings.demo_mode,
        )
    with ui.db_session(write=True) as session:
        settle_login(session, answer=answer, username=username, address=address, now=now)
    if answer.second_step:
        st.session_state.pop(REFUSAL_KEY, None)
        st.session_state[SECOND_STEP_KEY] = (answer.second_step, utc_now() + SECOND_STEP_TIME)
        st.rerun()
    _finish(authenticator, box, answer)


def _code_form(authenticator: Any, box: Any, settings: Settings, username: str) -> None:
    """Tweede stap: the code from the authenticator app, or a recovery code."""
    with box.form("app_login_code"):
        st.header(ui.t("login.code_title"))
        st.caption(ui.t("login.code_help"))
        code = st.text_input(ui.t("login.code"), max_chars=20, autocomplete="one-time-code")
        submitted = st.form_submit_button(ui.t("login.submit"), type="primary")
    if box.button(ui.t("login.code_cancel"), type="tertiary"):
        st.session_state.pop(SECOND_STEP_KEY, None)
        st.rerun()
    if not submitted:
        _last_refusal(box)
        return
    address = visitor_address(settings)
    with ui.db_session(write=True) as session:
        answer = log_in_second_step(
            session,
            username=username,
            code=code,
            address=address,
            now=utc_now(),
            demo_mode=settings.demo_mode,
        )
    _finish(authenticator, box, answer)


def _finish(authenticator: Any, box: Any, answer: LoginAnswer) -> None:
    """Log this tab in and store the cookie, or say why not."""
    if (account := answer.account) is None:
        st.session_state[REFUSAL_KEY] = (answer.refusal, answer.amount)
        _refused(box, answer.refusal, answer.amount)
        return
    for key in (REFUSAL_KEY, SECOND_STEP_KEY):
        st.session_state.pop(key, None)
    st.session_state.update(
        authentication_status=True,
        username=account.username,
        name=account.display_name,
        email=account.email,
        roles=[account.role.value],
        logout=None,
    )
    ui.store_login_cookie(authenticator)


def visitor_address(settings: Settings) -> str:
    """The address failed logins are counted for."""
    ip, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    return client_address(
        ip if isinstance(ip, str) else None,  # AppTest has no real connection
        forwarded if isinstance(forwarded, str) else None,
        behind_proxy=settings.behind_proxy,
    )


def _last_refusal(box: Any) -> None:
    if refusal := st.session_state.get(REFUSAL_KEY):  # stays until the next try
        _refused(box, *refusal)


def _refused(box: Any, key: str, amount: int) -> None:
    """Why the login failed; a wait or lock says how long (one second, one minute, or more)."""
    box.error(ui.t(key, count=amount), icon=":material/error:")
