"""Formulier: the client's own form, opened by a personal link — no login, nothing else.

app.py runs this page before its login gate and without loading any account. It must
never depend on a coach being logged in: everything comes from the link's token. Every
answer is kept in the database while it is typed, so a reload or a lost connection on a
phone loses nothing; sending stores the answers for good.
"""

import re
from dataclasses import fields
from typing import NoReturn

import streamlit as st

from core.client_forms import (
    CHOICES,
    FORM_ANSWERS,
    REQUIRED_ANSWERS,
    OpenForm,
    note_dead_link_visit,
    open_form,
    save_form_draft,
    submit_form,
    token_hash,
)
from core.database import transaction
from core.errors import DatabaseUnavailable, ValidationError
from core.i18n import translate
from core.kinds import FormKind
from core.timefmt import utc_now
from pages import _ui as ui
from pages._live_text import live_text, mark_sent, sent_from_here

# A self-check asks some of the evaluation's questions in its own words.
QUESTION_PREFIX = {FormKind.SELF_CHECK: "self_check_"}
ASIDE = re.compile(r"\s*\(.*?\)")  # a question's scale or "optional": not in the summary
token = str(st.query_params.get("t", ""))[:200]
done = st.session_state.get("form_done") == token_hash(token)


def dead_end(language: str = "nl") -> NoReturn:
    """One neutral page for every link that doesn't work: it tells nothing about why; only
    the browser that sent the answers hears that they arrived (a reload, a second tab)."""
    sent_here = sent_from_here(copies) if token else None
    if sent_here:
        st.title(translate("forms.received_title", language))
        st.success(translate("forms.received", language), icon=":material/check_circle:")
        st.stop()
    if sent_here is False:  # the browser has said: someone else, or a link that ran out
        note_visit()
    st.title(translate("forms.dead_title", language))
    st.info(translate("forms.dead", language), icon=":material/link_off:")
    st.stop()


def note_visit() -> None:
    """Tell the coach, once per visit, that this link was tried after it stopped working."""
    noted: set[str] = st.session_state.setdefault("form_dead_noted", set())
    if copies in noted:
        return
    noted.add(copies)
    try:
        with transaction(ui.session_factory(), write=True) as session:
            note_dead_link_visit(session, token=token, now=utc_now())
    except DatabaseUnavailable:
        pass  # only a count for the coach: the page says the same without it


copies = token_hash(token)[:16]  # names this form's fields in the browser's storage
language = st.session_state.get("form_language", "nl")
if not token:
    dead_end()
found: OpenForm | None = None
if not done:
    opened: dict[str, OpenForm] = st.session_state.setdefault("form_opened", {})
    try:
        with transaction(ui.session_factory(), write=True) as session:
            found = open_form(session, token=token, now=utc_now())
    except DatabaseUnavailable:
        # The form this tab already shows stays, with everything typed in it.
        found = opened.get(copies)
        if found is None:
            st.warning(translate("forms.cannot_open", language), icon=":material/cloud_off:")
            st.stop()
        st.session_state["form_unsaved"] = True
    else:
        if found is not None:
            opened[copies] = found
if done:
    st.title(translate("forms.thanks_title", language))
    st.success(
        translate("forms.thanks", language, coach=ui.plain(st.session_state.get("form_coach", "")))
    )
    mark_sent(copies)
    st.stop()
if found is None:
    dead_end()
form: OpenForm = found  # the functions below see it narrowed
st.session_state["form_language"], st.session_state["form_coach"] = form.language, form.coach_name


def text(key: str, *, markdown: bool = True, **values: object) -> str:
    """A form text (`forms.<key>`) in the coach's language, with the coach's name filled in."""
    coach = ui.plain(form.coach_name) if markdown else form.coach_name
    return translate(f"forms.{key}", form.language, coach=coach, **values)


def keep(name: str, value: str | int | bool | None) -> None:
    """Store one answer as a draft while the client types; a fault keeps it in the form."""
    try:
        with transaction(ui.session_factory(), write=True) as session:
            save_form_draft(session, token=token, name=name, value=value, now=utc_now())
    except (DatabaseUnavailable, ValidationError):
        st.session_state["form_unsaved"] = True  # sending later still sends every answer


def question(name: str, *, markdown: bool = True) -> str:
    """The question of one answer, in this form's own words."""
    return text(f"{QUESTION_PREFIX.get(form.kind, '')}{name}", markdown=markdown)


