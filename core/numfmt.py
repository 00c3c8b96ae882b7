"""Numbers as a coach reads them, in the interface language (Babel): 3,5 (nl), 3.5 (en)."""

from babel.numbers import format_decimal, format_percent

from core.i18n import locale


def format_number(value: float, language: str, digits: int = 1) -> str:
    """`3,7` (nl) or `3.7` (en), at most `digits` decimals; whole numbers without them."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale(language))


def format_share(value: float, language: str) -> str:
    """`67%` for 0.667 — whole percents: the practice's numbers are small."""
    return format_percent(value, locale=locale(language))
