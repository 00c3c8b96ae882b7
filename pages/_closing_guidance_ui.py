"""What the coach asks in each part of the closing: prompts, question bank, opening glance."""

import streamlit as st

from core.closing import (
    ClosingView,
)
from core.database import transaction
from core.glance import TrajectoryGlance
from core.question_bank import (
    PHASE_GROUPS,
    Question,
    add_question,
    asked_questions,
    list_questions,
    mark_asked,
    set_question_hidden,
)
from core.timer import Phase
from pages import _ui as ui

# Prompts per part, in the catalog as `closing_prompts.<part>.<n>`: the coach adapts them.
PROMPTS = {Phase.OPENING: 2, Phase.BUFFER: 3}
GOODBYE_PROMPTS = (("acknowledge", 2), ("celebrate", 2), ("door_open", 2), ("farewell", 2))


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
            # Streamlit's own texts are English ("Choose options", "Select all").
            placeholder=ui.t("app.choose"),
            select_all=False,
        )