def label(name: str, *, markdown: bool = True) -> str:
    """A question as the form shows it, with a * when it must be answered."""
    # A lone * at the end is plain text in Markdown too; escaped, screen readers read out
    # the backslash of a number field's name.
    mark = " *" if name in REQUIRED_ANSWERS[form.kind] else ""
    return question(name, markdown=markdown) + mark


def answer(name: str, default: str | int | bool | None = None) -> str | int | bool | None:
    """One question of the form, filled with what the client typed before; returns its value."""
    stored = form.draft.get(name, default)
    key = f"form_{name}"
    # The anchor the summary of empty answers links to (it takes no room of its own).
    st.html(f'<span class="af-anchor" id="vraag-{name}"></span>')
    value: str | int | bool | None
    if name in ("goal_score", "recommend_score"):
        low = 0 if name == "recommend_score" else 1
        value = st.number_input(
            label(name),
            low,
            10,
            stored if isinstance(stored, int) else None,
            key=key,
            on_change=lambda: keep(name, st.session_state[key]),
        )
    elif name in CHOICES:
        options = list(CHOICES[name])
        value = st.radio(
            label(name),
            options,
            index=next((i for i, option in enumerate(options) if option == stored), None),
            format_func=lambda choice: text(f"{name}_{choice}"),
            key=key,
            on_change=lambda: keep(name, st.session_state[key]),
        )
    elif name in ("testimonial_consent", "wants_contact"):
        value = st.checkbox(
            label(name),
            value=bool(stored),
            key=key,
            on_change=lambda: keep(name, st.session_state[key]),
        )
    else:
        shown = st.session_state.setdefault("form_shown", {})
        if key not in st.session_state:
            shown[name] = str(stored or "")  # what this tab showed when the field was drawn
        value = live_text(
            label(name, markdown=False),  # the live field shows its label as text
            key=key,
            value=str(stored or ""),
            language=form.language,
            rows=4,
            on_text=lambda typed: keep(name, typed),
            browser_copy=f"{copies}:{name}",
        )
    errors.slot(name)
    return value


def show_summary(problems: dict[str, str]) -> None:
    """One message above the form: how many answers are missing, each a link to its field."""
    empty = all(key == "validation.required" for key in problems.values())
    count = len(problems)
    key = "summary_empty" if empty else "summary_fix"
    links = "\n".join(f"- [{ASIDE.sub('', question(name))}](#vraag-{name})" for name in problems)
    summary.error(f"{text(key, count=count)}\n\n{links}", icon=":material/error:")
    # The send button is at the bottom of a long page: say it there too, with the way up.
    st.error(
        f"{text(key, count=count)} [{text('summary_up')}](#nog-te-doen)", icon=":material/error:"
    )


st.title(text(f"{form.kind}_title"))
st.write(text(f"{form.kind}_intro", name=ui.plain(form.client_first_name)))
if form.kind is FormKind.SELF_CHECK:
    st.markdown(f"{text('self_check_goal')} *{ui.plain(form.goal)}*")
st.caption(text("kept_while_typing") + " " + text("required_legend"))
st.html('<span class="af-anchor" id="nog-te-doen"></span>')
summary = st.empty()  # after a refused send: what still needs an answer, with links to it

errors = ui.FieldErrors()
values = {
    f.name: answer(f.name, form.goal if f.name == "goal_at_start" else None)
    for f in fields(FORM_ANSWERS[form.kind])
}
if st.session_state.pop("form_unsaved", False):
    st.warning(text("not_kept"), icon=":material/cloud_off:")
if st.button(text("submit"), type="primary", key="form_submit"):
    # A field this tab never touched sends what another tab or device typed meanwhile.
    shown = st.session_state.get("form_shown", {})
    for name, kept in form.draft.items():
        if (
            name in shown
            and values.get(name) == shown[name]
            and isinstance(kept, str | int)
            and kept != ""
        ):
            values[name] = kept
    answers = FORM_ANSWERS[form.kind](**values)  # type: ignore[arg-type]
    try:
        with transaction(ui.session_factory(), write=True) as session:
            stored = submit_form(session, token=token, answers=answers, now=utc_now())
    except ValidationError as invalid:
        errors.show(invalid.errors, language=form.language)
        show_summary(invalid.errors)
    except DatabaseUnavailable:
        st.warning(text("not_sent"), icon=":material/cloud_off:")
    else:
        if not stored:
            dead_end(form.language)
        st.session_state["form_done"] = token_hash(token)
        st.rerun()
