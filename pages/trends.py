"""Evaluatietrends: goal scores across clients, and what the closing protocol brings."""

from datetime import date

import pandas as pd
import streamlit as st

from core.clients import TRAJECTORY_STATUSES
from core.numfmt import format_number, format_share
from core.scope import coaches_in_view
from core.trends import (
    MIN_N,
    closing_distribution,
    gain_per_coach,
    gain_summary,
    load_trends,
    nps,
    protocol_figures,
    recent_lines,
    retained_share,
    start_and_end,
)
from pages import _charts as charts
from pages import _ui as ui

DUMBBELL_ROWS = 40
LINES_SHOWN = 300
coach = ui.coach()
lang = coach.language
st.title(ui.t("trends.title"))
st.caption(ui.t("trends.intro"))

with ui.db_session() as session:
    in_view = coaches_in_view(session, coach_id=coach.id)
names = {c.coach_id: c.name for c in in_view}
filters = st.columns([2, 2, 3] if len(in_view) > 1 else [2, 2])
since = filters[0].date_input(
    ui.t("trends.period"), value=None, format="DD-MM-YYYY", key="trends_since"
)
status = filters[1].selectbox(
    ui.t("trends.status"),
    [None, *TRAJECTORY_STATUSES],
    format_func=lambda s: ui.t(f"trajectory_status.{s}") if s else ui.t("trends.all_statuses"),
    key="trends_status",
)
chosen = list(names)
if len(in_view) > 1:
    chosen = filters[2].multiselect(
        ui.t("trends.coaches"),
        list(names),
        default=list(names),
        format_func=names.get,
        key="trends_coaches",
    ) or list(names)
with ui.db_session() as session:
    data = load_trends(
        session,
        coach_id=coach.id,
        coach_ids=chosen,
        since=since if isinstance(since, date) else None,
        status=status,
    )
scores, ratings, answers, closed, gas = (
    data.scores,
    data.ratings,
    data.recommendations,
    data.closed,
    data.gas,
)
table = start_and_end(scores)
gain = gain_summary(table)


clients = scores.drop_duplicates("client_id").sort_values("client")
client_names = dict(zip(clients["client_id"], clients["client"], strict=True))
highlight = st.selectbox(
    ui.t("trends.highlight"),
    [None, *client_names],
    format_func=lambda c: ui.t("trends.nobody") if c is None else client_names[c],
    key="trends_highlight",
)
lines = recent_lines(scores, LINES_SHOWN, highlight)
shown, total = lines["trajectory_id"].nunique(), scores["trajectory_id"].nunique()
lines_reading = ui.t("trends.lines_reading")
if shown < total:
    lines_reading += " " + ui.t("trends.lines_more", shown=shown, n=total)
charts.section(
    "trends.lines_title",
    lines_reading,
    charts.score_lines(lines, highlight) if not scores.empty else None,
    scores.drop(columns=["client_id"]),
    "doelscores",
    "trends.lines_empty",
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
    "trends.gain_empty",
)

distribution = closing_distribution(scores)
closed_n = int(distribution["trajectories"].sum())
mode = int(distribution.loc[distribution["trajectories"].idxmax(), "score"]) if closed_n else 0
charts.section(
    "trends.closing_title",
    ui.t("trends.closing_reading", mode=mode, n=closed_n),
    charts.bars(
        distribution, "score", "trajectories", ui.t("trends.col_score"), ui.t("trends.col_count")
    )
    if closed_n
    else None,
    distribution,
    "afrondingsscores",
    "trends.closing_empty",
)

rated = int(ratings["sessions"].sum()) if not ratings.empty else 0
mean_rating = (ratings["rating"] * ratings["sessions"]).sum() / rated if rated else 0
charts.section(
    "trends.ratings_title",
    ui.t("trends.ratings_reading", mean=format_number(mean_rating, lang), n=rated),
    charts.weekly_line(ratings) if rated else None,
    ratings,
    "sessiebeoordelingen",
    "trends.ratings_empty",
)

t_scores = gas.sort_values("t_score", ascending=False)
charts.section(
    "trends.gas_title",
    ui.t(
        "trends.gas_reading",
        mean=format_number(float(gas["t_score"].mean()) if len(gas) else 0, lang),
        n=len(gas),
    ),
    charts.bars(t_scores.assign(label=t_scores["client"]), "label", "t_score", "", "T")
    if len(gas)
    else None,
    t_scores,
    "gas",
    "trends.gas_empty",
)

left, right = st.columns(2, gap="large")
with left.container(border=True):
    st.subheader(ui.t("trends.retained_title"))
    share, with_result = retained_share(closed)
    if share is None:
        st.info(ui.t("trends.retained_empty"), icon=":material/lightbulb:")
    else:
        st.metric(
            ui.t("trends.retained_title"),
            format_share(share, lang),
            border=False,
            label_visibility="collapsed",
        )
        st.write(ui.t("trends.retained_reading", share=format_share(share, lang), n=with_result))
with right.container(border=True):
    st.subheader(ui.t("trends.nps_title"))
    result = nps(answers)
    if result.score is None:
        st.info(ui.t("trends.nps_empty"), icon=":material/lightbulb:")
    else:
        st.altair_chart(
            charts.nps_bar(result.promoters, result.passives, result.detractors), width="stretch"
        )
        st.write(
            ui.t(
                "trends.nps_reading",
                score=format_number(result.score, lang, 0),
                n=result.n,
                promoters=result.promoters,
                passives=result.passives,
                detractors=result.detractors,
            )
        )

with st.container(border=True):
    st.subheader(ui.t("trends.protocol_title"))
    st.caption(ui.t("trends.protocol_intro", min_n=MIN_N))
    rows = charts.protocol_rows(protocol_figures(closed), lang)
    ui.table(rows, "trends.lines_empty")
    charts.download(pd.DataFrame(rows), "praktijkcijfers")

if len(in_view) > 1:
    with st.container(border=True):
        st.subheader(ui.t("trends.per_coach_title"))
        per_coach = gain_per_coach(table, [c for c in in_view if c.coach_id in chosen])
        ui.table(
            per_coach.rename(
                columns={
                    "coach": ui.t("trends.col_coach"),
                    "trajectories": ui.t("trends.col_trajectories"),
                    "mean_gain": ui.t("trends.col_gain"),
                }
            ).to_dict("records"),
            "trends.gain_empty",
        )
