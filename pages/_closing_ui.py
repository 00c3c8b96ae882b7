"""The live closing page's parts: start form, ticking clock, controls, questions, capture."""

from datetime import date
from typing import Any

import streamlit as st

from core.closing import (
    CHECKLIST_ITEMS,
    EVALUATION_FIELDS,
    ClosingSummary,
    ClosingView,
    StaleEdit,
    end_closing,
    list_closing_candidates,
    next_phase,
    pause_closing,
    read_clock,
    resume_closing,
    save_checklist,
    save_evaluation,
    save_plan,
    start_closing,
)
from core.database import transaction
from core.errors import DatabaseUnavailable, ValidationError
from core.question_bank import (
    PHASE_GROUPS,
    Question,
    add_question,
    asked_questions,
    list_questions,
    mark_asked,
    set_question_hidden,
)
from core.timefmt import format_date, local_date, utc_now
from core.timer import DEFAULT_MINUTES, Agenda, Phase, TimerReading, bar_segments, format_clock
from pages import _ui as ui

PILLARS = (Phase.EVALUATION, Phase.RETENTION, Phase.GOODBYE)
PLAN_TEXT_FIELDS = (
    "main_change",
    "relapse_situations",
    "relapse_strategy",
    "accountability_person",
    "self_check_method",
    "concrete_actions",
)
AGENDAS = tuple(Agenda)


def start_form() -> None:
    """Pick the trajectory and the closing's form, adjust minutes, and start the clock."""
    coach = ui.coach()
    st.caption(ui.t("closing.intro"))
    with ui.db_session() as session:
        candidates = list_closing_candidates(session, coach_id=coach.id)
    if not candidates:
        st.info(ui.t("closing.no_candidates"), icon=":material/info:")
        return
    chosen = st.selectbox(
        ui.t("closing.choose"),
        candidates,
        format_func=lambda c: (
            ui.t("closing.running_label", name=c.client_name)
            if c.session_id
            else ui.t("closing.candidate", name=c.client_name, goal=c.goal[:70])
        ),
        key="closing_choice",
    )
    if chosen.session_id:
        if st.button(ui.t("closing.resume_running"), type="primary", icon=":material/play_arrow:"):
            _open(chosen.session_id)
        return
    if chosen.advise_two_sessions:
        st.info(ui.t("closing.advise_two"), icon=":material/lightbulb:")
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
    st.caption(ui.t("closing.minutes_total", total=sum(minutes.values())))
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


CLOCK_CSS = """
<style>
.af-clock { font-family: inherit; margin: .2rem 0 1rem; }
.af-phase { font-size: 1.6rem; color: #2E6B5E; font-weight: 600; }
.af-big { font-size: 5.2rem; line-height: 1.05; font-weight: 700;
          font-variant-numeric: tabular-nums; letter-spacing: .02em; color: #1E2A2D; }
.af-left, .af-paused, .af-over { font-size: 1.25rem; margin-left: .6rem; color: #5b6b6e; }
.af-over { color: #9a6a16; }
.af-paused { font-style: italic; }
.af-meta { font-size: 1.15rem; color: #45555a; margin-top: .3rem; }
.af-bar { display: flex; gap: 4px; margin-top: 1rem; height: 2.6rem; }
.af-seg { position: relative; background: #EFECE5; border-radius: .45rem; overflow: hidden;
          border: 1px solid #DAD5CB; }
.af-seg span { position: absolute; left: .5rem; top: .55rem; font-size: .95rem;
               color: #1E2A2D; white-space: nowrap; }
.af-fill { position: absolute; left: 0; top: 0; bottom: 0; background: #b9d5cc; }
.af-current .af-fill { background: #8fc0b2; }
.af-current { border: 2px solid #2E6B5E; }
.af-overrun .af-fill { background: #e9cf95; }
.af-eaten { position: absolute; left: 0; top: 0; bottom: 0;
            background: repeating-linear-gradient(45deg, #e9cf95 0 6px, #f3e3bf 6px 12px); }
</style>
"""


