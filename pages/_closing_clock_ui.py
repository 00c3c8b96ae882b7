"""The live closing's heading and its clock bar: phase, time, the next step, ending."""

from collections.abc import Callable
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.agenda import list_planned_sessions
from core.closing import (
    ClosingView,
    end_closing,
    next_phase,
    pause_closing,
    previous_phase,
    read_clock,
    resume_closing,
)
from core.database import transaction
from core.errors import DatabaseUnavailable
from core.timefmt import local_date, utc_now
from core.timer import Agenda, Phase, TimerReading, bar_segments, format_clock
from pages import _ui as ui


def header(view: ClosingView, *, unsaved: int = 0) -> None:
    """Client and goal in one line, with ending the session at the right."""
    left, right = st.columns([5, 2], vertical_alignment="center")
    left.container(key="closing_title").markdown(
        f"# {ui.plain(view.client_name)} <small>· {ui.plain(view.goal)}</small>",
        unsafe_allow_html=True,
    )
    if view.ended:
        return
    with right.popover(ui.t("closing.end"), icon=":material/flag:", width="stretch"):
        st.write(ui.t("closing.end_confirm"))
        if unsaved:
            st.warning(ui.t("closing.end_unsaved", count=unsaved), icon=":material/sync_problem:")
        cancel = _ask_about_remaining(view)
        if st.button(ui.t("closing.end_yes"), type="primary", key="closing_end_yes"):
            now = utc_now()
            with ui.db_session(write=True) as session:
                end_closing(
                    session,
                    coach_id=ui.coach_id(),
                    session_id=view.session_id,
                    now=now,
                    today=local_date(now, ui.coach().timezone),
                    cancel_remaining=cancel,
                )
            st.rerun()  # the same URL now shows the summary


def _ask_about_remaining(view: ClosingView) -> bool:
    """Ending the trajectory: cancel the sessions still planned in it? (Yes, unless unticked.)"""
    if view.agenda is Agenda.MINUS_1:
        return False  # session −1: the trajectory goes on to session 0
    with ui.db_session() as session:
        planned = list_planned_sessions(
            session, coach_id=ui.coach_id(), trajectory_id=view.trajectory_id
        )
    others = [p for p in planned if p.session_id != view.session_id]
    if not others:
        return True
    return st.checkbox(
        ui.t("ending.cancel_remaining", count=len(others)), value=True, key="closing_end_cancel"
    )


def _clock_html(reading: TimerReading) -> str:
    current = reading.current
    phase = ui.t(f"phase.{current.phase}") if current else ui.t("closing.summary_title")
    big = format_clock(current.remaining_seconds if current else 0)
    # "nog 04:57" in Dutch, "04:57 left" in English: the catalog places the time.
    before, _, after = ui.t("closing.left", time="\x00").partition("\x00")
    before = f'<span class="af-left">{before}</span>' if before.strip() else ""
    after = f'<span class="af-left">{after}</span>' if after.strip() else ""
    if current and current.overtime_seconds:
        big = "+" + format_clock(current.overtime_seconds)
        before, after = "", f'<span class="af-over">{ui.t("closing.overtime")}</span>'
    if reading.paused:
        after = f'<span class="af-paused">{ui.t("closing.paused")}</span>'
    bar = "".join(
        f'<div class="af-seg af-{s.state}{" af-overrun" if s.over else ""}"'
        f' style="flex:{s.share:.2f}" title="{ui.t(f"phase.{s.phase}")}">'
        f'<div class="af-fill" style="width:{s.filled:.1f}%"></div>'
        f'<div class="af-eaten" style="width:{s.eaten:.1f}%"></div></div>'
        for s in bar_segments(reading)
    )
    buffer = reading.buffer_left_seconds
    buffer_text = (
        ui.t("closing.buffer_left", time=format_clock(buffer))
        if buffer > 0
        else ui.t("closing.buffer_eaten")
    )
    elapsed = ui.t(
        "closing.elapsed",
        elapsed=int(reading.elapsed_seconds // 60),
        count=round(reading.planned_seconds / 60),
    )
    return f"""<div class="af-clock" data-testid="closing-clock">
  <div class="af-line"><span class="af-phase">{phase}</span>{before}
  <span class="af-big" data-testid="closing-time">{big}</span>{after}</div>
  <div class="af-meta">{buffer_text} · {elapsed}</div>
  <div class="af-bar" aria-hidden="true">{bar}</div>
</div>"""


def clock_bar(view: ClosingView) -> None:
    """The compact clock with the next-step buttons; it stays in view while typing."""
    with st.container(key="closing_bar"):
        _ticking_bar(view.session_id, view.timer)


@st.fragment(run_every=1)
def _ticking_bar(session_id: int, page_reading: TimerReading) -> None:
    """Every second it reads the stored moments again (zero drift). In the page's own run it
    shows what the page just read, in the login app.py just checked."""
    ticking = ui.fragment_rerun()
    reading = page_reading
    if ticking:
        try:
            with transaction(ui.session_factory()) as session:
                reading = read_clock(
                    session, coach_id=ui.coach_id(), session_id=session_id, now=utc_now()
                )
        except DatabaseUnavailable:
            st.caption(ui.t("db.unavailable"))
            return
    if reading.finished or (ticking and not ui.still_logged_in()):
        # Ended, or logged out, in another tab or on another device: follow it here.
        st.rerun(scope="app")
    clock, buttons = st.columns([3, 2], vertical_alignment="center")
    clock.html(_clock_html(reading))
    _controls(buttons, session_id, reading)


def _controls(column: DeltaGenerator, session_id: int, reading: TimerReading) -> None:
    """Back, next and pause: each changes the stored moments, then the whole page follows."""
    current = reading.current
    first = current is None or current is reading.phases[0]
    # A step belongs to the phase its screen showed: the buttons are keyed by it, so a click
    # in a tab behind the clock (another tab or device stepped first) is dropped in the rerun
    # that shows the new phase, and the database takes no step from another phase than seen.
    seen = current.phase if current else None
    step: Callable[..., None] | None = None
    toggle: Callable[..., None] | None = None
    if column.button(
        ui.t("closing.next"),
        icon=":material/skip_next:",
        type="primary",
        key=f"closing_next_{seen}",
        disabled=current is None or current.phase is Phase.BUFFER,
        width="stretch",
    ):
        step = partial(next_phase, seen=seen)
    back, pause = column.columns([2, 3])
    if back.button(
        ui.t("closing.back_short"),
        icon=":material/undo:",
        key=f"closing_back_{seen}",
        disabled=first,
        width="stretch",
    ):
        step = partial(previous_phase, seen=seen)
    if reading.paused:
        if pause.button(
            ui.t("closing.resume"),
            icon=":material/play_arrow:",
            key="closing_resume",
            width="stretch",
        ):
            toggle = resume_closing
    elif pause.button(
        ui.t("closing.pause"), icon=":material/pause:", key="closing_pause", width="stretch"
    ):
        toggle = pause_closing
    # A double click is one step without a timer: the buttons are keyed to the phase they
    # were drawn in (a click on the old one finds no button), and the database steps only
    # from that phase. So "Volgende" then "Terug" at once is two steps, as meant.
    now = utc_now()
    action = step or toggle
    if action is not None:
        with ui.db_session(write=True) as session:
            action(session, coach_id=ui.coach_id(), session_id=session_id, now=now)
        if step is not None:
            st.query_params.pop("deel", None)  # the part in focus follows the clock again
        st.rerun()
