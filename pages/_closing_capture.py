"""The live closing's capture: evaluation, borgingsplan and afsluiting, saved while typed.

Each field remembers what this tab last showed (`closing_seen`, per trajectory): a save
whose field was changed by another tab since is refused and the text is kept beside the
newest version, so nothing typed is ever lost and nothing is silently overwritten.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import streamlit as st

from core.closing import (
    CHECKLIST_ITEMS,
    EVALUATION_FIELDS,
    FEEDBACK_FIELDS,
    PLAN_FIELDS,
    SELF_CHECK_DAYS,
    ClosingPart,
    ClosingView,
    StaleEdit,
    save_closing_field,
)
from core.database import transaction
from core.errors import DatabaseUnavailable, ValidationError
from core.timefmt import local_date, utc_now
from core.timer import Phase
from pages import _ui as ui
from pages._live_text import coach_copy, live_text

SEEN = "closing_seen"  # {(trajectory, part, field): value this tab last showed}
UNSAVED = "closing_unsaved"  # {(trajectory, part, field): text another tab's change refused}
KEPT = "closing_kept"  # {(trajectory, part, field): refused text, kept beside the newest}
PROBLEM = "closing_problem"  # {(trajectory, part, field): message key of a failed save}
GENERATION = "closing_generation"  # {(trajectory, part, field): n}: a fresh widget on reload

Field = tuple[int, str, str]


def _field_id(view: ClosingView, part: ClosingPart, name: str) -> Field:
    return (view.trajectory_id, part.value, name)


def _key(field: Field) -> str:
    generation = st.session_state.get(GENERATION, {}).get(field, 0)
    return "closing_{}_{}_{}_{}".format(*field, generation)


def _store(view: ClosingView, part: ClosingPart, name: str, value: object) -> None:
    """Save one field; a field changed elsewhere, bad input or a fault is told there, and
    what was typed stays."""
    seen: dict[Field, object] = st.session_state.setdefault(SEEN, {})
    field = _field_id(view, part, name)
    problems: dict[Field, str] = st.session_state.setdefault(PROBLEM, {})
    problems.pop(field, None)
    try:
        with transaction(ui.session_factory(), write=True) as session:
            seen[field] = save_closing_field(
                session,
                coach_id=ui.coach_id(),
                trajectory_id=view.trajectory_id,
                part=part,
                name=name,
                value=value,
                seen=seen.get(field),
                now=utc_now(),
            )
    except StaleEdit:
        st.session_state.setdefault(UNSAVED, {})[field] = value
    except ValidationError as invalid:
        problems[field] = invalid.errors[name]
    except DatabaseUnavailable:
        problems[field] = "closing.save_failed"
    else:
        st.session_state.get(UNSAVED, {}).pop(field, None)


def _field(
    view: ClosingView, part: ClosingPart, name: str, value: Any, *, shown: Any = None
) -> None:
    """One capture field, saved as it changes; text fields while they are typed. `shown` is
    a suggestion the field displays while nothing is stored."""
    field = _field_id(view, part, name)
    key = _key(field)
    if key not in st.session_state:
        # A field drawn anew shows the stored value: the base a later save is checked against.
        st.session_state.setdefault(SEEN, {})[field] = value
    label = ui.t(f"closing.{name}")
    if isinstance(value, str):
        live_text(
            label,
            key=key,
            value=value,
            language=ui.language(),
            rows=2 if name == "goal_score_note" else 3,
            on_text=lambda text: _store(view, part, name, text),
            browser_copy=coach_copy(ui.coach_id(), *field),
        )
    else:

        def changed() -> None:
            _store(view, part, name, st.session_state[key])

        if isinstance(value, bool):
            st.checkbox(label, value=value, key=key, on_change=changed)
        elif name == "self_check_on":
            st.date_input(
                label, value=value or shown, format="DD-MM-YYYY", key=key, on_change=changed
            )
        else:
            low = 0 if name == "recommend_score" else 1
            st.number_input(label, low, 10, value, key=key, on_change=changed)
    _beside(field)


def _client_wrote(client_wrote: Mapping[str, object], name: str) -> None:
    if (original := client_wrote.get(name)) is not None:
        st.caption(ui.t("closing.client_wrote", text=ui.plain(str(original))))


def _beside(field: Field) -> None:
    """Under the field: why it was not saved, and the text that was not saved."""
    if problem := st.session_state.get(PROBLEM, {}).get(field):
        st.error(ui.t(problem), icon=":material/error:")
    if (refused := st.session_state.get(UNSAVED, {}).get(field)) is not None:
        st.warning(ui.t("closing.stale"), icon=":material/sync_problem:")
        st.code(str(refused), language=None, wrap_lines=True)
        if st.button(ui.t("closing.reload"), key=f"{_key(field)}_newest"):
            _load_newest(field)
    elif (kept := st.session_state.get(KEPT, {}).get(field)) is not None:
        st.caption(ui.t("closing.unsaved_text"))
        st.code(str(kept), language=None, wrap_lines=True)
        if st.button(ui.t("closing.unsaved_done"), key=f"{_key(field)}_done"):
            st.session_state[KEPT].pop(field, None)
            st.rerun()


def _load_newest(field: Field) -> None:
    """Show the stored version in a fresh field; the refused text stays beside it."""
    generations = st.session_state.setdefault(GENERATION, {})
    generations[field] = generations.get(field, 0) + 1
    st.session_state.setdefault(KEPT, {})[field] = st.session_state[UNSAVED].pop(field)
    st.rerun()


def unsaved_fields(view: ClosingView) -> int:
    """How many fields of this closing hold text another tab's change kept from saving."""
    return sum(1 for field in st.session_state.get(UNSAVED, {}) if field[0] == view.trajectory_id)


