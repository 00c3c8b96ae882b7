"""Starting a closing: which client, which agenda, and on to the live page."""

import streamlit as st

from core.closing import (
    ClosingCandidate,
    list_closing_candidates,
    start_closing,
)
from core.progress import MINIMUM_CLOSING_MINUTES
from core.timefmt import format_moment, utc_now
from core.timer import DEFAULT_MINUTES, Agenda, Phase
from pages import _ui as ui

AGENDAS = tuple(Agenda)


def _candidate_label(candidate: ClosingCandidate, timezone: str) -> str:
    if candidate.session_id:
        return ui.t("closing.running_label", name=candidate.client_name)
    goal = candidate.goal if len(candidate.goal) <= 45 else candidate.goal[:44].rstrip() + "…"
    label = ui.t("closing.candidate", name=candidate.client_name, goal=goal)
    if candidate.planned_closing_at is not None:
        when = format_moment(candidate.planned_closing_at, timezone, ui.language())
        label = ui.t("closing.candidate_planned", label=label, when=when)
    return label


def start_form() -> None:
    """Pick the trajectory (today's planned closing first) and the form, and start the clock."""
    coach = ui.coach()
    st.caption(ui.t("closing.intro"))
    with ui.db_session() as session:
        candidates = list_closing_candidates(session, coach_id=coach.id, now=utc_now())
    if not candidates:
        st.info(ui.t("closing.no_candidates"), icon=":material/info:")
        return
    labels = {c.trajectory_id: _candidate_label(c, coach.timezone) for c in candidates}
    # "Start de afronding" on Vandaag opens this form with that client chosen.
    wanted = ui.id_in_url("traject")
    st.query_params.pop("traject", None)
    index = next((i for i, c in enumerate(candidates) if c.trajectory_id == wanted), None)
    if index is not None:
        st.session_state.pop("closing_choice", None)  # an earlier choice gives way
    chosen = st.selectbox(
        ui.t("closing.choose"),
        candidates,
        index=index or 0,
        format_func=lambda c: labels[c.trajectory_id],
        key="closing_choice",
    )
    if chosen.session_id:
        if st.button(ui.t("closing.resume_running"), type="primary", icon=":material/play_arrow:"):
            _open(chosen.session_id)
        return
    if chosen.advise_two_sessions:
        st.info(ui.t("closing.advise_two"), icon=":material/lightbulb:")
    if not chosen.in_last_sessions:
        st.warning(
            ui.t(
                "closing.not_last_sessions",
                held=chosen.held_sessions,
                planned=chosen.planned_sessions,
            ),
            icon=":material/warning:",
        )
    agenda = st.radio(
        ui.t("closing.agenda"),
        AGENDAS,
        index=AGENDAS.index(chosen.suggested_agenda),
        format_func=lambda a: ui.t(f"agenda.{a}"),
        key=f"closing_agenda_{chosen.trajectory_id}",
    )
    minutes: dict[Phase, int] = {}
    with st.expander(ui.t("closing.minutes")):
        columns = st.columns(len(DEFAULT_MINUTES[agenda]))
        for column, (phase, default) in zip(columns, DEFAULT_MINUTES[agenda], strict=True):
            minutes[phase] = int(
                column.number_input(
                    ui.t(f"phase.{phase}"), 1, 240, default, key=f"closing_min_{agenda}_{phase}"
                )
            )
    total = sum(minutes.values())
    st.caption(ui.t("closing.minutes_total", count=total))
    if total < MINIMUM_CLOSING_MINUTES:
        st.warning(ui.t("closing.too_short", count=total), icon=":material/timer_off:")
    if st.button(ui.t("closing.start"), type="primary", icon=":material/play_arrow:"):
        with ui.db_session(write=True) as session:
            session_id = start_closing(
                session,
                coach_id=coach.id,
                trajectory_id=chosen.trajectory_id,
                agenda=agenda,
                minutes=minutes,
                now=utc_now(),
            )
        _open(session_id)


def _open(session_id: int) -> None:
    # The session id lives in the URL: a refresh or a second tab opens the same session.
    st.query_params["sessie"] = str(session_id)
    st.rerun()
