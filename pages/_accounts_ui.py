"""Instellingen for accounts: for a practice owner, the coaches whose login is locked."""

import streamlit as st

from core.login import list_locked_logins, unlock_login
from core.timefmt import format_moment, utc_now
from pages import _ui as ui


def locked_logins() -> None:
    """The practice's locked logins, each with a button that lifts the lock (owners only)."""
    coach = ui.coach()
    if coach.role != "owner":
        return
    with ui.db_session() as session:
        locked = list_locked_logins(session, coach_id=coach.id, now=utc_now())
    with st.container(border=True):
        st.subheader(ui.t("settings.locked_title"))
        if not locked:
            st.caption(ui.t("settings.locked_none"))
            return
        st.caption(ui.t("settings.locked_help"))
        for item in locked:
            text, action = st.columns([3, 1], vertical_alignment="center")
            until = format_moment(item.until, coach.timezone, coach.language)
            text.markdown(
                ui.t(
                    "settings.locked_row",
                    name=ui.plain(item.display_name),
                    username=ui.plain(item.username),
                    failures=item.failures,
                    until=until,
                )
            )
            if action.button(ui.t("settings.unlock"), key=f"unlock_{item.username}"):
                ui.save(
                    lambda session, name=item.username: unlock_login(
                        session, coach_id=coach.id, username=name
                    ),
                    ui.FieldErrors(),
                    "settings.unlocked",
                    name=ui.plain(item.display_name),
                )
