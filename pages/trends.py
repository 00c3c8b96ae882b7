"""Evaluatietrends: goal scores across clients, and what the closing protocol brings."""

import streamlit as st

from core.feedback import list_feedback
from core.numfmt import format_number
from core.scope import coaches_in_view
from core.trends import (
    closing_distribution,
    closing_mode,
    gain_summary,
    load_score_table,
    load_trends,
    mean_rating,
    mean_t_score,
    start_and_end,
)
from pages import _charts as charts
from pages import _trends_ui as trends_ui
from pages import _ui as ui

DUMBBELL_ROWS = 40
coach = ui.coach()
lang = coach.language
st.title(ui.t("trends.title"))
st.caption(ui.t("trends.intro"))

with ui.db_session() as session:
    in_view = coaches_in_view(session, coach_id=coach.id)
since, status, chosen = trends_ui.filters(in_view)
# The highlighted client's lines are fetched with the rest (its box is drawn further down).
keep_client = st.session_state.get("trends_highlight")
with ui.db_session() as session:
    data = load_trends(
        session,
        coach_id=coach.id,
        coach_ids=chosen,
        since=since,
        status=status,
        keep_client=keep_client,
    )
    feedback = list_feedback(
        session, coach_id=coach.id, coach_ids=chosen, since=since, status=status
    )
trajectories, ratings, answers, closed, gas = (
    data.trajectories,
    data.ratings,
    data.recommendations,
    data.closed,
    data.gas,
)
table = start_and_end(trajectories)


def empty(chart: str) -> str:
    """What an empty chart says: how to fill it, or that the filters leave nothing."""
    return "trends.filtered_empty" if since or status else f"trends.{chart}_empty"


gain = gain_summary(table)


clients = trajectories.drop_duplicates("client_id").sort_values("client")
client_names = dict(zip(clients["client_id"], clients["client"], strict=True))
highlight = st.selectbox(
    ui.t("trends.highlight"),
    [None, *client_names],
    format_func=lambda c: ui.t("trends.nobody") if c is None else client_names[c],
    placeholder=ui.t("trends.nobody"),  # what None reads as (see _trends_ui)
    key="trends_highlight",
)
lines = data.lines
shown, total = lines["trajectory_id"].nunique(), len(trajectories)
lines_reading = ui.t("trends.lines_reading")
if shown < total:
    lines_reading += " " + ui.t("trends.lines_more", shown=shown, n=total)
charts.section(
    "trends.lines_title",
    lines_reading,
    charts.score_lines(lines, highlight) if total else None,
    ui.read_later(
        lambda session: load_score_table(
            session, coach_id=coach.id, coach_ids=chosen, since=since, status=status
        )
    ),
    "doelscores",
    empty("lines"),
)

reading = ui.t(
    "trends.gain_reading",
    mean=format_number(gain.mean or 0, lang),
    median=format_number(gain.median or 0, lang),
    n=gain.n,
)
if gain.n > DUMBBELL_ROWS:
    reading += " " + ui.t("trends.gain_more", shown=DUMBBELL_ROWS, n=gain.n)
charts.section(
    "trends.gain_title",
    reading,
    charts.dumbbell(table.head(DUMBBELL_ROWS)) if gain.n else None,
    table.drop(columns=["coach_id"]),
    "vooruitgang",
    empty("gain"),
)

distribution = closing_distribution(trajectories)
mode = closing_mode(distribution)
charts.section(
    "trends.closing_title",
    ui.t("trends.closing_reading", mode=int(mode.value), n=mode.n),
    charts.bars(
        distribution, "score", "trajectories", ui.t("trends.col_score"), ui.t("trends.col_count")
    )
    if mode.n
    else None,
    distribution,
    "afrondingsscores",
    empty("closing"),
)

rating = mean_rating(ratings)
charts.section(
    "trends.ratings_title",
    ui.t("trends.ratings_reading", mean=format_number(rating.value, lang), n=rating.n),
    charts.weekly_line(ratings) if rating.n else None,
    ratings,
    "sessiebeoordelingen",
    empty("ratings"),
)

t_scores = gas.sort_values("t_score", ascending=False)
attained = mean_t_score(gas)
charts.section(
    "trends.gas_title",
    ui.t("trends.gas_reading", mean=format_number(attained.value, lang), n=attained.n),
    charts.bars(t_scores, "label", "t_score", "", "T", ui.t("trends.col_client"))
    if attained.n
    else None,
    t_scores.drop(columns=["label"]),
    "gas",
    empty("gas"),
)

trends_ui.outcome_panels(closed, answers, data.responses, lang)
owner_view = [c for c in in_view if c.coach_id in chosen] if len(in_view) > 1 else None
trends_ui.practice_panels(table, closed, data.responses, owner_view, lang)
trends_ui.feedback_panel(feedback, show_coach=owner_view is not None)
