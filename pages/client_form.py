"""Formulier: the client's own form, opened by a personal link — no login, nothing else.

app.py runs this page before its login gate and without loading any account. It must
never depend on a coach being logged in: everything comes from the link's token.
"""

from typing import NoReturn

import streamlit as st

from core.client_forms import (
    EvaluationAnswers,
    FormKind,
    HomeworkAnswers,
    OpenForm,
    open_form,
    submit_form,
    token_hash,
)
from core.errors import ValidationError
from core.i18n import translate
from core.timefmt import utc_now
from pages import _ui as ui

token = str(st.query_params.get("t", ""))[:200]
done = st.session_state.get("form_done") == token_hash(token)


def dead_end(language: str = "nl") -> NoReturn:
    """One neutral page for every link that doesn't work: it tells nothing about why."""
    st.title(translate("forms.dead_title", language))
    st.info(translate("forms.dead", language), icon=":material/link_off:")
    st.stop()


if not token:
    dead_end()
with ui.db_session(write=True) as session:
    form: OpenForm | None = None if done else open_form(session, token=token, now=utc_now())
language = st.session_state.get("form_language", "nl")
if done:
    st.title(translate("forms.thanks_title", language))
    st.success(translate("forms.thanks", language, coach=st.session_state.get("form_coach", "")))
    st.stop()
if form is None:
    dead_end()
st.session_state["form_language"], st.session_state["form_coach"] = form.language, form.coach_name


def text(key: str, **values: object) -> str:
    """A form text (`forms.<key>`) in the coach's language, with the coach's name filled in."""
    return translate(f"forms.{key}", form.language, coach=form.coach_name, **values)


evaluation = form.kind is FormKind.EVALUATION
st.title(text("evaluation_title" if evaluation else "homework_title"))
st.write(
    ui.plain(
        text("evaluation_intro" if evaluation else "homework_intro", name=form.client_first_name)
    )
)

errors = ui.FieldErrors()
with st.form("client_form"):
    values: dict[str, object] = {}
    if evaluation:
        values["goal_at_start"] = st.text_area(text("goal_at_start"), value=form.goal, height=80)
        errors.slot("goal_at_start")
        values["goal_score"] = st.number_input(text("goal_score"), 1, 10, None)
        errors.slot("goal_score")
        for name in ("main_changes", "key_insight", "most_valuable", "could_be_better"):
            values[name] = st.text_area(text(name), height=100, max_chars=5000)
            errors.slot(name)
        values["recommend_score"] = st.number_input(text("recommend_score"), 0, 10, None)
        errors.slot("recommend_score")
        values["testimonial"] = st.text_area(text("testimonial"), height=80, max_chars=5000)
        errors.slot("testimonial")
        values["testimonial_consent"] = st.checkbox(text("testimonial_consent"))
    else:
        for name in (
            "main_change",
            "relapse_situations",
            "relapse_strategy",
            "accountability_person",
            "self_check_method",
        ):
            values[name] = st.text_area(text(name), height=90, max_chars=5000)
            errors.slot(name)
    submitted = st.form_submit_button(text("submit"), type="primary")

if submitted:
    answers = EvaluationAnswers(**values) if evaluation else HomeworkAnswers(**values)  # type: ignore[arg-type]
    try:
        with ui.db_session(write=True) as session:
            stored = submit_form(session, token=token, answers=answers, now=utc_now())
    except ValidationError as invalid:
        errors.show(invalid.errors, language=form.language)
    else:
        if not stored:
            dead_end(form.language)
        st.session_state["form_done"] = token_hash(token)
        st.rerun()
