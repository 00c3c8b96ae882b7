"""Numbers follow the interface language: a decimal comma and a dot for thousands in Dutch."""

import pytest

from core.numfmt import format_number, format_share


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        (3.5, "nl", "3,5"),
        (3.5, "en", "3.5"),
        (3.0, "nl", "3"),  # whole numbers without decimals
        (3.04, "nl", "3"),  # at most one decimal, rounded
        (2.96, "en", "3"),
        (1234.56, "nl", "1.234,6"),
        (1234.56, "en", "1,234.6"),
        (-0.5, "nl", "-0,5"),
    ],
)
def test_numbers_read_as_the_coach_writes_them(value: float, language: str, shown: str) -> None:
    assert format_number(value, language) == shown


def test_two_decimals_when_asked_and_shares_in_whole_percents() -> None:
    assert format_number(3.456, "nl", digits=2) == "3,46"
    assert format_share(0.667, "nl") == "67%"
    assert format_share(1.0, "en") == "100%"
