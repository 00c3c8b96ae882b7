"""The live closing's capture: evaluation, borgingsplan and afsluiting, saved while typed.

Each field remembers what this tab last showed (`closing_seen`, per trajectory): a save
whose field was changed by another tab since is refused and the text is kept beside the
newest version, so nothing typed is ever lost and nothing is silently overwritten.
"""

from datetime import timedelta
from typing import Any

import streamlit as st

from core.closing import (
    CHECKLIST_ITEMS,
    EVALUATION_FIELDS,
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
from pages._live_text import live_text

SEEN = "closing_seen"  # {(trajectory, part, field): value this tab last showed}
UNSAVED = "closing_unsaved"  # {(trajectory, part, field): text another tab's change refused}
GENERATION = "closing_generation"  # {trajectory: n}: new widgets after "load the newest"


def _key(view: ClosingView, part: ClosingPart, name: str) -> str:
    generation = st.session_state.get(GENERATION, {}).get(view.trajectory_id, 0)
    return f"closing_{view.trajectory_id}_{part}_{name}_{generation}"


def _store(view: ClosingView, part: ClosingPart, name: str, value: object) -> None:
    """Save one field; a field changed elsewhere, bad input or a fault is told, text kept."""
    seen: dict[tuple[int, str, str], object] = st.session_state.setdefault(SEEN, {})
    field = (view.trajectory_id, part.value, name)
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
        st.session_state["closing_invalid"] = invalid.errors
    except DatabaseUnavailable:
        st.session_state["closing_failed"] = True
    else:
        st.session_state.get(UNSAVED, {}).pop(field, None)


def _field(
    view: ClosingView, part: ClosingPart, name: str, value: Any, *, shown: Any = None
) -> None:
    """One capture field, saved as it changes; text fields while they are typed. `shown` is
    a suggestion the field displays while nothing is stored."""
    key = _key(view, part, name)
    if key not in st.session_state:
        # A field drawn anew shows the stored value: the base a later save is checked against.
        st.session_state.setdefault(SEEN, {})[(view.trajectory_id, part.value, name)] = value
    label = ui.t(f"closing.{name}")
    if isinstance(value, str):
        live_text(
            label,
            key=key,
            value=value,
            rows=2 if name == "goal_score_note" else 3,
            on_text=lambda text: _store(view, part, name, text),
        )
        return

    def changed() -> None:
        _store(view, part, name, st.session_state[key])

    if isinstance(value, bool):
        st.checkbox(label, value=value, key=key, on_change=changed)
    elif name == "self_check_on":
        st.date_input(label, value=value or shown, format="DD-MM-YYYY", key=key, on_change=changed)
    else:
        st.number_input(label, 1, 10, value, key=key, on_change=changed)


def _client_wrote(view: ClosingView, name: str) -> None:
    if (original := view.evaluation.client_wrote.get(name)) is not None:
        st.caption(ui.t("closing.client_wrote", text=ui.plain(str(original))))


def _warnings(view: ClosingView) -> None:
    unsaved = {
        field: text
        for field, text in st.session_state.get(UNSAVED, {}).items()
        if field[0] == view.trajectory_id
    }
    if unsaved:
        st.warning(ui.t("closing.stale"), icon=":material/sync_problem:")
        for (_, _, name), text in unsaved.items():
            st.caption(ui.t("closing.unsaved_text", field=ui.t(f"closing.{name}")))
            st.code(str(text), language=None, wrap_lines=True)
        if st.button(ui.t("closing.reload"), key=f"closing_reload_{view.trajectory_id}"):
            _load_newest(view)
    if st.session_state.pop("closing_failed", False):
        st.error(ui.t("closing.save_failed"), icon=":material/cloud_off:")
    for key in st.session_state.pop("closing_invalid", {}).values():
        st.error(ui.t(key), icon=":material/error:")


def _load_newest(view: ClosingView) -> None:
    """Show the stored version in fresh fields; the refused text stays visible until saved."""
    generations = st.session_state.setdefault(GENERATION, {})
    generations[view.trajectory_id] = generations.get(view.trajectory_id, 0) + 1
    seen = st.session_state.setdefault(SEEN, {})
    for field in [f for f in seen if f[0] == view.trajectory_id]:
        del seen[field]
    st.session_state[f"closing_keep_{view.trajectory_id}"] = {
        f: t for f, t in st.session_state.pop(UNSAVED, {}).items() if f[0] == view.trajectory_id
    }
    st.rerun()


def _kept(view: ClosingView) -> None:
    """Text a stale tab could not save, kept beside the newest version until dismissed."""
    key = f"closing_keep_{view.trajectory_id}"
    if not (kept := st.session_state.get(key)):
        return
    with st.container(border=True):
        for (_, _, name), text in kept.items():
            st.caption(ui.t("closing.unsaved_text", field=ui.t(f"closing.{name}")))
            st.code(str(text), language=None, wrap_lines=True)
        if st.button(ui.t("closing.unsaved_done"), key=f"closing_keep_done_{view.trajectory_id}"):
            st.session_state.pop(key, None)
            st.rerun()


def capture(view: ClosingView, pillar: Phase) -> None:
    """The fields of one pillar, each saved while it is typed or changed."""
    _warnings(view)
    _kept(view)
    if pillar is Phase.EVALUATION:
        evaluation = view.evaluation
        if evaluation.from_client_form:
            st.caption(f":material/description: {ui.t('closing.from_form')}")
        _field(view, ClosingPart.EVALUATION, "goal_score", evaluation.goal_score)
        _client_wrote(view, "goal_score")
        for name in ("goal_score_note", *EVALUATION_FIELDS):
            _field(view, ClosingPart.EVALUATION, name, getattr(evaluation, name))
            _client_wrote(view, name)
    elif pillar is Phase.RETENTION:
        for name in PLAN_FIELDS:
            _field(view, ClosingPart.PLAN, name, getattr(view.plan, name))
        # Nothing chosen: the closing plans the self-check about three months on; show that.
        suggested = local_date(utc_now(), ui.coach().timezone) + timedelta(days=SELF_CHECK_DAYS)
        _field(view, ClosingPart.PLAN, "self_check_on", view.plan.self_check_on, shown=suggested)
    else:
        for name in CHECKLIST_ITEMS:
            _field(view, ClosingPart.CHECKLIST, name, getattr(view.checklist, name))
        _field(view, ClosingPart.CHECKLIST, "coach_notes", view.checklist.coach_notes)
    st.caption(ui.t("closing.saved_hint"))
