"""The live closing page's parts: start form, the clock bar, questions and the summary."""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.agenda import list_planned_sessions
from core.closing import (
    CHECKLIST_ITEMS,
    EVALUATION_CAPTURE,
    PLAN_FIELDS,
    ClosingCandidate,
    ClosingSummary,
    ClosingView,
    end_closing,
    list_closing_candidates,
    next_phase,
    pause_closing,
    previous_phase,
    read_clock,
    resume_closing,
    start_closing,
)
from core.database import transaction
from core.errors import DatabaseUnavailable
from core.glance import TrajectoryGlance
from core.kinds import FormKind, TrajectoryStatus
from core.progress import MINIMUM_CLOSING_MINUTES
from core.question_bank import (
    PHASE_GROUPS,
    Question,
    add_question,
    asked_questions,
    list_questions,
    mark_asked,
    set_question_hidden,
)
from core.timefmt import format_date, format_moment, local_date, utc_now
from core.timer import DEFAULT_MINUTES, Agenda, Phase, TimerReading, bar_segments, format_clock
from pages import _form_links_ui as form_links_ui
from pages import _trajectory_ui as trajectory_ui
from pages import _ui as ui

# Prompts per part, in the catalog as `closing_prompts.<part>.<n>`: the coach adapts them.
PROMPTS = {Phase.OPENING: 2, Phase.BUFFER: 3}
GOODBYE_PROMPTS = (("acknowledge", 2), ("celebrate", 2), ("door_open", 2), ("farewell", 2))
AGENDAS = tuple(Agenda)
STEP_GUARD_SECONDS = 1.5


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
    st.caption(ui.t("closing.minutes_total", total=total))
    if total < MINIMUM_CLOSING_MINUTES:
        st.warning(ui.t("closing.too_short", total=total), icon=":material/timer_off:")
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
        planned=round(reading.planned_seconds / 60),
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
        _ticking_bar(view.session_id)


@st.fragment(run_every=1)
def _ticking_bar(session_id: int) -> None:
    """Every second it reads the stored moments again (zero drift)."""
    try:
        with transaction(ui.session_factory()) as session:
            reading = read_clock(
                session, coach_id=ui.coach_id(), session_id=session_id, now=utc_now()
            )
    except DatabaseUnavailable:
        st.caption(ui.t("db.unavailable"))
        return
    if reading.finished or not ui.still_logged_in():
        # Ended, or logged out, in another tab or on another device: follow it here.
        st.rerun(scope="app")
    clock, buttons = st.columns([3, 2], vertical_alignment="center")
    clock.html(_clock_html(reading))
    _controls(buttons, session_id, reading)


def _controls(column: DeltaGenerator, session_id: int, reading: TimerReading) -> None:
    """Back, next and pause: each changes the stored moments, then the whole page follows."""
    current = reading.current
    first = current is None or current is reading.phases[0]
    action = None
    if column.button(
        ui.t("closing.next"),
        icon=":material/skip_next:",
        type="primary",
        key="closing_next",
        disabled=current is None or current.phase is Phase.BUFFER,
        width="stretch",
    ):
        action = next_phase
    back, pause = column.columns([2, 3])
    if back.button(
        ui.t("closing.back_short"),
        icon=":material/undo:",
        key="closing_back",
        disabled=first,
        width="stretch",
    ):
        action = previous_phase
    if reading.paused:
        if pause.button(
            ui.t("closing.resume"),
            icon=":material/play_arrow:",
            key="closing_resume",
            width="stretch",
        ):
            action = resume_closing
    elif pause.button(
        ui.t("closing.pause"), icon=":material/pause:", key="closing_pause", width="stretch"
    ):
        action = pause_closing
    now = utc_now()
    steps = st.session_state.setdefault("closing_last_step", {})  # {session id: moment}
    if action in (next_phase, previous_phase):
        # A double click is one step: a second step within a moment of the first is ignored.
        last = steps.get(session_id)
        if last is not None and (now - last).total_seconds() < STEP_GUARD_SECONDS:
            action = None
        else:
            steps[session_id] = now
    if action is not None:
        with ui.db_session(write=True) as session:
            action(session, coach_id=ui.coach_id(), session_id=session_id, now=now)
        if action in (next_phase, previous_phase):
            st.query_params.pop("deel", None)  # the part in focus follows the clock again
        st.rerun()


