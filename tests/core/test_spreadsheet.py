"""CSV for spreadsheets: a chart's figures in the coach's language and zone."""

import csv
import io

import pandas as pd

from core.spreadsheet import figures_csv


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_a_charts_figures_read_as_the_coach_writes_them() -> None:
    frame = pd.DataFrame(
        {
            "client": ["=Zoë", "Bram"],
            "measured_at": pd.to_datetime(["2026-03-29 07:30", "2026-10-25 07:30"], utc=True),
            "kind": ["start", "closing"],
            "source": ["client", "coach"],
            "t_score": [61.234567, 48.0],
        }
    )
    dutch = _read(figures_csv(frame, language="nl", timezone="Europe/Amsterdam"))
    assert dutch == [
        # Summer time began that morning: 07:30 UTC is 09:30 in Amsterdam.
        {"Cliënt": "'=Zoë", "Gemeten op": "2026-03-29 09:30", "Moment": "start",
         "Door": "door cliënt", "T-score": "61,23"},
        # Winter time again: 07:30 UTC is 08:30.
        {"Cliënt": "Bram", "Gemeten op": "2026-10-25 08:30", "Moment": "afronding",
         "Door": "door coach", "T-score": "48,0"},
    ]  # fmt: skip
    english = _read(figures_csv(frame, language="en", timezone="Europe/Amsterdam"))
    assert list(english[0]) == ["Client", "Measured at", "Moment", "By", "T-score"]
    assert english[0]["T-score"] == "61.23" and english[1]["Moment"] == "closing"


def test_weeks_are_dates_and_counts_stay_whole() -> None:
    frame = pd.DataFrame(
        {"week": pd.to_datetime(["2026-11-23"]), "rating": [7.666666], "sessions": [3]}
    )
    [row] = _read(figures_csv(frame, language="nl", timezone="Europe/Amsterdam"))
    assert row == {"Week van": "2026-11-23", "Gem. beoordeling": "7,67", "Sessies": "3"}


def test_a_table_already_in_the_coachs_words_keeps_its_headings() -> None:
    frame = pd.DataFrame({"Cijfer": ["Behouden na 6 maanden"], "Met protocol": ["86% (n=7)"]})
    [row] = _read(figures_csv(frame, language="nl", timezone="Europe/Amsterdam"))
    assert row == {"Cijfer": "Behouden na 6 maanden", "Met protocol": "86% (n=7)"}
