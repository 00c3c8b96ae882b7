"""The planned sessions of a trajectory, each with its actions: change or move, cancel, not held."""

from datetime import datetime
from functools import partial

import streamlit as st

from core.agenda import (
    PlannedSession,
    cancel_session,
    get_planned_session,
    list_planned_sessions,
    mark_not_held,
    reschedule_session,
)
from core.errors import NotFound, ValidationError
from core.sessions import SESSION_KINDS
from core.timefmt import format_moment, utc_now, zone
from pages import _ui as ui


def planned_sessions(trajectory_id: int, timezone: str) -> None:
    """The trajectory's planned sessions, soonest first, each with what can be done to it."""
    with ui.db_session() as session:
        planned = list_planned_sessions(
            session, coach_id=ui.coach_id(), trajectory_id=trajectory_id
        )
    st.header(ui.t("planned.title"))
    if not planned:
        st.caption(ui.t("planned.empty"))
        return
    now = utc_now()
    for item in planned:
        with st.container(border=True):
            when = format_moment(item.scheduled_at, timezone, ui.language())
            kind = ui.t(f"session_kind.{item.kind.value}")
            st.markdown(f"**{when}** · {kind} · {item.duration_minutes} min")
            change, cancel, missed = st.columns(3)
            # Keyed: an open popover belongs to its session. Unkeyed, the popover at the same
            # place in the list opened by itself after a save, for another session.
            with change.popover(
                ui.t("planned.change"),
                icon=":material/edit_calendar:",
                key=f"change_popover_{item.session_id}",
            ):
                _change_form(item, timezone)
            with cancel.popover(
                ui.t("planned.cancel"),
                icon=":material/event_busy:",
                key=f"cancel_popover_{item.session_id}",
            ):
                _cancel_form(item)
            if item.scheduled_at <= now and missed.button(
                ui.t("planned.no_show"),
                key=f"no_show_{item.session_id}",
                icon=":material/person_off:",
            ):
                ui.save(
                    partial(
                        mark_not_held,
                        coach_id=ui.coach_id(),
                        session_id=item.session_id,
                        now=utc_now(),
                    ),
                    ui.FieldErrors(),
                    "planned.no_show_done",
                )


def _change_form(item: PlannedSession, timezone: str) -> None:
    key = f"change_{item.session_id}"
    local = item.scheduled_at.astimezone(zone(timezone))
    errors = ui.FieldErrors()
    # A form: nothing reruns while the coach edits (a rerun let the open popover jump rows).
    with st.form(key, border=False):
        kind = st.selectbox(
            ui.t("client.log_kind"),
            SESSION_KINDS,
            index=SESSION_KINDS.index(item.kind),
            format_func=lambda k: ui.t(f"session_kind.{k}"),
            key=f"{key}_kind",
        )
        day = st.date_input(
            ui.t("client.log_date"), value=local.date(), key=f"{key}_date", format="DD-MM-YYYY"
        )
        at = st.time_input(ui.t("client.log_time"), value=local.time(), key=f"{key}_time", step=900)
        errors.slot("at")
        # No bounds in the field: the browser would refuse in English; core says it in Dutch.
        minutes = st.number_input(
            ui.t("client.log_duration"),
            value=item.duration_minutes,
            step=15,
            key=f"{key}_minutes",
        )
        errors.slot("duration_minutes")
        errors.slot("status")
        st.caption(ui.t("planned.kind_length"))
        saved = st.form_submit_button(ui.t("planned.save"), type="primary")
    if saved:
        # A new kind with the length left alone takes the new kind's usual length (in a
        # form, choosing the kind cannot change the length field as it is chosen).
        if kind != item.kind and int(minutes) == item.duration_minutes:
            minutes = ui.usual_minutes(kind)
        ui.save(
            lambda session: reschedule_session(
                session,
                coach_id=ui.coach_id(),
                session_id=item.session_id,
                at=datetime.combine(day, at, zone(timezone)),
                kind=kind,
                duration_minutes=int(minutes),
                now=utc_now(),
            ),
            errors,
            "planned.changed",
        )


def _cancel_form(item: PlannedSession) -> None:
    key = f"cancel_{item.session_id}"
    errors = ui.FieldErrors()
    reason = st.text_input(ui.t("planned.cancel_reason"), key=f"{key}_reason", max_chars=200)
    errors.slot("reason")
    errors.slot("status")
    if st.button(ui.t("planned.cancel_submit"), key=f"{key}_submit"):
        ui.save(
            lambda session: cancel_session(
                session, coach_id=ui.coach_id(), session_id=item.session_id, reason=reason
            ),
            errors,
            "planned.cancelled",
            clear=(f"{key}_reason",),
        )


def follow_link(sections: tuple[str, ...], timezone: str) -> None:
    """A link into the client's page (`deel`, and `sessie` for a planned session to log)
    opens that section, with the session's moment, kind and length in the log form."""
    wanted = st.query_params.pop("deel", "")
    if wanted in sections:
        st.session_state["client_section"] = wanted
    wanted_kind = st.query_params.pop("soort", "")
    kind = next((k for k in SESSION_KINDS if k == wanted_kind), None)
    if kind is not None:  # a flag's action: plan this kind, at its usual length
        st.session_state["plan_kind"] = kind
        st.session_state.pop("plan_duration", None)  # drawn anew at the kind's usual length
    session_id = ui.id_in_url("sessie")
    st.query_params.pop("sessie", None)
    if not session_id:
        return
    try:
        with ui.db_session() as session:
            planned = get_planned_session(session, coach_id=ui.coach_id(), session_id=session_id)
    except (NotFound, ValidationError):
        return  # logged or cancelled meanwhile: the form starts empty
    local = planned.scheduled_at.astimezone(zone(timezone))
    st.session_state.update(
        log_date=local.date(),
        log_time=local.time(),
        log_duration=planned.duration_minutes,
        log_kind=planned.kind,
    )
