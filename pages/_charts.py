"""Altair charts for Evaluatietrends: calm colours, Dutch labels, data alongside as CSV."""

import altair as alt
import pandas as pd
import streamlit as st

from core.numfmt import format_number, format_share
from core.spreadsheet import frame_csv
from core.timefmt import month_names
from core.trends import Figure, Responses
from pages import _ui as ui

ACCENT = "#2E6B5E"
FAINT = "#c9c4b8"
WARM = "#c08a2d"


def month_axis() -> alt.Axis:
    """A time axis with the coach's month names (Vega only knows English ones)."""
    months = month_names(ui.language())
    names = "[" + ",".join(f"'{m}'" for m in months) + "]"
    return alt.Axis(
        labelExpr=f"{names}[month(datum.value)] + ' ' + year(datum.value)",
        tickCount="month",
        labelOverlap=True,
    )


def download(frame: pd.DataFrame, name: str) -> None:
    """The chart's data as a CSV file (UTF-8 with BOM, semicolons, for Excel)."""
    ui.download(
        ui.t("trends.download"),
        # Built only when clicked: a large practice's CSV would slow every render.
        lambda: frame_csv(frame),
        file_name=f"afronding-{name}.csv",
        mime="text/csv",
        key=f"trends_csv_{name}",
    )


def score_lines(scores: pd.DataFrame, highlight: int | None) -> alt.Chart:
    """One line per trajectory; the highlighted client's in colour, the others faint."""
    data = scores.assign(
        chosen=scores["client_id"] == highlight if highlight is not None else False,
        when=pd.to_datetime(scores["measured_at"], utc=True).dt.tz_localize(None),
    )
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X("when:T", title=None, axis=month_axis()),
            y=alt.Y("score:Q", title=ui.t("trends.col_score"), scale=alt.Scale(domain=[1, 10])),
            detail="trajectory_id:N",
            color=alt.condition("datum.chosen", alt.value(ACCENT), alt.value(FAINT)),
            opacity=alt.condition("datum.chosen", alt.value(1.0), alt.value(0.55)),
            strokeWidth=alt.condition("datum.chosen", alt.value(3.0), alt.value(1.2)),
            order="measured_at:T",
            tooltip=[
                alt.Tooltip("client:N", title=ui.t("trends.col_client")),
                alt.Tooltip("when:T", title=ui.t("trends.col_when"), format="%d-%m-%Y"),
                alt.Tooltip("score:Q", title=ui.t("trends.col_score")),
                alt.Tooltip("kind:N", title=ui.t("trends.col_kind")),
            ],
        )
        .properties(height=320)
    )
    return chart


def dumbbell(table: pd.DataFrame) -> alt.LayerChart:
    """Start → now per trajectory, sorted by gain; a returning client's second is marked (2)."""
    repeat = table.groupby("client").cumcount()
    table = table.assign(label=table["client"] + repeat.map(lambda i: f" ({i + 1})" if i else ""))
    axis = alt.Axis(labelOverlap=False, labelLimit=220)
    base = alt.Chart(table).encode(
        y=alt.Y("label:N", sort=list(table["label"]), title=None, axis=axis)
    )
    rule = base.mark_rule(color=FAINT, strokeWidth=3).encode(
        x=alt.X("start:Q", scale=alt.Scale(domain=[1, 10]), title=ui.t("trends.col_score")),
        x2="end:Q",
    )
    start = base.mark_circle(size=80, color=FAINT).encode(x="start:Q")
    end = base.mark_circle(size=100, color=ACCENT).encode(
        x="end:Q",
        tooltip=[
            alt.Tooltip("client:N", title=ui.t("trends.col_client")),
            alt.Tooltip("start:Q", title=ui.t("trends.col_start")),
            alt.Tooltip("end:Q", title=ui.t("trends.col_end")),
        ],
    )
    layered: alt.LayerChart = (rule + start + end).properties(height=max(120, 24 * len(table)))
    return layered


