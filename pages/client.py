"""Cliënt: one client's trajectory as a timeline, with logging, planning, editing and AVG."""

import streamlit as st

from core.client_data import export_client_data
from core.clients import list_client_choices, list_clients
from core.errors import NotFound
from core.sessions import get_progress
from core.timefmt import format_date, local_date, utc_now
from core.timeline import get_client_detail, get_timeline, timeline_rows
from pages import _agenda_ui as agenda
from pages import _client_details_ui as details_ui
from pages import _client_intake_ui as intake_ui
from pages import _flags_ui as flags_ui
from pages import _form_links_ui as form_links_ui
from pages import _gas_ui as gas_ui
from pages import _session_forms_ui as session_forms_ui
from pages import _trajectory_ui as trajectory_ui
from pages import _ui as ui

coach = ui.coach()
now = utc_now()
today = local_date(now, coach.timezone)
st.page_link("pages/clients.py", label=ui.t("client.back"), icon=":material/arrow_back:")

client_id = ui.id_in_url("id")
if client_id is None:
    st.info(ui.t("client.choose"), icon=":material/info:")
    st.stop()
try:
    with ui.db_session() as session:
        detail = get_client_detail(session, coach_id=coach.id, client_id=client_id)
except NotFound:
    st.warning(ui.t("client.not_found"), icon=":material/person_off:")
    st.stop()

st.title(ui.plain(detail.name))
ui.show_flash()
trajectory = detail.trajectories[0]
if len(detail.trajectories) > 1:
    trajectory = st.selectbox(
        ui.t("client.trajectory"),
        detail.trajectories,
        format_func=lambda tr: ui.t(
            "client.trajectory_label",
            goal=tr.goal[:60],
            started=format_date(tr.started_on, coach.language, year=True),
        ),
        key=f"client_trajectory_{client_id}",
    )

with ui.db_session() as session:
    latest = list_clients(session, coach_id=coach.id, now=now, today=today, client_id=client_id)[0]

st.markdown(f"## {ui.plain(trajectory.goal)}")
is_latest = latest.trajectory_id == trajectory.trajectory_id
scores = (
    f"{latest.start_score} → {latest.latest_score}"
    if is_latest and latest.start_score
    else ui.t("client.no_scores")
)
held = latest.held_sessions if is_latest else "–"
st.caption(
    ui.t(
        "client.summary",
        status=ui.t(f"trajectory_status.{trajectory.status}"),
        held=held,
        count=trajectory.planned_sessions,
        scores=scores,
    )
)
if trajectory.referred_by:
    st.caption(ui.t("client.referred", name=ui.plain(trajectory.referred_by)))
for flag in latest.flags if is_latest else ():
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.markdown(f":material/flag: {ui.t(f'readiness.{flag.value}')}", width="stretch")
        flags_ui.action_link(flag, client_id=client_id, trajectory_id=trajectory.trajectory_id)

if trajectory.status in ("closing", "closed"):
    trajectory_ui.plan_pdf_button(trajectory.trajectory_id, detail.name)

# One part at a time: only what the coach looks at is loaded and drawn.
SECTIONS = ("timeline", "log", "plan", "forms", "gas", "details", "new", "privacy")
LABELS = {
    **{n: ui.t(f"client.tab_{n}") for n in SECTIONS},
    "forms": ui.t("forms.tab"),
    "gas": ui.t("gas.tab"),
}
agenda.follow_link(SECTIONS, coach.timezone)
st.session_state.setdefault("client_section", "timeline")  # a link may have chosen another
section = (
    st.segmented_control(
        " ",
        SECTIONS,
        format_func=LABELS.__getitem__,
        required=True,
        key="client_section",
        label_visibility="collapsed",
    )
    or "timeline"
)
open_trajectory = trajectory.status in ("active", "closing")
if section in ("log", "plan") and not open_trajectory:
    st.info(ui.t("client.closed_trajectory"))
elif section == "timeline":
    with ui.db_session() as session:
        events = get_timeline(
            session,
            coach_id=coach.id,
            trajectory_id=trajectory.trajectory_id,
            timezone=coach.timezone,
        )
    ui.timeline(timeline_rows(events, language=coach.language, timezone=coach.timezone))
elif section == "log":
    with ui.db_session() as session:
        progress = get_progress(
            session, coach_id=coach.id, trajectory_id=trajectory.trajectory_id, now=now
        )
    session_forms_ui.log_session_form(trajectory.trajectory_id, progress, coach.timezone)
elif section == "plan":
    agenda.planned_sessions(trajectory.trajectory_id, coach.timezone)
    session_forms_ui.plan_session_form(trajectory.trajectory_id, coach.timezone)
elif section == "forms":
    form_links_ui.forms_panel(trajectory.trajectory_id, detail.name)
elif section == "gas":
    gas_ui.gas_panel(trajectory.trajectory_id)
elif section == "details":
    details_ui.details_forms(detail, trajectory)
elif section == "new":
    with ui.db_session() as session:
        choices = [
            c for c in list_client_choices(session, coach_id=coach.id) if c.client_id != client_id
        ]
    intake_ui.new_trajectory_form(client_id, choices)
else:
    st.caption(ui.t("client.privacy_intro"))
    with ui.db_session() as session:
        archive = export_client_data(session, coach_id=coach.id, client_id=client_id)
    ui.download(
        ui.t("client.export"),
        archive,
        file_name=f"afronding-client-{client_id}.zip",
        mime="application/zip",
    )
    details_ui.delete_form(detail)
