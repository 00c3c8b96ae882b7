"""Instellingen for a practice owner: the coaches of the practice, invitations, resets."""

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.errors import ValidationError
from core.team import (
    NewAccountLink,
    account_link_url,
    invite_coach,
    list_pending_invites,
    list_practice_coaches,
    reset_password_link,
    set_coach_active,
)
from core.timefmt import format_moment, utc_now
from pages import _ui as ui

INVITE_FORM = "team_invite_form"  # which invitation form this is: each success starts anew
SHOWN_LINK = "team_link"  # (name, url, until) of the link just made: shown once, then gone


def practice_coaches() -> None:
    """Every coach of the practice with what the owner can do: reset, (de)activate, invite."""
    coach = ui.coach()
    if coach.role != "owner" or coach.practice_id is None:
        return
    now = utc_now()
    with ui.db_session() as session:
        coaches = list_practice_coaches(session, coach_id=coach.id)
        pending = list_pending_invites(session, coach_id=coach.id, now=now)
    with st.container(border=True):
        st.header(ui.t("team.title"))
        st.caption(ui.t("team.help"))
        ui.show_flash("team")
        if made := st.session_state.pop(SHOWN_LINK, None):
            name, url, until = made
            st.success(ui.t("team.link_made", name=ui.plain(name), until=until))
            st.code(url, language=None, wrap_lines=True)
        for member in coaches:
            _member_row(
                member.username, member.display_name, member.active, member.coach_id == coach.id
            )
        if pending:
            st.markdown(f"**{ui.t('team.pending')}**")
            for invite in pending:
                until = format_moment(invite.expires_at, coach.timezone, coach.language)
                st.markdown(
                    "- "
                    + ui.t(
                        "team.pending_row",
                        name=ui.plain(invite.display_name),
                        email=ui.plain(invite.email),
                        until=until,
                    )
                )
        _invite_form()


def _member_row(username: str, name: str, active: bool, is_me: bool) -> None:
    coach = ui.coach()
    text, reset, switch = st.columns([4, 2, 2], vertical_alignment="center")
    state = ui.t("team.active" if active else "team.deactivated")
    text.markdown(f"**{ui.plain(name)}** ({ui.plain(username)}) · {state}")
    if is_me:
        return
    if active and reset.button(ui.t("team.reset_link"), key=f"reset_{username}"):
        _make_link(
            name,
            lambda session: reset_password_link(
                session, coach_id=coach.id, username=username, now=utc_now()
            ),
        )

    def switch_to(on: bool) -> None:
        ui.save(
            lambda session: set_coach_active(
                session, coach_id=coach.id, username=username, active=on, now=utc_now()
            ),
            ui.FieldErrors(),
            "team.activated_done" if on else "team.deactivated_done",
            place="team",
            name=ui.plain(name),
        )

    if not active:
        if switch.button(ui.t("team.activate"), key=f"active_{username}"):
            switch_to(True)
        return
    # Deactivating ends someone's logins at once: it asks first.
    with switch.popover(ui.t("team.deactivate"), key=f"deactivate_popover_{username}"):
        st.write(ui.t("team.deactivate_confirm", name=ui.plain(name)))
        if st.button(ui.t("team.deactivate_yes"), type="primary", key=f"active_{username}"):
            switch_to(False)


def _invite_form() -> None:
    coach = ui.coach()
    errors = ui.FieldErrors()
    st.markdown(f"**{ui.t('team.invite_heading')}**")
    # A new form after each invitation: it starts empty, while a refused one keeps its text.
    generation = st.session_state.setdefault(INVITE_FORM, 0)
    with st.form(f"team_invite_{generation}", border=False):
        left, right = st.columns(2)
        name = left.text_input(
            ui.t("team.invite_name"), max_chars=120, key=f"team_invite_name_{generation}"
        )
        with left:
            errors.slot("display_name")
        email = right.text_input(ui.t("team.invite_email"), key=f"team_invite_email_{generation}")
        with right:
            errors.slot("email")
        submitted = st.form_submit_button(ui.t("team.invite_make"))
    if submitted:
        _make_link(
            name,
            lambda session: invite_coach(
                session, coach_id=coach.id, display_name=name, email=email, now=utc_now()
            ),
            errors,
            next_form=True,
        )


def _make_link(
    name: str,
    make: Callable[[Any], NewAccountLink],
    errors: ui.FieldErrors | None = None,
    *,
    next_form: bool = False,
) -> None:
    """Make a link in one transaction, then show it once (the token is never stored)."""
    coach = ui.coach()
    try:
        with ui.db_session(write=True) as session:
            link = make(session)
    except ValidationError as invalid:
        (errors or ui.FieldErrors()).show(invalid.errors)
        return
    until = format_moment(link.expires_at, coach.timezone, coach.language)
    st.session_state[SHOWN_LINK] = (name, account_link_url(ui.public_base(), link.token), until)
    if next_form:
        st.session_state[INVITE_FORM] += 1
    st.rerun()
