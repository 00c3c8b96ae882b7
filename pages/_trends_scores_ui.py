"""Evaluatietrends' goal-score and session tabs: each chart with its reading and its CSV."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.numfmt import format_number
from core.trends import (
    ScoreTrends,
    SessionTrends,
    closing_distribution,
    closing_mode,
    gain_summary,
    mean_rating,
    mean_t_score,
    start_and_end,
)
from pages import _charts as charts
from pages import _ui as ui

DUMBBELL_ROWS = 40


def _empty(chart: str, filtered: bool) -> str:
    """What an empty chart says: how to fill it, or that the filters leave nothing."""
    return "trends.filtered_empty" if filtered else f"trends.{chart}_empty"


# The highlighted client, kept while another tab is open: Streamlit drops a widget's own
# value in a run that does not draw it.
HIGHLIGHT_KEPT = "trends_highlight_kept"


def score_panels(
    data: ScoreTrends, score_table: Callable[[], pd.DataFrame], *, filtered: bool
) -> None:
    """Goal scores over time (one client highlighted), start → now, and closing scores."""
    language = ui.language()
    trajectories = data.trajectories
    clients = trajectories.drop_duplicates("client_id").sort_values("client")
    # As lists: stepping through pandas' text column one by one took 3 ms for 2,000 clients.
    client_names = dict(zip(clients["client_id"].tolist(), clients["client"].tolist(), strict=True))
    kept = st.session_state.get(HIGHLIGHT_KEPT)
    highlight = st.selectbox(
        ui.t("trends.highlight"),
        [None, *client_names],
        index=[None, *client_names].index(kept) if kept in client_names else 0,
        format_func=lambda c: ui.t("trends.nobody") if c is None else client_names[c],
        placeholder=ui.t("trends.nobody"),  # what None reads as (see _trends_ui)
        key="trends_highlight",
        on_change=lambda: st.session_state.update(
            {HIGHLIGHT_KEPT: st.session_state["trends_highlight"]}
        ),
    )
    lines = data.lines
    shown, total = lines["trajectory_id"].nunique(), len(trajectories)
    reading = ui.t("trends.lines_reading")
    if shown < total:
        reading += " " + ui.t("trends.lines_more", shown=shown, n=total)
    charts.section(
        "trends.lines_title",
        reading,
        charts.score_lines(lines, highlight) if total else None,
        score_table,
        "doelscores",
        _empty("lines", filtered),
    )

    table = start_and_end(trajectories)
    gain = gain_summary(table)
    reading = ui.t(
        "trends.gain_reading",
        mean=format_number(gain.mean or 0, language),
        median=format_number(gain.median or 0, language),
        count=gain.n,
    )
    if gain.n > DUMBBELL_ROWS:
        reading += " " + ui.t("trends.gain_more", shown=DUMBBELL_ROWS, n=gain.n)
    charts.section(
        "trends.gain_title",
        reading,
        charts.dumbbell(table.head(DUMBBELL_ROWS)) if gain.n else None,
        table.drop(columns=["coach_id"]),
        "vooruitgang",
        _empty("gain", filtered),
    )

    distribution = closing_distribution(trajectories)
    mode = closing_mode(distribution)
    charts.section(
        "trends.closing_title",
        ui.t("trends.closing_reading", mode=int(mode.value), count=mode.n),
        charts.bars(
            distribution,
            "score",
            "trajectories",
            ui.t("trends.col_score"),
            ui.t("trends.col_count"),
        )
        if mode.n
        else None,
        distribution,
        "afrondingsscores",
        _empty("closing", filtered),
    )


def session_panels(data: SessionTrends, *, filtered: bool) -> None:
    """Session ratings per week and GAS attainment per trajectory."""
    language = ui.language()
    rating = mean_rating(data.ratings)
    charts.section(
        "trends.ratings_title",
        ui.t("trends.ratings_reading", mean=format_number(rating.value, language), count=rating.n),
        charts.weekly_line(data.ratings) if rating.n else None,
        data.ratings,
        "sessiebeoordelingen",
        _empty("ratings", filtered),
    )
    t_scores = data.gas.sort_values("t_score", ascending=False)
    attained = mean_t_score(data.gas)
    charts.section(
        "trends.gas_title",
        ui.t("trends.gas_reading", mean=format_number(attained.value, language), count=attained.n),
        charts.bars(t_scores, "label", "t_score", "", "T", ui.t("trends.col_client"))
        if attained.n
        else None,
        t_scores.drop(columns=["label"]),
        "gas",
        _empty("gas", filtered),
    )
