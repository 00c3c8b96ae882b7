"""The trends page in AppTest: charts with readings, practice figures, owner versus coach."""

import json
import re
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.accounts import create_coach
from core.config import load_settings
from core.database import prepare_database
from db.models import Coach
from db.passwords import hash_password
from tests.conftest import TODAY
from tests.pages.conftest import log_in, new_app

GAIN = "Gem. vooruitgang"
PAGE = "pages/trends.py"
TABS = ("Doelscores", "Sessies en GAS", "Uitkomsten en protocol", "Wat cliënten zeggen")


def _open_tab(app: AppTest, tab: str) -> AppTest:
    """Click a tab of the page, as a coach does; only the open one is drawn."""
    app.session_state["trends_tab"] = tab
    return app.run()


def _all_tabs(app: AppTest) -> tuple[list[str], int]:
    """Every tab's headings, and how many charts they draw together."""
    headings, charts = [], 0
    for tab in TABS:
        _open_tab(app, tab)
        assert not app.exception
        headings += [h.value for h in app.header]
        charts += len(app.get("vega_lite_chart"))
    return headings, charts


def test_the_owner_sees_every_chart_and_the_practice(open_page: Callable[[str], AppTest]) -> None:
    app = open_page(PAGE)
    assert not app.exception
    # The first tab alone is drawn (and read) until another is opened.
    assert "Wat cliënten zeggen" not in [h.value for h in app.header]
    assert any(m.value.startswith("Gemiddeld ") for m in app.markdown)  # a reading in words
    headings, charts = _all_tabs(app)
    for title in (
        "Doelscore door de tijd",
        "Van start naar nu, per cliënt",
        "Scores bij de afronding",
        "Hoe cliënten de sessies beoordelen",
        "Resultaat behouden na 6 maanden",
        "Aanbevelen (NPS)",
        "Met en zonder volledige afronding",
        "Per coach",
        "Wat cliënten zeggen",
    ):
        assert title in headings, title
    assert charts >= 6  # the GAS T-scores of the demo too
    coaches = app.multiselect(key="trends_coaches")
    assert len(coaches.value) == 2
    said = app.dataframe[-1].value  # what clients said, newest first, with the coach's name
    assert list(said.columns)[:3] == ["Cliënt", "Coach", "Datum"]
    assert len(said) > 0 and said["Zou de cliënt je aanbevelen? (0–10)"].iloc[0] != ""
    _open_tab(app, "Uitkomsten en protocol")
    # A share is read with its 95% interval, beside its n, in the headline as in the table.
    [retained] = [m.value for m in app.markdown if m.value.startswith("Bij ")]
    assert re.search(r"van de \d+ trajecten .* \(95%-interval \d+–\d+%\)\.$", retained)
    figures = app.table[0].value  # wrapped, so every column shows at 1024 px
    assert list(figures.columns) == [
        "Cijfer",
        "Met protocol",
        "Zonder protocol",
        "Verschil te zien?",
        "Respons",
    ]
    assert len(figures) == 5
    assert (
        "%; " in figures["Met protocol"].iloc[0] or "te weinig" in figures["Met protocol"].iloc[0]
    )
    [per_coach] = [d.value for d in app.dataframe if GAIN in d.value.columns]
    assert all("." not in str(gain) for gain in per_coach[GAIN])  # 3,5 in Dutch, not 3.5
    # No coach chosen: the figures show them all, and the page says so.
    coaches.set_value([]).run()
    assert "Geen coach gekozen" in " ".join(c.value for c in app.caption)
    assert _all_tabs(app)[1] >= 6
    # A period from before the practice: the feedback follows it like every chart.
    app.date_input(key="trends_since").set_value(TODAY).run()
    _open_tab(app, "Wat cliënten zeggen")
    assert not app.exception
    filtered = [d.value for d in app.dataframe if "Datum" in d.value.columns]
    assert sum(len(frame) for frame in filtered) < len(said)


def test_charts_write_dutch_numbers_and_months_and_read_out_their_reading(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    specs, readings = [], []
    for tab in TABS:
        _open_tab(app, tab)
        specs += [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]
        readings += [m.value for m in app.markdown]
    for spec in specs:
        locale = spec["config"]["locale"]
        assert locale["number"]["decimal"] == ","  # a tooltip's 8,1, not 8.1
        assert locale["time"]["shortMonths"][2] == "mrt"  # the axis's months in Dutch
        assert spec["description"] in readings  # the chart's text alternative is its reading
    lines = specs[0]
    assert lines["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert [t["title"] for t in lines["encoding"]["tooltip"]] == [
        "Cliënt",
        "Datum",
        "Score",
        "Moment",
    ]
    for spec in specs:  # no bare field names in a tooltip, and no layer without its own
        for layer in spec.get("layer", [spec]):
            tips = layer["encoding"]["tooltip"]
            assert tips and all(tip["title"] for tip in tips), spec["description"]
    bars = [s for s in specs if "layer" not in s and s["encoding"]["x"]["type"] == "ordinal"]
    assert len(bars) == 2 and all(s["encoding"]["x"]["sort"] is None for s in bars)
    # Counted answers and trajectories have whole ticks: no "0,5" on an axis of 2 answers.
    [answers] = [s for s in specs if s.get("encoding", {}).get("x", {}).get("field") == "answers"]
    assert answers["encoding"]["x"]["axis"]["tickMinStep"] == 1
    assert all(s["encoding"]["y"]["axis"]["tickMinStep"] == 1 for s in bars)
    _open_tab(app, "Doelscores")
    dataset = app.get("vega_lite_chart")[0].proto.datasets[0].data.data
    moments = set(pa.ipc.open_stream(dataset).read_all().column("moment").to_pylist())
    assert "na sessie" in moments and "session" not in moments  # what the tooltip says


def test_a_coach_sees_only_their_own_and_no_coach_filter(app_env: Path) -> None:
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        second = session.scalars(select(Coach).order_by(Coach.id)).all()[1]
        second.password_hash = hash_password("Tweede-coach-1")
        username = second.username
    app = log_in(new_app(), username, "Tweede-coach-1")
    app.switch_page(PAGE).run()
    assert not app.exception
    assert "Per coach" not in _all_tabs(app)[0]
    assert not [m for m in app.multiselect if m.key == "trends_coaches"]


def test_without_data_every_section_says_what_to_do(app_env: Path) -> None:
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        create_coach(
            session,
            username="nieuw",
            display_name="Nieuwe Coach",
            email="n@example.org",
            password="Lege-praktijk-1",
        )
    app = log_in(new_app(), "nieuw", "Lege-praktijk-1")
    app.switch_page(PAGE).run()
    assert not app.exception
    guidance, charts = [], 0
    for tab in TABS:
        _open_tab(app, tab)
        guidance += [i.value for i in app.info]
        charts += len(app.get("vega_lite_chart"))
    for start in (
        "Nog geen scores.",
        "Nog geen trajecten met twee scores",
        "Nog geen afrondingsscores.",
        "Nog geen beoordelingen.",
        "Nog geen GAS-doelen",
        "Nog geen resultaatchecks",
        "Nog geen antwoorden",
    ):
        assert any(g.startswith(start) for g in guidance), start
    assert charts == 0  # no empty frames drawn


def test_the_highlighted_client_stays_chosen_across_the_tabs(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    app.selectbox(key="trends_highlight").select_index(3).run()
    chosen = app.selectbox(key="trends_highlight").value
    assert chosen is not None
    _open_tab(app, "Sessies en GAS")
    _open_tab(app, "Doelscores")
    assert not app.exception
    assert app.selectbox(key="trends_highlight").value == chosen
