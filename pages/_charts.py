"""Altair charts for Evaluatietrends: calm colours, Dutch labels, data alongside as CSV."""

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.i18n import translate
from core.kinds import ScoreKind
from core.numfmt import format_number, format_share
from core.spreadsheet import figures_csv
from core.timefmt import chart_locale
from core.trends import Figure, Responses
from pages import _ui as ui

ACCENT = "#2E6B5E"
FAINT = "#c9c4b8"
WARM = "#c08a2d"
DATA = "data"  # the named dataset every cached spec reads


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec made once per language (Altair builds and checks it: slow, so it is
    cached) and the frame it shows this time."""

    spec: Mapping[str, Any]
    data: pd.DataFrame
    height: int | None = None


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict()
    spec.pop("config", None)  # Altair's default theme: Streamlit's own applies instead
    return spec


def _month_axis() -> alt.Axis:
    # Month names come from the chart's locale (see draw): "nov 2026" in Dutch.
    return alt.Axis(format="%b %Y", tickCount="month", labelOverlap=True)


_WHOLE = alt.Axis(format="d")  # scores are whole numbers: 8, not 8.0


def _one_to_ten(field: str, title: str) -> alt.Y:
    """A 1–10 axis (a goal score, a session rating)."""
    return alt.Y(f"{field}:Q", title=title, scale=alt.Scale(domain=[1, 10]), axis=_WHOLE)


def download(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str) -> None:
    """The chart's data as a CSV file (UTF-8 with BOM, semicolons, for Excel) in the coach's
    language; `frame` may be read only when the coach clicks."""
    # Read here: the CSV is made when clicked, outside the page's run and its session state.
    language, timezone = ui.language(), ui.coach().timezone
    ui.download(
        ui.t("trends.download"),
        # Built only when clicked: a large practice's CSV would slow every render.
        lambda: figures_csv(
            frame() if callable(frame) else frame, language=language, timezone=timezone
        ),
        file_name=f"afronding-{name}.csv",
        mime="text/csv",
        key=f"trends_csv_{name}",
    )


@cache
def _score_lines_spec(language: str) -> dict[str, Any]:
    return _spec(
        alt.Chart(alt.NamedData(DATA))
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X("when:T", title=None, axis=_month_axis()),
            y=_one_to_ten("score", translate("trends.col_score", language)),
            detail=alt.Detail("trajectory_id:N"),
            # Colour, opacity and width come with the data: conditions cost Altair 25 ms.
            color=alt.Color("colour:N", scale=None),
            opacity=alt.Opacity("opacity:Q", scale=None),
            strokeWidth=alt.StrokeWidth("width:Q", scale=None),
            order=alt.Order("measured_at:T"),
            tooltip=[
                alt.Tooltip("client:N", title=translate("trends.col_client", language)),
                alt.Tooltip(
                    "when:T", title=translate("trends.col_when", language), format="%d-%m-%Y"
                ),
                alt.Tooltip("score:Q", title=translate("trends.col_score", language)),
                alt.Tooltip("moment:N", title=translate("trends.col_kind", language)),
            ],
        )
        .properties(height=320)
    )


def score_lines(scores: pd.DataFrame, highlight: int | None) -> Chart:
    """One line per trajectory; the highlighted client's in colour, the others faint."""
    chosen = scores["client_id"] == highlight
    data = scores.assign(
        when=pd.to_datetime(scores["measured_at"], utc=True).dt.tz_localize(None),
        moment=scores["kind"].map({kind: ui.t(f"score_kind.{kind}") for kind in ScoreKind}),
        colour=chosen.map({True: ACCENT, False: FAINT}),
        opacity=chosen.map({True: 1.0, False: 0.55}),
        width=chosen.map({True: 3.0, False: 1.2}),
    )
    return Chart(_score_lines_spec(ui.language()), data)


@cache
def _dumbbell_spec(language: str) -> dict[str, Any]:
    axis = alt.Axis(labelOverlap=False, labelLimit=220)
    # Every layer says the same, in words: Streamlit gives a layer without its own tooltip
    # one listing the raw field names.
    base = alt.Chart(alt.NamedData(DATA)).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField("rank"), title=None, axis=axis),
        tooltip=[
            alt.Tooltip("client:N", title=translate("trends.col_client", language)),
            alt.Tooltip("start:Q", title=translate("trends.col_start", language)),
            alt.Tooltip("end:Q", title=translate("trends.col_end", language)),
        ],
    )
    rule = base.mark_rule(color=FAINT, strokeWidth=3).encode(
        x=alt.X(
            "start:Q",
            scale=alt.Scale(domain=[1, 10]),
            title=translate("trends.col_score", language),
            axis=_WHOLE,
        ),
        x2=alt.X2("end:Q"),
    )
    start = base.mark_circle(size=80, color=FAINT).encode(x=alt.X("start:Q"))
    end = base.mark_circle(size=100, color=ACCENT).encode(x=alt.X("end:Q"))
    return _spec(rule + start + end)