def _clock_html(reading: TimerReading) -> str:
    current = reading.current
    phase = ui.t(f"phase.{current.phase}") if current else ui.t("closing.summary_title")
    if reading.paused:
        status = f'<span class="af-paused">{ui.t("closing.paused")}</span>'
    elif current and current.overtime_seconds:
        over = ui.t("closing.over", time=format_clock(current.overtime_seconds))
        status = f'<span class="af-over">{over}</span>'
    else:
        status = f'<span class="af-left">{ui.t("closing.left")}</span>'
    big = format_clock(current.remaining_seconds if current else 0)
    if current and current.overtime_seconds:
        big = "+" + format_clock(current.overtime_seconds)
    bar = "".join(
        f'<div class="af-seg af-{s.state}{" af-overrun" if s.over else ""}"'
        f' style="flex:{s.share:.2f}">'
        f'<div class="af-fill" style="width:{s.filled:.1f}%"></div>'
        f'<div class="af-eaten" style="width:{s.eaten:.1f}%"></div>'
        f"<span>{ui.t(f'phase.{s.phase}')}</span></div>"
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
        elapsed=format_clock(reading.elapsed_seconds),
        planned=format_clock(reading.planned_seconds),
    )
    return f"""{CLOCK_CSS}<div class="af-clock" data-testid="closing-clock">
  <div class="af-phase">{phase}</div>
  <div><span class="af-big" data-testid="closing-time">{big}</span>{status}</div>
  <div class="af-meta">{elapsed} · {buffer_text}</div>
  <div class="af-bar">{bar}</div>
</div>"""


@st.fragment(run_every=1)
def clock(session_id: int) -> None:
    """The ticking clock: every second it reads the stored moments again (zero drift)."""
    try:
        with transaction(ui.session_factory()) as session:
            reading = read_clock(
                session, coach_id=ui.coach_id(), session_id=session_id, now=utc_now()
            )
    except DatabaseUnavailable:
        st.caption(ui.t("db.unavailable"))
        return
    st.html(_clock_html(reading))


def controls(view: ClosingView) -> None:
    """Next part, pause or resume, and ending the session."""
    coach_id = ui.coach_id()
    now = utc_now()
    left, middle, right = st.columns([4, 3, 4])
    if left.button(
        ui.t("closing.next"),
        icon=":material/skip_next:",
        width="stretch",
        disabled=view.timer.current is None or view.timer.current.phase is Phase.BUFFER,
    ):
        with ui.db_session(write=True) as session:
            next_phase(session, coach_id=coach_id, session_id=view.session_id, now=now)
        st.rerun()
    if view.timer.paused:
        if middle.button(ui.t("closing.resume"), icon=":material/play_arrow:", width="stretch"):
            with ui.db_session(write=True) as session:
                resume_closing(session, coach_id=coach_id, session_id=view.session_id, now=now)
            st.rerun()
    elif middle.button(ui.t("closing.pause"), icon=":material/pause:", width="stretch"):
        with ui.db_session(write=True) as session:
            pause_closing(session, coach_id=coach_id, session_id=view.session_id, now=now)
        st.rerun()
    with right.popover(ui.t("closing.end"), icon=":material/flag:", width="stretch"):
        st.write(ui.t("closing.end_confirm"))
        if st.button(ui.t("closing.end_yes"), type="primary", key="closing_end_yes"):
            with ui.db_session(write=True) as session:
                summary = end_closing(
                    session,
                    coach_id=coach_id,
                    session_id=view.session_id,
                    now=now,
                    today=local_date(now, ui.coach().timezone),
                )
            st.session_state["closing_summary"] = summary
            st.query_params.pop("sessie", None)
            st.rerun()


def _save(kind: str, view: ClosingView, key: str, field: str) -> None:
    """on_change: store one field; a stale tab or a fault is told, and the text stays."""
    value: Any = st.session_state[key]
    versions = st.session_state.setdefault("closing_versions", {})
    try:
        with transaction(ui.session_factory(), write=True) as session:
            if kind == "evaluation":
                save_evaluation(
                    session,
                    coach_id=ui.coach_id(),
                    trajectory_id=view.trajectory_id,
                    values={field: value},
                    now=utc_now(),
                )
                return
            save = save_plan if kind == "plan" else save_checklist
            expected = versions.get(kind, getattr(view, kind).version)
            versions[kind] = save(
                session,
                coach_id=ui.coach_id(),
                trajectory_id=view.trajectory_id,
                values={field: value},
                expected_version=expected,
            )
    except StaleEdit:
        st.session_state["closing_stale"] = kind
    except ValidationError as invalid:
        st.session_state["closing_invalid"] = invalid.errors
    except DatabaseUnavailable:
        st.session_state["closing_failed"] = True


