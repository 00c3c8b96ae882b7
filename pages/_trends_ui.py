"""Evaluatietrends' filters and its figure panels (charts live in pages/_charts.py)."""

from datetime import date

import pandas as pd
import streamlit as st

from core.clients import TRAJECTORY_STATUSES
from core.feedback import FeedbackRow
from core.kinds import TrajectoryStatus
from core.numfmt import format_number, format_share
from core.scope import CoachRef
from core.timefmt import format_date, local_date, utc_now
from core.trends import (
    MIN_N,
    Response,
    Responses,
    gain_per_coach,
    nps,
    protocol_figures,
    results_by_client,
    retained_share,
    wilson_interval,
)
from pages import _charts as charts
from pages import _ui as ui

EARLIEST_START = date(1990, 1, 1)


def filters(in_view: list[CoachRef]) -> tuple[date | None, TrajectoryStatus | None, list[int]]:
    """Period, trajectory status and (for a practice owner) coaches to include."""
    names = {c.coach_id: c.name for c in in_view}
    columns = st.columns([2, 2, 3] if len(in_view) > 1 else [2, 2])
    since = columns[0].date_input(
        ui.t("trends.period"),
        value=None,
        # Any start a practice may have had, up to today (Streamlit's own range is ten years
        # either side, and a date outside it was refused in English).
        min_value=EARLIEST_START,
        max_value=local_date(utc_now(), ui.coach().timezone),
        format="DD-MM-YYYY",
        key="trends_since",
    )
    status = columns[1].selectbox(
        ui.t("trends.status"),
        [None, *TRAJECTORY_STATUSES],
        format_func=lambda s: ui.t(f"trajectory_status.{s}") if s else ui.t("trends.all_statuses"),
        # Streamlit reads the None option as "nothing chosen" (after a reload, or Escape):
        # then it shows the placeholder, which must say the same, in Dutch.
        placeholder=ui.t("trends.all_statuses"),
        key="trends_status",
    )
    chosen = list(names)
    if len(in_view) > 1:
        chosen = columns[2].multiselect(
            ui.t("trends.coaches"),
            list(names),
            default=list(names),
            format_func=names.__getitem__,
            key="trends_coaches",
            # Streamlit's own texts are English ("Choose options", "Select all").
            placeholder=ui.t("app.choose"),
            select_all=False,
        )
        if not chosen:
            columns[2].caption(ui.t("trends.coaches_none"))
            chosen = list(names)
    return since if isinstance(since, date) else None, status, chosen


def _response(key: str, response: Response) -> None:
    """Beside a figure: how many clients answered, of how many got the link."""
    if response.sent:
        st.caption(ui.t(key, answered=response.answered, count=response.sent))


def outcome_panels(
    closed: pd.DataFrame, answers: list[int], responses: Responses, language: str
) -> None:
    """Retained after six months, and the NPS, side by side, each with its response."""
    left, right = st.columns(2, gap="large")
    with left.container(border=True):
        st.header(ui.t("trends.retained_title"))
        share, with_result = retained_share(closed)
        if share is None:
            st.info(ui.t("trends.retained_empty"), icon=":material/lightbulb:")
        else:
            shown = format_share(share, language)
            st.metric(
                ui.t("trends.retained_title"), shown, border=False, label_visibility="collapsed"
            )
            low, high = charts.interval_bounds(
                wilson_interval(round(share * with_result), with_result), language
            )
            st.write(
                ui.t("trends.retained_reading", share=shown, count=with_result, low=low, high=high)
            )
            st.caption(ui.t("trends.retained_by_client", count=results_by_client(closed)))
        _response("trends.response_result", responses.result)
    with right.container(border=True):
        st.header(ui.t("trends.nps_title"))
        result = nps(answers)
        if result.score is None:
            st.info(ui.t("trends.nps_empty"), icon=":material/lightbulb:")
            _response("trends.response_evaluation", responses.evaluation)
            return
        groups = (
            ("trends.promoters_n", result.promoters),
            ("trends.passives_n", result.passives),
            ("trends.detractors_n", result.detractors),
        )
        reading = ui.t(
            "trends.nps_reading",
            score=format_number(result.score, language, 0),
            count=result.n,
            groups=", ".join(ui.t(key, count=count) for key, count in groups),
        )
        chart = charts.nps_bar(result.promoters, result.passives, result.detractors)
        charts.draw(chart, reading)
        st.write(reading)
        _response("trends.response_evaluation", responses.evaluation)


def practice_panels(
    start_end: pd.DataFrame,
    closed: pd.DataFrame,
    responses: Responses,
    coaches: list[CoachRef] | None,
    language: str,
) -> None:
    """The figures with and without the full protocol, and gain per coach for an owner."""
    with st.container(border=True):
        st.header(ui.t("trends.protocol_title"))
        st.caption(ui.t("trends.protocol_intro", min_n=MIN_N))
        rows = charts.protocol_rows(protocol_figures(closed), language, responses)
        ui.figures_table(rows)
        charts.download(pd.DataFrame(rows), "praktijkcijfers")
    if coaches is None:
        return
    with st.container(border=True):
        st.header(ui.t("trends.per_coach_title"))
        rows = [
            {
                ui.t("trends.col_coach"): row.coach,
                ui.t("trends.col_trajectories"): row.trajectories,
                # Written out in the interface's language (3,5 in Dutch), "–" without any.
                ui.t("trends.col_gain"): "–"
                if row.mean_gain is None
                else format_number(row.mean_gain, language),
            }
            for row in gain_per_coach(start_end, coaches)
        ]
        ui.table(rows, "trends.gain_empty")


def feedback_panel(rows: list[FeedbackRow], *, show_coach: bool) -> None:
    """What clients said about the coaching, newest first, for the coach's own learning."""
    with st.container(border=True):
        st.header(ui.t("trends.feedback_title"))
        st.caption(ui.t("trends.feedback_intro"))
        # Each heading looked up once: two hundred rows asked for each of them in turn.
        client, coach, when, helped, better, score, reason = (
            ui.t(key)
            for key in (
                "trends.col_client",
                "trends.col_coach",
                "trends.col_when",
                "closing.most_valuable",
                "closing.could_be_better",
                "closing.recommend_score",
                "closing.recommend_reason",
            )
        )
        language = ui.language()
        table = [
            {
                client: row.client_name,
                **({coach: row.coach_name} if show_coach else {}),
                when: format_date(row.at.date(), language, year=True),
                helped: row.helped_most,
                better: row.could_be_better,
                score: "–" if row.recommend_score is None else str(row.recommend_score),
                reason: row.recommend_reason,
            }
            for row in rows
        ]
        ui.table(table, "trends.feedback_empty")
        if table:
            charts.download(pd.DataFrame(table), "wat-clienten-zeggen")