def dumbbell(table: pd.DataFrame) -> Chart:
    """Start → now per trajectory, sorted by gain; a returning client's second is marked (2)."""
    repeat = table.groupby("client").cumcount()
    table = table.assign(
        label=table["client"] + repeat.map(lambda i: f" ({i + 1})" if i else ""),
        rank=range(len(table)),
    )
    return Chart(_dumbbell_spec(ui.language()), table, height=max(120, 24 * len(table)))


@cache
def _bars_spec(x_title: str, y_title: str, x_tooltip: str) -> dict[str, Any]:
    return _spec(
        alt.Chart(alt.NamedData(DATA))
        .mark_bar(color=ACCENT, cornerRadiusEnd=3)
        .encode(
            x=alt.X("x:O", title=x_title, sort=None),  # in the order given, not by name
            # Counts and T-scores: no "0,5" between the ticks when the numbers are small.
            y=alt.Y("y:Q", title=y_title, axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("x:O", title=x_tooltip),
                alt.Tooltip("y:Q", title=y_title, format=",.1~f"),
            ],
        )
        .properties(height=240)
    )


def bars(
    frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, x_tooltip: str = ""
) -> Chart:
    """A plain bar chart of `y` per `x` (`x_tooltip` names a bar when the axis has no title)."""
    spec = _bars_spec(x_title, y_title, x_tooltip or x_title)
    return Chart(spec, pd.DataFrame({"x": frame[x], "y": frame[y]}))


@cache
def _weekly_line_spec(language: str) -> dict[str, Any]:
    return _spec(
        alt.Chart(alt.NamedData(DATA))
        .mark_line(color=ACCENT, point=alt.OverlayMarkDef(color=ACCENT))
        .encode(
            x=alt.X("week:T", title=None, axis=_month_axis()),
            y=_one_to_ten("rating", translate("trends.col_rating", language)),
            tooltip=[
                alt.Tooltip(
                    "week:T", title=translate("trends.col_week", language), format="%d-%m-%Y"
                ),
                alt.Tooltip(
                    "rating:Q", title=translate("trends.col_rating", language), format=".1f"
                ),
                alt.Tooltip("sessions:Q", title=translate("trends.col_count", language)),
            ],
        )
        .properties(height=240)
    )


def weekly_line(frame: pd.DataFrame) -> Chart:
    """The weekly average after-session rating."""
    return Chart(_weekly_line_spec(ui.language()), frame)


@cache
def _nps_spec(language: str) -> dict[str, Any]:
    groups = [translate(f"trends.{g}", language) for g in ("promoters", "passives", "detractors")]
    return _spec(
        alt.Chart(alt.NamedData(DATA))
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y(
                "group:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)
            ),
            x=alt.X(
                "answers:Q",
                title=translate("trends.col_count", language),
                axis=alt.Axis(tickMinStep=1),  # answers are whole: no 0,5 ticks
            ),
            color=alt.Color(
                "group:N", legend=None, scale=alt.Scale(domain=groups, range=[ACCENT, FAINT, WARM])
            ),
            tooltip=[
                alt.Tooltip("group:N", title=translate("trends.col_group", language)),
                alt.Tooltip("answers:Q", title=translate("trends.col_count", language)),
            ],
        )
        .properties(height=150)
    )


def nps_bar(promoters: int, passives: int, detractors: int) -> Chart:
    """Promoters, passives and detractors side by side."""
    frame = pd.DataFrame(
        {
            "group": [ui.t("trends.promoters"), ui.t("trends.passives"), ui.t("trends.detractors")],
            "answers": [promoters, passives, detractors],
        }
    )
    return Chart(_nps_spec(ui.language()), frame)


def draw(chart: Chart, reading: str) -> None:
    """The chart, with its one-line reading as its text alternative (Vega's ARIA
    description)."""
    spec = copy.deepcopy(dict(chart.spec))  # Streamlit adjusts the spec it is given
    spec |= {
        "description": reading,
        "datasets": {DATA: chart.data},
        "config": {"locale": chart_locale(ui.language())},
    }
    if chart.height is not None:
        spec["height"] = chart.height
    st.vega_lite_chart(spec=spec, width="stretch")


def section(
    title: str,
    reading: str,
    chart: Chart | None,
    data: pd.DataFrame | Callable[[], pd.DataFrame],
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
        with left:
            draw(chart, reading)
        right.write(reading)
        with right:
            download(data, name)


def interval_bounds(interval: tuple[float, float], language: str) -> tuple[str, str]:
    """A 95% interval's bounds as whole percentages without their sign ("25", "84")."""
    low, high = (format_share(bound, language).rstrip("%") for bound in interval)
    return low, high


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
        low, high = interval_bounds(interval, language)
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
