"""Afrondingssessie: the live closing session — a calm clock, the agenda, questions, capture."""

import streamlit as st

from core.closing import read_closing, read_closing_summary
from core.errors import NotFound, ValidationError
from core.glance import read_glance
from core.timefmt import utc_now
from core.timer import Phase
from pages import _closing_capture as capture
from pages import _closing_clock_ui as clock_ui
from pages import _closing_guidance_ui as guidance_ui
from pages import _closing_start_ui as start_ui
from pages import _closing_summary_ui as summary_ui
from pages import _ui as ui

coach = ui.coach()
ui.show_flash()

session_id = ui.id_in_url("sessie")
if session_id is None:
    st.title(ui.t("closing.title"))
    start_ui.start_form()
    st.stop()
try:
    with ui.db_session() as session:
        view = read_closing(session, coach_id=coach.id, session_id=session_id, now=utc_now())
        summary = (
            read_closing_summary(
                session, coach_id=coach.id, session_id=view.session_id, now=utc_now()
            )
            if view.ended
            else None
        )
except (NotFound, ValidationError):
    # Said on every run (a login by cookie reruns the page), with the way on below it.
    st.warning(ui.t("closing.not_found"), icon=":material/person_off:")
    st.title(ui.t("closing.title"))
    start_ui.start_form()
    st.stop()

clock_ui.header(view, unsaved=capture.unsaved_fields(view))
if summary is not None:  # an ended closing shows what it recorded, also after a reload
    summary_ui.summary(view, summary)
    st.stop()
clock_ui.clock_bar(view)

# The part in focus follows the clock; the coach can look at another one at any time, and
# that choice is in the URL, so a reload opens the part the coach was typing in.
parts = [r.phase for r in view.timer.phases]
current = view.timer.current.phase if view.timer.current else parts[-1]
# `deel=<part>.<phase of the clock then>`: a choice made in an earlier phase no longer holds.
chosen, _, during = st.query_params.get("deel", "").partition(".")
default = next((p for p in parts if p.value == chosen and during == current.value), current)
focus_key = f"closing_focus_{view.session_id}_{current}"


def remember_focus() -> None:
    """Keep the part the coach looks at in the URL, unless it is the one the clock is in."""
    picked = st.session_state[focus_key]
    if picked == current:
        st.query_params.pop("deel", None)
    else:
        st.query_params["deel"] = f"{picked}.{current}"


focus: Phase = st.segmented_control(
    ui.t("closing.focus"),
    parts,
    default=default,
    format_func=lambda p: ui.t(f"phase.{p}"),
    key=focus_key,
    label_visibility="collapsed",
    required=True,  # a tap on the part in view keeps it in view
    on_change=remember_focus,
)
st.caption(ui.t(f"phase_help.{focus}"))
glance = None
if focus in (Phase.OPENING, Phase.GOODBYE):
    with ui.db_session() as session:
        glance = read_glance(session, coach_id=coach.id, trajectory_id=view.trajectory_id)
fields, questions = st.columns([3, 2], gap="medium")
with fields.container(border=True, key="closing_capture"):
    if focus is Phase.OPENING and glance is not None:
        guidance_ui.opening(glance)
    else:
        st.markdown(f"**{ui.t('closing.capture')}**")
        capture.capture(view, focus)
with questions.container(border=True):
    guidance_ui.guidance(view, focus, glance)
