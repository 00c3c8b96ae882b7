"""A client's own details and trajectory, and erasing the client (AVG)."""

import streamlit as st

from core.client_data import (
    delete_client,
)
from core.clients import (
    update_client,
)
from core.i18n import LANGUAGES
from core.kinds import Language
from core.timeline import ClientDetail, TrajectorySummary
from pages import _trajectory_ui as trajectory_ui
from pages import _ui as ui


def details_forms(detail: ClientDetail, trajectory: TrajectorySummary) -> None:
    """Edit the client's details and the selected trajectory."""
    errors = ui.FieldErrors()
    with st.form(f"client_form_{detail.client_id}"):
        st.header(ui.t("client.details_client"))
        name = st.text_input(ui.t("clients.name"), detail.name, max_chars=120)
        errors.slot("name")
        email = st.text_input(ui.t("clients.email"), detail.email or "")
        errors.slot("email")
        phone = st.text_input(ui.t("clients.phone"), detail.phone or "")
        errors.slot("phone")
        notes = st.text_area(ui.t("clients.notes"), detail.notes or "")
        errors.slot("notes")
        choices: list[Language | None] = [None, *LANGUAGES]
        language = st.selectbox(
            ui.t("clients.language"),
            choices,
            index=choices.index(Language(detail.language) if detail.language else None),
            format_func=lambda code: (
                ui.t(f"language.{code}") if code else ui.t("clients.language_coach")
            ),
            placeholder=ui.t("clients.language_coach"),  # what None reads as (see _trends_ui)
            help=ui.t("clients.language_help"),
        )
        if st.form_submit_button(ui.t("clients.save"), type="primary"):
            ui.save(
                lambda session: update_client(
                    session,
                    coach_id=ui.coach_id(),
                    client_id=detail.client_id,
                    name=name,
                    email=email,
                    phone=phone,
                    notes=notes,
                    language=language,
                ),
                errors,
                "clients.saved",
            )
    trajectory_ui.trajectory_form(trajectory)


def delete_form(detail: ClientDetail) -> None:
    """Delete the client for good, after typing their name."""
    st.header(ui.t("client.delete_title"))
    st.warning(ui.t("client.delete_warning"), icon=":material/warning:")
    errors = ui.FieldErrors()
    with st.form(f"delete_form_{detail.client_id}"):
        typed = st.text_input(ui.t("client.delete_confirm"), key="delete_confirm")
        errors.slot("confirm_name")
        submitted = st.form_submit_button(ui.t("client.delete_submit"))
    if not submitted:
        return
    ui.save(
        lambda session: delete_client(
            session, coach_id=ui.coach_id(), client_id=detail.client_id, confirm_name=typed
        ),
        errors,
        "client.deleted",
        clear=("delete_confirm",),
        then="pages/clients.py",
        name=detail.name,
    )
