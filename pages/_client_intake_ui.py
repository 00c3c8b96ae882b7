"""Adding clients: a new client with a first trajectory, a CSV import, a next trajectory."""

import streamlit as st

from core.client_data import (
    WHOLE_FILE,
    ImportProblem,
    ImportRefused,
    import_clients_csv,
    import_template,
)
from core.clients import (
    ClientChoice,
    TrajectoryInput,
    add_client,
    start_trajectory,
)
from pages import _ui as ui


def _referrer_fields(
    prefix: str, choices: list[ClientChoice], errors: ui.FieldErrors
) -> tuple[int | None, str]:
    options = [None, *(c.client_id for c in choices)]
    names = {c.client_id: c.name for c in choices}
    referrer = st.selectbox(
        ui.t("clients.referred_by"),
        options,
        format_func=lambda cid: names[cid] if cid else ui.t("clients.no_referrer"),
        key=f"{prefix}_referrer",
    )
    source = st.text_input(ui.t("clients.referral_source"), max_chars=200, key=f"{prefix}_source")
    errors.slot("referral_source")
    return referrer, source


def _trajectory_fields(
    prefix: str, choices: list[ClientChoice], errors: ui.FieldErrors
) -> TrajectoryInput:
    goal = st.text_area(ui.t("clients.goal"), key=f"{prefix}_goal", height=80)
    errors.slot("goal")
    left, right = st.columns(2)
    started = left.date_input(
        ui.t("clients.started_on"), key=f"{prefix}_started", format="DD-MM-YYYY"
    )
    planned = right.number_input(
        ui.t("clients.planned_sessions"),
        min_value=1,
        max_value=60,
        value=8,
        key=f"{prefix}_planned",
    )
    errors.slot("planned_sessions")
    intensive = st.checkbox(ui.t("clients.intensive"), key=f"{prefix}_intensive")
    referrer, source = _referrer_fields(prefix, choices, errors)
    return TrajectoryInput(
        goal=goal,
        started_on=started,
        planned_sessions=int(planned),
        intensive=intensive,
        referred_by_client_id=referrer,
        referral_source=source,
    )


NEW_CLIENT_KEYS = (
    "new_name",
    "new_email",
    "new_phone",
    "new_notes",
    "new_goal",
    "new_started",
    "new_planned",
    "new_intensive",
    "new_referrer",
    "new_source",
)


def new_client_form(choices: list[ClientChoice]) -> None:
    """Add a client and their first trajectory in one short form."""
    errors = ui.FieldErrors()
    with st.form("new_client_form", border=False):
        name = st.text_input(ui.t("clients.name"), max_chars=120, key="new_name")
        errors.slot("name")
        left, right = st.columns(2)
        with left:
            email = st.text_input(ui.t("clients.email"), key="new_email")
            errors.slot("email")
        with right:
            phone = st.text_input(ui.t("clients.phone"), key="new_phone")
            errors.slot("phone")
        trajectory = _trajectory_fields("new", choices, errors)
        notes = st.text_area(ui.t("clients.notes"), key="new_notes", height=80)
        errors.slot("notes")
        submitted = st.form_submit_button(ui.t("clients.add"), type="primary")
    if submitted:
        ui.save(
            lambda session: add_client(
                session,
                coach_id=ui.coach_id(),
                name=name,
                email=email,
                phone=phone,
                notes=notes,
                trajectory=trajectory,
            ),
            errors,
            "clients.added",
            clear=NEW_CLIENT_KEYS,
            name=name.strip(),
        )


def import_panel() -> None:
    """Upload a CSV of clients; all or nothing, with line numbers for what is wrong."""
    st.caption(ui.t("clients.import_help"))
    ui.download(
        ui.t("clients.import_template"),
        import_template().encode(),
        file_name="afronding-clienten-voorbeeld.csv",
        mime="text/csv",
    )
    with st.form("clients_import_form", border=False):
        upload = st.file_uploader(
            ui.t("clients.import_file"), type=["csv", "txt"], key="clients_upload"
        )
        submitted = st.form_submit_button(ui.t("clients.import_submit"))
    if not submitted:
        return
    if upload is None:
        st.warning(ui.t("clients.import_choose"), icon=":material/upload_file:")
        return
    try:
        with ui.db_session(write=True) as session:
            count = import_clients_csv(session, coach_id=ui.coach_id(), data=upload.getvalue())
    except ImportRefused as refused:
        lines = [_import_problem(p) for p in refused.problems]
        st.error(
            ui.t("clients.import_refused") + "\n\n" + "\n".join(f"- {ui.plain(x)}" for x in lines)
        )
    else:
        ui.flash("clients.imported", count=count)
        st.rerun()


def _import_problem(problem: ImportProblem) -> str:
    message = ui.t(problem.message_key)
    if problem.line == WHOLE_FILE:
        return message
    if not problem.column:
        return ui.t("clients.import_line_only", line=problem.line, message=message)
    return ui.t("clients.import_line", line=problem.line, column=problem.column, message=message)


def new_trajectory_form(client_id: int, choices: list[ClientChoice]) -> None:
    """Start a new trajectory for a returning client."""
    st.caption(ui.t("client.new_intro"))
    errors = ui.FieldErrors()
    with st.form(f"new_trajectory_{client_id}"):
        trajectory = _trajectory_fields("again", choices, errors)
        submitted = st.form_submit_button(ui.t("client.new_submit"), type="primary")
    if not submitted:
        return
    ui.save(
        lambda session: start_trajectory(
            session, coach_id=ui.coach_id(), client_id=client_id, trajectory=trajectory
        ),
        errors,
        "client.started",
        clear=("again_goal",),
    )
