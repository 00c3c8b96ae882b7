"""Vandaag: sessions coming, follow-ups due, and trajectories that need a step now."""

import streamlit as st

from core.overview import get_overview, greeting_key, overview_tables
from core.timefmt import format_long_date, utc_now
from pages import _overview_ui as overview_ui
from pages import _ui as ui

coach = ui.coach()
now = utc_now()
with ui.db_session() as session:
    overview = get_overview(session, coach_id=coach.id, timezone=coach.timezone, now=now)
tables = overview_tables(overview, coach.language)

st.title(ui.t(greeting_key(now, coach.timezone), name=ui.plain(coach.first_name)))
st.caption(format_long_date(overview.today, coach.language))

metrics = st.columns(4)
metrics[0].metric(ui.t("overview.metric_sessions_today"), len(overview.sessions_today), border=True)
metrics[1].metric(
    ui.t("overview.metric_closings"),
    len(overview.closings),
    help=ui.t("overview.metric_closings_help"),
    border=True,
)
metrics[2].metric(ui.t("overview.metric_overdue"), len(overview.overdue), border=True)
metrics[3].metric(
    ui.t("overview.metric_nearing_end"),
    len(overview.nearing_end),
    help=ui.t("overview.metric_nearing_end_help"),
    border=True,
)

# One section under the other, full width: readable from a distance, nothing cut off.
overview_ui.to_log(overview, coach.language)
overview_ui.forms_not_back(overview, coach.language)
with st.container(border=True):
    st.header(ui.t("overview.sessions_title"))
    overview_ui.sessions(overview, tables["sessions"])
with st.container(border=True):
    st.header(ui.t("overview.follow_ups_title"))
    ui.table(tables["follow_ups"], "overview.follow_ups_empty")
    st.page_link("pages/follow_ups.py", label=ui.t("nav.follow_ups"), icon=":material/east:")
with st.container(border=True):
    st.header(ui.t("overview.nearing_end_title"))
    st.caption(ui.t("overview.nearing_end_help"))
    ui.table(tables["nearing_end"], "overview.nearing_end_empty")
with st.container(border=True):
    st.header(ui.t("overview.intermediate_title"))
    st.caption(ui.t("overview.intermediate_help"))
    ui.table(tables["intermediate_due"], "overview.intermediate_empty")
