"""Afrondingssessie: the live closing session — a calm clock, the agenda, questions, capture."""

import streamlit as st

from core.closing import read_closing
from core.errors import NotFound, ValidationError
from core.timefmt import utc_now
from core.timer import Phase
from pages import _closing_ui as live
from pages import _ui as ui

coach = ui.coach()
st.title(ui.t("closing.title"))
ui.show_flash()

if result := st.session_state.get("closing_summary"):
    live.summary(result)
    st.stop()

raw_id = st.query_params.get("sessie", "")
if not raw_id.isdigit():
    live.start_form()
    st.stop()
try:
    with ui.db_session() as session:
        view = read_closing(session, coach_id=coach.id, session_id=int(raw_id), now=utc_now())
except (NotFound, ValidationError):
    st.query_params.pop("sessie", None)
    st.warning(ui.t("client.not_found"), icon=":material/person_off:")
    st.stop()

st.markdown(f"### {ui.plain(view.client_name)}")
st.caption(ui.plain(view.goal))
live.clock(view.session_id)
live.controls(view)

# The part in focus follows the clock; the coach can look at another one at any time.
current = view.timer.current.phase if view.timer.current else Phase.GOODBYE
pillars = [p for p in live.PILLARS if p in {r.phase for r in view.timer.phases}]
default = current if current in pillars else pillars[0]
focus = (
    st.segmented_control(
        ui.t("closing.focus"),
        pillars,
        default=default,
        format_func=lambda p: ui.t(f"phase.{p}"),
        key=f"closing_focus_{view.session_id}_{default}",
    )
    or default
)
st.caption(ui.t(f"phase_help.{focus}"))
left, right = st.columns([2, 3], gap="large")
with left.container(border=True):
    st.markdown(f"#### {ui.t('closing.questions')}")
    live.manage_questions(focus, live.questions(view, focus))
with right.container(border=True):
    st.markdown(f"#### {ui.t('closing.capture')}")
    live.capture(view, focus)