def _field(kind: str, view: ClosingView, name: str, value: Any, *, area: bool = True) -> None:
    key = f"closing_{view.session_id}_{kind}_{name}"
    common: dict[str, Any] = {"key": key, "on_change": _save, "args": (kind, view, key, name)}
    label = ui.t(f"closing.{name}")
    if isinstance(value, bool):
        st.checkbox(label, value=value, **common)
    elif isinstance(value, date) or name == "self_check_on":
        st.date_input(label, value=value, format="DD-MM-YYYY", **common)
    elif name == "goal_score":
        st.number_input(label, 1, 10, value, **common)
    elif area:
        st.text_area(label, value=value, height=90, **common)
    else:
        st.text_input(label, value=value, **common)


def _warnings(view: ClosingView) -> None:
    if stale := st.session_state.get("closing_stale"):
        st.warning(ui.t("closing.stale"), icon=":material/sync_problem:")
        if st.button(ui.t("closing.reload"), key="closing_reload"):
            prefix = f"closing_{view.session_id}_{stale}_"
            ui.forget(*(k for k in st.session_state if str(k).startswith(prefix)))
            st.session_state.pop("closing_versions", None)
            st.session_state.pop("closing_stale", None)
            st.rerun()
    if st.session_state.pop("closing_failed", False):
        st.error(ui.t("closing.save_failed"), icon=":material/cloud_off:")
    for key in st.session_state.pop("closing_invalid", {}).values():
        st.error(ui.t(key))


def capture(view: ClosingView, pillar: Phase) -> None:
    """The fields of one pillar, each saved as the coach leaves it."""
    _warnings(view)
    if pillar is Phase.EVALUATION:
        if view.evaluation.from_client_form:
            st.info(ui.t("closing.from_form"), icon=":material/description:")
        _field("evaluation", view, "goal_score", view.evaluation.goal_score)
        _field("evaluation", view, "goal_score_note", view.evaluation.goal_score_note, area=False)
        for name in EVALUATION_FIELDS:
            _field("evaluation", view, name, getattr(view.evaluation, name))
    elif pillar is Phase.RETENTION:
        for name in PLAN_TEXT_FIELDS:
            _field("plan", view, name, getattr(view.plan, name))
        _field("plan", view, "self_check_on", view.plan.self_check_on)
    else:
        for name in CHECKLIST_ITEMS:
            _field("checklist", view, name, getattr(view.checklist, name))
        _field("checklist", view, "coach_notes", view.checklist.coach_notes)
    st.caption(ui.t("closing.saved_hint"))


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
            ui.plain(question.text),
            value=question.key in asked,
            key=key,
            on_change=_tick,
            args=(view.session_id, key, question.key),
        )
    return every


def summary(result: ClosingSummary) -> None:
    """What ending the session did: the trajectory's state and the follow-ups planned."""
    coach = ui.coach()
    st.subheader(ui.t("closing.summary_title"))
    if result.status.value == "closing":
        message = "closing.summary_closing"
    else:
        message = (
            "closing.summary_closed_full" if result.full_protocol else "closing.summary_closed"
        )
    st.success(ui.t(message), icon=":material/celebration:")
    captured = [
        (ui.t("closing.goal_score"), result.evaluation.goal_score),
        (ui.t("closing.main_changes"), result.evaluation.main_changes),
        (ui.t("closing.key_insight"), result.evaluation.key_insight),
        (ui.t("closing.main_change"), result.plan.main_change),
        (ui.t("closing.relapse_strategy"), result.plan.relapse_strategy),
        (ui.t("closing.accountability_person"), result.plan.accountability_person),
        (
            ui.t("phase.goodbye"),
            ui.t("closing.checklist_done", done=result.checklist_done, total=len(CHECKLIST_ITEMS)),
        ),
    ]
    with st.container(border=True):
        for label, value in captured:
            if value not in (None, ""):
                st.markdown(f"**{label}** · {ui.plain(str(value))}")
    if result.follow_ups:
        st.markdown(f"**{ui.t('closing.summary_follow_ups')}**")
        for kind, due in result.follow_ups:
            st.markdown(
                f"- {format_date(due, coach.language, year=True)} · "
                f"{ui.t(f'follow_up_kind.{kind}')}"
            )
    if st.button(ui.t("closing.summary_new")):
        st.session_state.pop("closing_summary", None)
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
            format_func={q.key: q.text for q in every}.get,
            key=widget,
            on_change=_hide,
            args=(hidden, widget),
            label_visibility="collapsed",
        )
