"""A trajectory's own details, and what ending it here (outside the live closing) means."""

from typing import Any

import streamlit as st

from core.agenda import list_planned_sessions
from core.clients import ENDED, TRAJECTORY_STATUSES, update_trajectory
from core.database import transaction
from core.plan_pdf import plan_file_name, plan_pdf
from core.timefmt import local_date, utc_now
from core.timeline import TrajectorySummary
from pages import _ui as ui


def trajectory_form(trajectory: TrajectorySummary) -> None:
    """Goal, dates, size and status; a status that ends the trajectory asks first."""
    errors = ui.FieldErrors()
    pending_key = f"trajectory_ending_{trajectory.trajectory_id}"
    # "Terug" draws a new form, showing the trajectory as it is saved (not the status chosen).
    generation = st.session_state.get(f"{pending_key}_form", 0)
    with st.form(f"trajectory_form_{trajectory.trajectory_id}_{generation}"):
        st.header(ui.t("client.details_trajectory"))
        goal = st.text_area(ui.t("clients.goal"), trajectory.goal)
        errors.slot("goal")
        left, right = st.columns(2)
        started = left.date_input(
            ui.t("clients.started_on"), trajectory.started_on, format="DD-MM-YYYY"
        )
        ended = right.date_input(ui.t("clients.ended_on"), trajectory.ended_on, format="DD-MM-YYYY")
        errors.slot("ended_on")
        planned = st.number_input(
            ui.t("clients.planned_sessions"), 1, 60, trajectory.planned_sessions
        )
        intensive = st.checkbox(ui.t("clients.intensive"), trajectory.intensive)
        status = st.selectbox(
            ui.t("client.status"),
            TRAJECTORY_STATUSES,
            index=TRAJECTORY_STATUSES.index(trajectory.status),
            format_func=lambda s: ui.t(f"trajectory_status.{s}"),
        )
        errors.slot("status")
        submitted = st.form_submit_button(ui.t("clients.save"), type="primary")
    if submitted:
        values = {
            "goal": goal,
            "started_on": started,
            "ended_on": ended,
            "planned_sessions": int(planned),
            "intensive": intensive,
            "status": status,
            "status_was": trajectory.status,  # another tab may change it meanwhile
        }
        if status in ENDED and trajectory.status not in ENDED:
            st.session_state[pending_key] = values  # asked below before anything is saved
        else:
            st.session_state.pop(pending_key, None)
            _save(trajectory.trajectory_id, values, errors)
    if pending := st.session_state.get(pending_key):
        _confirm_ending(trajectory.trajectory_id, pending, pending_key, errors)


def _confirm_ending(
    trajectory_id: int, values: dict[str, Any], pending_key: str, errors: ui.FieldErrors
) -> None:
    """Afsluiten buiten de afrondingssessie: a dialog says what it means and asks about what
    is still planned; closing it without a choice changes nothing."""
    closed = values["status"] == "closed"

    def back() -> None:
        st.session_state.pop(pending_key, None)
        st.session_state[f"{pending_key}_form"] = st.session_state.get(f"{pending_key}_form", 0) + 1

    @st.dialog(
        ui.t("ending.title_closed" if closed else "ending.title_stopped"),
        width="medium",
        on_dismiss=back,
    )
    def ask() -> None:
        with ui.db_session() as session:
            planned = list_planned_sessions(
                session, coach_id=ui.coach_id(), trajectory_id=trajectory_id
            )
        if closed:
            st.warning(ui.t("ending.without_protocol"), icon=":material/warning:")
            st.page_link(
                "pages/closing_session.py",
                label=ui.t("ending.use_live_closing"),
                icon=":material/east:",
                query_params={"traject": str(trajectory_id)},
            )
        cancel = bool(planned) and st.checkbox(
            ui.t("ending.cancel_remaining", count=len(planned)), value=True
        )
        contacts = closed and st.checkbox(ui.t("ending.plan_contacts"), value=False)
        confirm, no = st.columns(2)
        if no.button(ui.t("ending.back"), width="stretch"):
            back()
            st.rerun()
        if confirm.button(ui.t("ending.confirm"), type="primary", width="stretch"):
            st.session_state.pop(pending_key, None)
            _save(trajectory_id, values, errors, cancel_remaining=cancel, plan_contacts=contacts)
            # Still here: the form's input was refused, and the message waits at its field.
            st.error(ui.t("ending.fix_form"), icon=":material/error:")

    ask()


def _save(
    trajectory_id: int,
    values: dict[str, Any],
    errors: ui.FieldErrors,
    *,
    cancel_remaining: bool = True,
    plan_contacts: bool = False,
) -> None:
    coach = ui.coach()
    ui.save(
        lambda session: update_trajectory(
            session,
            coach_id=coach.id,
            trajectory_id=trajectory_id,
            today=local_date(utc_now(), coach.timezone),
            **values,
            cancel_remaining=cancel_remaining,
            plan_contacts=plan_contacts,
        ),
        errors,
        "clients.saved",
    )


def plan_pdf_button(trajectory_id: int, client_name: str) -> None:
    """The borgingsplan as a PDF for the client to take home, made when it is clicked."""
    # Made outside this script run, when the browser asks for the file: everything it needs
    # is taken now (no session state there).
    coach, factory = ui.coach(), ui.session_factory()

    def make() -> bytes:
        with transaction(factory) as session:
            return plan_pdf(
                session,
                coach_id=coach.id,
                trajectory_id=trajectory_id,
                today=local_date(utc_now(), coach.timezone),
            )

    ui.download(
        ui.t("plan_pdf.download"),
        make,
        file_name=plan_file_name(client_name),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key=f"plan_pdf_{trajectory_id}",
    )
