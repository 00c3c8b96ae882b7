"""What the benchmark and the load run share: their fixed moment and a live closing."""

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from core.closing import list_closing_candidates, start_closing
from core.timer import Agenda

NOW = datetime(2026, 11, 26, 8, tzinfo=UTC)
TODAY = date(2026, 11, 26)
TZ = "Europe/Amsterdam"


def start_live_closing(session: Session, *, coach_id: int) -> int:
    """Start a 90-minute closing for the coach's first candidate; returns its session id."""
    candidate = list_closing_candidates(session, coach_id=coach_id, now=NOW)[0]
    return start_closing(
        session,
        coach_id=coach_id,
        agenda=Agenda.SINGLE_90,
        trajectory_id=candidate.trajectory_id,
        minutes=None,
        now=NOW,
    )
