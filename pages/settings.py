"""Instellingen: the coach's name, language and time zone."""

import streamlit as st

from core.accounts import update_preferences
from core.errors import ValidationError
from core.i18n import LANGUAGES
from core.timefmt import timezone_choices
from pages import _accounts_ui as accounts_ui
from pages import _team_ui as team_ui
from pages import _two_factor_ui as two_factor_ui
from pages import _ui as ui

coach = ui.coach()
st.title(ui.t("settings.title"))
st.caption(ui.t("settings.intro"))
ui.show_flash()

zones = timezone_choices()
errors: dict[str, str] = st.session_state.pop("settings_errors", {})
with st.form("settings_form", border=True):
    # Keyed widgets keep what was typed when a save is refused.
    name = st.text_input(
        ui.t("settings.display_name"), value=coach.display_name, max_chars=120, key="settings_name"
    )
    if "display_name" in errors:
        st.error(ui.t(errors["display_name"]))
    language = st.radio(
        ui.t("settings.language"),
        LANGUAGES,
        index=LANGUAGES.index(coach.language),
        format_func=lambda code: ui.t(f"language.{code}"),
        horizontal=True,
        key="settings_language",
    )
    timezone = st.selectbox(
        ui.t("settings.timezone"), zones, index=zones.index(coach.timezone), key="settings_timezone"
    )
    if "timezone" in errors:
        st.error(ui.t(errors["timezone"]))
    # No bounds in the field: the browser would refuse in English; core says it in Dutch.
    minutes = st.number_input(
        ui.t("settings.session_minutes"),
        value=coach.session_minutes,
        step=15,
        help=ui.t("settings.session_minutes_help"),
        key="settings_session_minutes",
    )
    if "session_minutes" in errors:
        st.error(ui.t(errors["session_minutes"]))
    submitted = st.form_submit_button(ui.t("settings.save"), type="primary")
if st.session_state.pop("settings_saved", False):
    st.success(ui.t("settings.saved"), icon=":material/check:")

if submitted:
    try:
        with ui.db_session(write=True) as session:
            update_preferences(
                session,
                coach_id=coach.id,
                display_name=name,
                language=language,
                timezone=timezone,
                session_minutes=int(minutes),
            )
    except ValidationError as invalid:
        st.session_state["settings_errors"] = invalid.errors
    else:
        st.session_state["settings_saved"] = True
        # app.py draws the navigation before it reads the account again: read it now, or the
        # sidebar keeps the old language until the next page.
        ui.login_accounts(coach.username)
    # Draw again: the navigation and every text follow the newly chosen language.
    st.rerun()

with st.container(border=True):
    st.header(ui.t("settings.account"))
    st.write(ui.t("settings.username", username=ui.plain(coach.username)))
    st.write(ui.t("settings.role", role=ui.t(f"role.{coach.role.value}")))

accounts_ui.password_form()
two_factor_ui.two_factor_section()
team_ui.practice_coaches()
accounts_ui.locked_logins()
