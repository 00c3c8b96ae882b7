"""Cliënten: every client, where their trajectory stands, and what needs attention now."""

import streamlit as st

from core.client_data import export_clients_csv
from core.clients import (
    TRAJECTORY_STATUSES,
    SortKey,
    client_table,
    list_client_choices,
    list_clients,
    sort_clients,
)
from core.timefmt import local_date, utc_now
from pages import _client_intake_ui as intake_ui
from pages import _flags_ui as flags_ui
from pages import _ui as ui

ATTENTION_SHOWN = 12

coach = ui.coach()
now = utc_now()
today = local_date(now, coach.timezone)
st.title(ui.t("clients.title"))
ui.show_flash()

# The status chips get a row of their own: beside the search they were cut off at 1024 px.
search, sort_choice = st.columns([3, 1], vertical_alignment="bottom")
query = search.text_input(ui.t("clients.search"), key="clients_query", max_chars=120)
status = st.segmented_control(
    ui.t("clients.status"),
    TRAJECTORY_STATUSES,
    format_func=lambda s: ui.t(f"trajectory_status.{s}"),
    key="clients_status",
)
sort_key = sort_choice.selectbox(
    ui.t("clients.sort"),
    list(SortKey),
    format_func=lambda k: ui.t(f"clients.sort_{k}"),
    key="clients_sort",
)

with ui.db_session() as session:
    rows = list_clients(
        session, coach_id=coach.id, now=now, today=today, query=query, status=status
    )
    choices = list_client_choices(session, coach_id=coach.id)
rows = sort_clients(rows, sort_key or next(iter(SortKey)))

with st.expander(ui.t("clients.new_title"), icon=":material/person_add:"):
    intake_ui.new_client_form(choices)
export, upload = st.columns(2)
with export:
    ui.download(
        ui.t("clients.export"),
        lambda: export_clients_csv(rows, language=coach.language, timezone=coach.timezone).encode(),
        file_name=f"afronding-clienten-{today.isoformat()}.csv",
        mime="text/csv",
        width="stretch",
    )
with upload.popover(ui.t("clients.import"), icon=":material/upload:", width="stretch"):
    intake_ui.import_panel()

if not rows:
    st.info(ui.t("clients.none_found" if choices else "clients.empty"), icon=":material/info:")
    st.stop()

table = client_table(rows, language=coach.language, timezone=coach.timezone, today=today)
# A click on any cell opens its client, as the caption says; the row's box does too.
picked = st.dataframe(
    table,
    hide_index=True,
    on_select="rerun",
    selection_mode=["single-row", "single-cell"],
    key="clients_table",
)
st.caption(
    f"{ui.t('clients.count', shown=len(rows), count=len(choices))} · {ui.t('clients.select_hint')}"
)
if at := [*picked.selection.rows, *(row for row, _ in picked.selection.cells)]:
    chosen = rows[at[0]]
    st.session_state.pop("clients_table", None)  # coming back shows the list unselected
    st.switch_page("pages/client.py", query_params={"id": str(chosen.client_id)})

flagged = [(row, flag) for row in rows for flag in row.flags]
if flagged:
    with st.container(border=True):
        st.header(ui.t("clients.attention_title"))
        for row, flag in flagged[:ATTENTION_SHOWN]:
            st.markdown(f"**{ui.plain(row.name)}** — {ui.t(f'readiness.{flag.value}')}")
            # The actions on a line of their own: beside the text they were cut off at 1024 px.
            with st.container(horizontal=True, gap="large"):
                flags_ui.action_link(flag, client_id=row.client_id, trajectory_id=row.trajectory_id)
                st.page_link(
                    "pages/client.py",
                    label=ui.t("clients.open_client"),
                    query_params={"id": str(row.client_id)},
                )
        if len(flagged) > ATTENTION_SHOWN:
            st.caption(ui.t("clients.attention_more", count=len(flagged) - ATTENTION_SHOWN))
