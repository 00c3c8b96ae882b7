"""Instellingen for accounts: the coach's own password; for a practice owner, the coaches
whose login is locked."""

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import streamlit as st

from core.accounts import change_password
from core.errors import ValidationError
from core.login import list_locked_logins, login_hold, record_failure, unlock_login
from core.timefmt import format_moment, utc_now
from pages import _login_ui as login_ui
from pages import _ui as ui

CHANGED_KEY = "settings_password_changed_until"
SAID_FOR = timedelta(seconds=20)


def password_form() -> None:
    """Change the password; every other browser and device is logged out by it."""
    errors = ui.FieldErrors()
    with st.container(border=True):
        st.header(ui.t("settings.password_title"))
        st.caption(ui.t("settings.password_help"))
        # Cleared on submit: typed passwords never stay on screen, accepted or refused.
        with st.form("password_form", clear_on_submit=True, border=False):
            current = st.text_input(
                ui.t("settings.password_current"), type="password", autocomplete="current-password"
            )
            errors.slot("current")
            new, repeated = new_password_fields(errors, slot="new")
            submitted = st.form_submit_button(ui.t("settings.password_save"))
        # One place for the message in every run (the cookie component comes after it).
        said = st.empty()
        if submitted:
            _change(current, new, repeated, errors)
        if st.session_state.get(CHANGED_KEY, utc_now()) > utc_now():
            said.success(ui.t("settings.password_changed"), icon=":material/check_circle:")


def new_password_fields(errors: ui.FieldErrors, *, slot: str) -> tuple[str, str]:
    """The new password, twice, each with its place for a message (`slot` for the first)."""
    new = st.text_input(ui.t("settings.password_new"), type="password", autocomplete="new-password")
    errors.slot(slot)
    repeated = st.text_input(
        ui.t("settings.password_repeat"), type="password", autocomplete="new-password"
    )
    errors.slot("repeated")
    return new, repeated


def guarded(
    action: Callable[[Any], object], errors: ui.FieldErrors, *, field: str, wrong: str
) -> bool:
    """Run `action` unless failed logins hold this coach back; a wrong password or code
    (`wrong` at `field`) counts as a failed login, as on the login form. True when saved."""
    coach, now = ui.coach(), utc_now()
    address = login_ui.visitor_address(ui.settings())
    with ui.db_session() as session:
        held = login_hold(session, coach.username, address, now)
    if held is not None:
        errors.show({field: held.refusal}, values={field: {"count": held.amount}})
        return False
    try:
        with ui.db_session(write=True) as session:
            action(session)
    except ValidationError as invalid:
        if invalid.errors.get(field) == wrong:
            with ui.db_session(write=True) as session:
                record_failure(session, coach.username, address, now)
        errors.show(invalid.errors, values=invalid.values)
        return False
    return True


def _change(current: str, new: str, repeated: str, errors: ui.FieldErrors) -> None:
    """Save the new password; this tab stays logged in with a new cookie."""
    saved = guarded(
        lambda session: change_password(
            session,
            coach_id=ui.coach_id(),
            current=current,
            new=new,
            repeated=repeated,
            now=utc_now(),
        ),
        errors,
        field="current",
        wrong="accounts.password_wrong",
    )
    if not saved:
        return
    # No rerun here: the cookie component has to render to store the new login. It draws
    # the page again (more than once) as it does: the message stays for a short while.
    ui.keep_this_login()
    st.session_state[CHANGED_KEY] = utc_now() + SAID_FOR


def locked_logins() -> None:
    """The practice's locked logins, each with a button that lifts the lock (owners only)."""
    coach = ui.coach()
    if coach.role != "owner":
        return
    with ui.db_session() as session:
        locked = list_locked_logins(session, coach_id=coach.id, now=utc_now())
    with st.container(border=True):
        st.header(ui.t("settings.locked_title"))
        ui.show_flash("locked")
        if not locked:
            st.caption(ui.t("settings.locked_none"))
            return
        st.caption(ui.t("settings.locked_help"))
        for item in locked:
            text, action = st.columns([3, 2], vertical_alignment="center")
            until = format_moment(item.until, coach.timezone, coach.language)
            text.markdown(
                ui.t(
                    "settings.locked_row",
                    name=ui.plain(item.display_name),
                    username=ui.plain(item.username),
                    count=item.failures,
                    until=until,
                )
            )
            if action.button(ui.t("settings.unlock"), key=f"unlock_{item.username}"):
                ui.save(
                    partial(unlock_login, coach_id=coach.id, username=item.username),
                    ui.FieldErrors(),
                    "settings.unlocked",
                    place="locked",
                    name=ui.plain(item.display_name),
                )
