"""Field checks shared by the forms and the CSV import; each returns a message key or None."""

import re
from datetime import date

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 120
TEXT_MAX = 5000  # notes and answers: generous, but a paste of a whole book is refused
PLANNED_SESSIONS_MAX = 60


def name_problem(name: str) -> str | None:
    """Empty or longer than 120 characters."""
    cleaned = name.strip()
    if not cleaned:
        return "validation.name_empty"
    return "validation.name_long" if len(cleaned) > NAME_MAX else None


def email_problem(email: str) -> str | None:
    """Present but not shaped like an address; empty is fine."""
    cleaned = email.strip()
    if cleaned and (len(cleaned) > 254 or not EMAIL_PATTERN.match(cleaned)):
        return "validation.email_invalid"
    return None


def phone_problem(phone: str) -> str | None:
    """Longer than a phone number gets."""
    return "validation.phone_long" if len(phone.strip()) > 40 else None


def text_problem(text: str, *, required: bool = False) -> str | None:
    """Missing when required, or longer than allowed."""
    if required and not text.strip():
        return "validation.required"
    return "validation.text_long" if len(text) > TEXT_MAX else None


def planned_sessions_problem(planned: int) -> str | None:
    """Fewer than one or implausibly many sessions."""
    return None if 1 <= planned <= PLANNED_SESSIONS_MAX else "validation.planned_sessions"


# The evaluation's scores and their scales, asked by the client's form and the closing.
SCORE_SCALES = {"goal_score": (1, 10), "recommend_score": (0, 10)}
# Each scale's own message: a review of 9 on 1–5 was told "between 1 and 10".
SCORE_RANGE_MESSAGES = {
    (1, 10): "validation.score_range",
    (0, 10): "validation.score_range_0_10",
    (1, 5): "validation.score_range_1_5",
}


def score_problem(score: int | None, *, low: int = 1, high: int = 10) -> str | None:
    """A score outside its scale (1–10 unless said otherwise)."""
    if score is None or low <= score <= high:
        return None
    return SCORE_RANGE_MESSAGES[low, high]


def period_problem(started: date, ended: date | None) -> str | None:
    """An end date before the start date."""
    return "validation.end_before_start" if ended is not None and ended < started else None


def optional(text: str) -> str | None:
    """Stripped text, or None when nothing was typed."""
    return text.strip() or None
