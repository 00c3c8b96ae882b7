"""Dates and times read naturally in Dutch and English, in the coach's zone."""

from datetime import UTC, date, datetime

from core.timefmt import (
    format_date,
    format_long_date,
    format_moment,
    local_date,
    local_midnight,
    month_names,
)


def test_dates_in_dutch_and_english() -> None:
    day = date(2026, 11, 26)
    assert format_date(day, "nl") == "do 26 nov"
    assert format_date(day, "en") == "Thu 26 Nov"
    assert format_date(day, "nl", year=True) == "do 26 nov 2026"
    assert format_long_date(day, "nl") == "donderdag 26 november 2026"


def test_moments_are_shown_in_the_coachs_zone() -> None:
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_moment(moment, "Europe/Amsterdam", "nl") == "wo 1 jul, 14:00"  # summer: +2
    assert format_moment(moment, "Europe/London", "en") == "Wed 1 Jul, 13:00"


def test_midnight_moves_with_daylight_saving() -> None:
    assert local_midnight(date(2026, 3, 29), "Europe/Amsterdam") == datetime(
        2026, 3, 28, 23, tzinfo=UTC
    )
    assert local_midnight(date(2026, 3, 30), "Europe/Amsterdam") == datetime(
        2026, 3, 29, 22, tzinfo=UTC
    )
    assert local_date(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), "Europe/Amsterdam") == date(
        2026, 3, 30
    )


def test_long_dates_and_month_names_follow_the_language() -> None:
    assert format_long_date(date(2026, 3, 2), "en") == "Monday 2 March 2026"
    assert format_date(date(2026, 3, 2), "nl", weekday=False) == "2 mrt"
    assert month_names("nl")[2] == "mrt" and month_names("en")[4] == "May"