def bars(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str) -> alt.Chart:
    """A plain bar chart."""
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar(color=ACCENT, cornerRadiusEnd=3)
        .encode(x=alt.X(f"{x}:O", title=x_title), y=alt.Y(f"{y}:Q", title=y_title))
        .properties(height=240)
    )
    return chart


def weekly_line(frame: pd.DataFrame) -> alt.Chart:
    """The weekly average after-session rating."""
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(color=ACCENT, point=alt.OverlayMarkDef(color=ACCENT))
        .encode(
            x=alt.X("week:T", title=None, axis=month_axis()),
            y=alt.Y("rating:Q", title=ui.t("trends.col_rating"), scale=alt.Scale(domain=[1, 10])),
            tooltip=[
                alt.Tooltip("week:T", title=ui.t("trends.col_week"), format="%d-%m-%Y"),
                alt.Tooltip("rating:Q", title=ui.t("trends.col_rating"), format=".1f"),
                alt.Tooltip("sessions:Q", title=ui.t("trends.col_count")),
            ],
        )
        .properties(height=240)
    )
    return chart


def nps_bar(promoters: int, passives: int, detractors: int) -> alt.Chart:
    """Promoters, passives and detractors side by side."""
    frame = pd.DataFrame(
        {
            "group": [ui.t("trends.promoters"), ui.t("trends.passives"), ui.t("trends.detractors")],
            "answers": [promoters, passives, detractors],
        }
    )
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y(
                "group:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)
            ),
            x=alt.X("answers:Q", title=ui.t("trends.col_count")),
            color=alt.Color(
                "group:N",
                legend=None,
                scale=alt.Scale(domain=list(frame["group"]), range=[ACCENT, FAINT, WARM]),
            ),
        )
        .properties(height=150)
    )
    return chart


def section(
    title: str,
    reading: str,
    chart: alt.Chart | alt.LayerChart | None,
    data: pd.DataFrame,
    name: str,
    empty: str,
) -> None:
    """A chart with its one-line reading beside it, or what to do to get data."""
    with st.container(border=True):
        st.header(ui.t(title))
        if chart is None:
            st.info(ui.t(empty), icon=":material/lightbulb:")
            return
        left, right = st.columns([5, 2], gap="large")  # the reading and its button fit at 1024
        # The reading is also the chart's text alternative (Vega's ARIA description).
        left.altair_chart(chart.properties(description=reading), width="stretch")
        right.write(reading)
        with right:
            download(data, name)


def protocol_rows(
    figures: list[Figure], language: str, responses: Responses
) -> list[dict[str, object]]:
    """The practice figures as rows: with and without the protocol (a share with its 95%
    interval), or "too few to say"; whether the two can be told apart; and for a figure the
    clients answer themselves, its response (answered / sent)."""
    answered = {"retained": responses.result}

    def shown(figure: Figure, with_protocol: bool) -> str:
        value = figure.with_protocol if with_protocol else figure.without_protocol
        n = figure.with_n if with_protocol else figure.without_n
        if not figure.enough(with_protocol) or value is None:
            return ui.t("trends.too_few", n=n)
        if (interval := figure.interval(with_protocol)) is None:
            return f"{format_number(value, language)} (n={n})"
        low, high = (format_share(bound, language).rstrip("%") for bound in interval)
        return f"{format_share(value, language)} (n={n}; {low}–{high}%)"

    def apart(figure: Figure) -> str:
        told = figure.told_apart()
        return "–" if told is None else ui.t(f"trends.told_apart_{str(told).lower()}")

    return [
        {
            ui.t("trends.col_figure"): ui.t(f"trends.figure_{f.key}"),
            ui.t("trends.col_with"): shown(f, True),
            ui.t("trends.col_without"): shown(f, False),
            ui.t("trends.col_apart"): apart(f),
            ui.t("trends.col_response"): (
                f"{answered[f.key].answered}/{answered[f.key].sent}"
                if f.key in answered and answered[f.key].sent
                else "–"
            ),
        }
        for f in figures
    ]
