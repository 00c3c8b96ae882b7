"""Numbers as a coach reads them: a decimal comma in Dutch, a point in English."""


def format_number(value: float, language: str, digits: int = 1) -> str:
    """`3,7` (nl) or `3.7` (en); whole numbers without decimals."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "nl" else text


def format_share(value: float, language: str) -> str:
    """`67%` for 0.667 — whole percents: the practice's numbers are small."""
    return f"{round(value * 100)}%"
