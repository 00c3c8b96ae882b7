"""Time in the coach's zone: stored in UTC, shown in local time with Dutch (or English) names."""

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import dates
from babel.numbers import get_decimal_symbol, get_group_symbol

from core.i18n import locale, translate

DEFAULT_TIMEZONE = "Europe/Amsterdam"


def zone(name: str) -> ZoneInfo:
    """The named zone, falling back to Europe/Amsterdam for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


@cache
def timezone_choices() -> tuple[str, ...]:
    """Every IANA zone name, sorted, for a select box."""
    return tuple(sorted(available_timezones()))


def is_valid_timezone(name: str) -> bool:
    """True for an IANA zone name such as Europe/Amsterdam."""
    return name in timezone_choices()


def utc_now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar day `moment` falls on in `timezone`."""
    return moment.astimezone(zone(timezone)).date()


def local_midnight(day: date, timezone: str) -> datetime:
    """The first moment of `day` in `timezone`, as UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone(timezone)).astimezone(UTC)


def format_date(day: date, language: str, *, weekday: bool = True, year: bool = False) -> str:
    """`do 26 nov` (nl) or `Thu 26 Nov` (en); with `year`, `do 26 nov 2026`."""
    pattern = ("EEE " if weekday else "") + "d MMM" + (" y" if year else "")
    return dates.format_date(day, pattern, locale=locale(language))


def format_long_date(day: date, language: str) -> str:
    """`donderdag 26 november 2026`."""
    return dates.format_date(day, "EEEE d MMMM y", locale=locale(language))


def month_names(language: str) -> list[str]:
    """The twelve short month names (`jan` … `dec`), for a chart's axis."""
    names = locale(language).months["stand-alone"]["abbreviated"]
    return [str(names[month]) for month in range(1, 13)]


def format_moment(moment: datetime, timezone: str, language: str, *, year: bool = False) -> str:
    """`do 26 nov, 14:00` in the coach's zone; with `year`, `do 26 nov 2026, 14:00`."""
    local = moment.astimezone(zone(timezone))
    return f"{format_date(local.date(), language, year=year)}, {local:%H:%M}"


def format_time(moment: datetime, timezone: str) -> str:
    """`14:00` in the coach's zone."""
    return f"{moment.astimezone(zone(timezone)):%H:%M}"


def format_when(moment: datetime, timezone: str, language: str, *, today: date) -> str:
    """`vandaag, 14:00` for today, else `vr 27 nov, 11:00`, in the coach's zone."""
    if local_date(moment, timezone) == today:
        return f"{translate('date.today', language)}, {format_time(moment, timezone)}"
    return format_moment(moment, timezone, language)


@cache
def chart_locale(language: str) -> dict[str, object]:
    """Numbers and dates as a chart (d3, in Vega) writes them: `8,1` and `nov 2026` in Dutch."""
    where = locale(language)
    days = where.days["format"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # d3 starts the week on Sunday, CLDR on Monday
    return {
        "number": {
            "decimal": get_decimal_symbol(where),
            "thousands": get_group_symbol(where),
            "grouping": [3],
            "currency": ["€\u00a0", ""],
        },
        "time": {
            "dateTime": "%a %e %B %Y %X",
            "date": "%d-%m-%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [str(days["wide"][d]) for d in sunday_first],
            "shortDays": [str(days["abbreviated"][d]) for d in sunday_first],
            "months": [str(where.months["format"]["wide"][m]) for m in range(1, 13)],
            "shortMonths": month_names(language),
        },
    }