def _score_line(first: int | None, latest: int | None) -> str:
    if first is None and latest is None:
        return ui.t("closing.glance_no_scores")
    return ui.t(
        "closing.glance_scores", first="–" if first is None else first, latest=latest or "–"
    )


def opening(glance: TrajectoryGlance) -> None:
    """Terugblik op het traject als geheel: the whole trajectory at a glance."""
    st.markdown(f"**{ui.t('closing.glance_title')}**")
    st.markdown(f"{ui.t('closing.glance_goal')}  \n{ui.plain(glance.goal)}")
    st.markdown(
        f"{_score_line(glance.first_score, glance.latest_score)} · "
        f"{ui.t('closing.glance_sessions', count=glance.sessions_held)}"
    )
    if glance.themes:
        st.markdown(ui.t("closing.glance_themes"))
        for theme in glance.themes:
            st.markdown(f"- {ui.plain(theme)}")


def _achieved(view: ClosingView, glance: TrajectoryGlance) -> None:
    """What was achieved, from this trajectory's own data: to read aloud or hand over."""
    with st.container(border=True):
        st.markdown(f"**{ui.t('closing.achieved_title')}**")
        st.markdown(_score_line(glance.first_score, view.evaluation.goal_score))
        for name, value in (
            ("main_changes", view.evaluation.main_changes),
            ("key_insight", view.evaluation.key_insight),
            ("main_change", view.plan.main_change),
        ):
            if value:
                st.markdown(f"{ui.t(f'closing.{name}')}: {ui.plain(value)}")


def guidance(view: ClosingView, part: Phase, glance: TrajectoryGlance | None) -> None:
    """What the coach says and asks in this part: prompts, and the bank's questions."""
    st.markdown(f"**{ui.t(f'closing.guide_{part}')}**")
    if part in PROMPTS:
        for number in range(1, PROMPTS[part] + 1):
            st.markdown(f"- {ui.t(f'closing_prompts.{part}.{number}')}")
    if part is Phase.GOODBYE and glance is not None:
        _achieved(view, glance)
        for topic, count in GOODBYE_PROMPTS:
            st.markdown(f"*{ui.t(f'closing_prompts.goodbye.{topic}_title')}*")
            for number in range(1, count + 1):
                st.markdown(f"- {ui.t(f'closing_prompts.goodbye.{topic}_{number}')}")
        st.caption(ui.t("closing_prompts.goodbye.not_pushy"))
    if part in PHASE_GROUPS:
        manage_questions(part, questions(view, part))


def _tick(session_id: int, key: str, question: str) -> None:
    with transaction(ui.session_factory(), write=True) as session:
        mark_asked(
            session,
            coach_id=ui.coach_id(),
            session_id=session_id,
            key=question,
            asked=st.session_state[key],
        )


def questions(view: ClosingView, pillar: Phase) -> list[Question]:
    """The bank's questions for this pillar, to tick when asked; the coach's own added."""
    coach = ui.coach()
    groups = PHASE_GROUPS[pillar]
    with ui.db_session() as session:
        every = list_questions(
            session, coach_id=coach.id, language=coach.language, groups=groups, include_hidden=True
        )
        asked = asked_questions(session, coach_id=coach.id, session_id=view.session_id)
    bank = [q for q in every if not q.hidden]
    st.caption(ui.t("closing.ask_tick"))
    group = None
    for question in bank:
        if question.group != group:
            group = question.group
            st.markdown(f"**{ui.t(f'question_group.{group}')}**")
        key = f"closing_{view.session_id}_asked_{question.key}"
        st.checkbox(
            ui.plain(question.text) if not question.custom else f"✎ {ui.plain(question.text)}",
            value=question.key in asked,
            key=key,
            on_change=_tick,
            args=(view.session_id, key, question.key),
        )
    return every


def _offer_homework(view: ClosingView) -> None:
    """After session −1: the borgingsplan as homework, by a personal link."""
    st.info(ui.t("closing.summary_homework"), icon=":material/assignment:")
    if st.button(
        ui.t("closing.summary_homework_button"), type="primary", icon=":material/add_link:"
    ):
        form_links_ui.make_form_link(view.trajectory_id, FormKind.RETENTION_HOMEWORK)
    if made := st.session_state.get(f"form_link_url_{view.trajectory_id}"):
        form_links_ui.mail_form_link(view.trajectory_id, *made, client_name=view.client_name)