def capture(view: ClosingView, part: Phase) -> None:
    """The fields of one part of the closing, each saved while it is typed or changed."""
    evaluation, plan, checklist = view.evaluation, view.plan, view.checklist
    if part is Phase.EVALUATION:
        if evaluation.from_client_form:
            st.caption(f":material/description: {ui.t('closing.from_form')}")
        for name in ("goal_score", "goal_score_note", *EVALUATION_FIELDS):
            _field(view, ClosingPart.EVALUATION, name, getattr(evaluation, name))
            _client_wrote(evaluation.client_wrote, name)
    elif part is Phase.RETENTION:
        if plan.from_homework:
            st.caption(f":material/description: {ui.t('closing.from_homework')}")
        for name in PLAN_FIELDS:
            _field(view, ClosingPart.PLAN, name, getattr(plan, name))
            _client_wrote(plan.client_wrote, name)
        # Nothing chosen: the closing plans the self-check about three months on; show that.
        suggested = local_date(utc_now(), ui.coach().timezone) + timedelta(days=SELF_CHECK_DAYS)
        _field(view, ClosingPart.PLAN, "self_check_on", plan.self_check_on, shown=suggested)
    elif part is Phase.GOODBYE:
        for name in CHECKLIST_ITEMS:
            if name != "emotion_room":
                _field(view, ClosingPart.CHECKLIST, name, getattr(checklist, name))
        st.markdown(f"**{ui.t('closing.feedback_title')}**")
        for name in ("most_valuable", "could_be_better", *FEEDBACK_FIELDS):
            _field(view, ClosingPart.EVALUATION, name, getattr(evaluation, name))
            _client_wrote(evaluation.client_wrote, name)
        _field(view, ClosingPart.CHECKLIST, "coach_notes", checklist.coach_notes)
    elif part is Phase.BUFFER:
        _field(view, ClosingPart.CHECKLIST, "emotion_room", checklist.emotion_room)
        _field(view, ClosingPart.CHECKLIST, "buffer_notes", checklist.buffer_notes)
    st.caption(ui.t("closing.saved_hint"))
