"""Evaluatietrends: goal scores across clients, and what the closing protocol brings."""

import streamlit as st

from core.feedback import list_feedback
from core.scope import ViewScope, coaches_in_view
from core.trends import (
    load_outcome_trends,
    load_score_table,
    load_score_trends,
    load_session_trends,
    start_and_end,
)
from pages import _trends_scores_ui as scores_ui
from pages import _trends_ui as trends_ui
from pages import _ui as ui

coach = ui.coach()
st.title(ui.t("trends.title"))
st.caption(ui.t("trends.intro"))

with ui.db_session() as session:
    in_view = coaches_in_view(session, coach_id=coach.id)
since, status, chosen = trends_ui.filters(in_view)
scope = ViewScope(coach_id=coach.id, coach_ids=chosen, since=since, status=status)
filtered = since is not None or status is not None
owner_view = [c for c in in_view if c.coach_id in chosen] if len(in_view) > 1 else None

# Only the open tab is read and drawn: the whole page took 250 ms a run for a practice of
# 2,000 clients, each tab alone well under half of that.
scores, sessions, outcomes, said = st.tabs(
    [ui.t(f"trends.tab_{name}") for name in ("scores", "sessions", "outcomes", "said")],
    key="trends_tab",
    on_change="rerun",
)
if scores.open:
    # The highlighted client's lines are read with the rest (its box is in the tab).
    keep = st.session_state.get(scores_ui.HIGHLIGHT_KEPT)
    with ui.db_session() as session:
        score_data = load_score_trends(session, **scope, keep_client=keep)
    with scores:
        scores_ui.score_panels(
            score_data,
            ui.read_later(lambda session: load_score_table(session, **scope)),
            filtered=filtered,
        )
if sessions.open:
    with ui.db_session() as session:
        session_data = load_session_trends(session, **scope)
    with sessions:
        scores_ui.session_panels(session_data, filtered=filtered)
if outcomes.open:
    with ui.db_session() as session:
        outcome_data = load_outcome_trends(session, **scope)
    with outcomes:
        trends_ui.outcome_panels(
            outcome_data.closed,
            outcome_data.recommendations,
            outcome_data.responses,
            coach.language,
        )
        trends_ui.practice_panels(
            start_and_end(outcome_data.trajectories),
            outcome_data.closed,
            outcome_data.responses,
            owner_view,
            coach.language,
        )
if said.open:
    with ui.db_session() as session:
        feedback = list_feedback(session, **scope)
    with said:
        trends_ui.feedback_panel(feedback, show_coach=owner_view is not None)