def summary(view: ClosingView, result: ClosingSummary) -> None:
    """What ending the session did: the trajectory's state and the follow-ups planned."""
    coach = ui.coach()
    st.header(ui.t("closing.summary_title"))
    if result.status is TrajectoryStatus.CLOSING:
        message = "closing.summary_closing"
    else:
        message = (
            "closing.summary_closed_full" if result.full_protocol else "closing.summary_closed"
        )
    st.success(ui.t(message), icon=":material/celebration:")
    if result.status is TrajectoryStatus.CLOSING:
        _offer_homework(view)
    elif result.no_room_for_emotion:
        st.warning(ui.t("closing.summary_no_emotion"), icon=":material/favorite:")
    if gaps := result.gaps:
        missing = ", ".join(ui.t(f"closing.{gap}") for gap in gaps)
        st.info(ui.t("closing.summary_gaps", missing=missing), icon=":material/checklist:")
    self_check = result.plan.self_check_on
    captured = [
        *((name, getattr(result.evaluation, name)) for name in EVALUATION_CAPTURE),
        *((name, getattr(result.plan, name)) for name in PLAN_FIELDS),
        ("self_check_on", format_date(self_check, coach.language, year=True) if self_check else ""),
        ("coach_notes", result.checklist.coach_notes),
    ]
    with st.container(border=True):
        for name, value in captured:
            if value not in (None, ""):
                st.markdown(f"**{ui.t(f'closing.{name}')}** · {ui.plain(str(value))}")
        done = ui.t(
            "closing.checklist_done", done=result.checklist_done, total=len(CHECKLIST_ITEMS)
        )
        st.markdown(f"**{ui.t('phase.goodbye')}** · {done}")
    if result.follow_ups:
        st.markdown(f"**{ui.t('closing.summary_follow_ups')}**")
        for kind, due in result.follow_ups:
            st.markdown(
                f"- {format_date(due, coach.language, year=True)} · "
                f"{ui.t(f'follow_up_kind.{kind}')}"
            )
    trajectory_ui.plan_pdf_button(view.trajectory_id, view.client_name)
    if st.button(ui.t("closing.summary_new"), icon=":material/add:"):
        st.query_params.pop("sessie", None)
        st.rerun()


def _hide(keys_before: set[str], widget: str) -> None:
    chosen = set(st.session_state[widget])
    with transaction(ui.session_factory(), write=True) as session:
        for key in keys_before ^ chosen:
            set_question_hidden(session, coach_id=ui.coach_id(), key=key, hidden=key in chosen)


def manage_questions(pillar: Phase, every: list[Question]) -> None:
    """Add a question of the coach's own to this pillar, or hide bank questions not used."""
    coach = ui.coach()
    groups = PHASE_GROUPS[pillar]
    with st.expander(ui.t("closing.own_question"), icon=":material/add:"):
        errors = ui.FieldErrors()
        with st.form(f"closing_add_question_{pillar}", border=False):
            group = st.selectbox(
                ui.t("closing.questions"), groups, format_func=lambda g: ui.t(f"question_group.{g}")
            )
            text = st.text_input(
                ui.t("closing.own_question"), max_chars=300, key=f"closing_new_question_{pillar}"
            )
            errors.slot("text")
            if st.form_submit_button(ui.t("closing.add_question")):
                ui.save(
                    lambda s: add_question(s, coach_id=coach.id, group=group, text=text),
                    errors,
                    "closing.question_added",
                    clear=(f"closing_new_question_{pillar}",),
                )
    with st.expander(ui.t("closing.hide_questions"), icon=":material/visibility_off:"):
        hidden = {q.key for q in every if q.hidden}
        widget = f"closing_hidden_{pillar}"
        st.multiselect(
            ui.t("closing.hide_questions"),
            [q.key for q in every],
            default=sorted(hidden),
            format_func={q.key: q.text for q in every}.__getitem__,
            key=widget,
            on_change=_hide,
            args=(hidden, widget),
            label_visibility="collapsed",
        )
