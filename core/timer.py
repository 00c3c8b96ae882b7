"""The closing session's clock: agenda, phases, pause and overtime, from stored timestamps.

Nothing here keeps time itself. Every figure is computed from the moments the database
holds and a `now` the caller passes, so a refresh, a second tab or a reconnect shows the
same phase and the same elapsed time: zero drift, and easy to test with a fixed clock.
"""

from dataclasses import dataclass
from datetime import datetime

# Defined once, beside the tables that store them; pages reach them through here.
from db.models import Agenda as Agenda
from db.models import Phase as Phase

# Minutes per phase. One session: 5 · 25 · 25 · 20 · 15. Two sessions of 60: the evaluation
# gets the whole first one, borging and afsluiting the second, each with its own buffer.
DEFAULT_MINUTES: dict[Agenda, tuple[tuple[Phase, int], ...]] = {
    Agenda.SINGLE_90: (
        (Phase.OPENING, 5),
        (Phase.EVALUATION, 25),
        (Phase.RETENTION, 25),
        (Phase.GOODBYE, 20),
        (Phase.BUFFER, 15),
    ),
    Agenda.MINUS_1: ((Phase.OPENING, 5), (Phase.EVALUATION, 45), (Phase.BUFFER, 10)),
    Agenda.SESSION_0: (
        (Phase.OPENING, 5),
        (Phase.RETENTION, 25),
        (Phase.GOODBYE, 20),
        (Phase.BUFFER, 10),
    ),
}


@dataclass(frozen=True)
class PhaseTimes:
    """One phase as stored: its plan, when it started and ended, and its paused seconds."""

    phase: Phase
    planned_minutes: int
    started_at: datetime | None = None
    ended_at: datetime | None = None
    paused_seconds: float = 0.0


@dataclass(frozen=True)
class PhaseReading:
    """One phase at a given moment."""

    phase: Phase
    planned_seconds: float
    elapsed_seconds: float
    current: bool
    done: bool

    @property
    def remaining_seconds(self) -> float:
        return max(0.0, self.planned_seconds - self.elapsed_seconds)

    @property
    def overtime_seconds(self) -> float:
        return max(0.0, self.elapsed_seconds - self.planned_seconds)


@dataclass(frozen=True)
class TimerReading:
    """The whole session at a given moment: what the timer shows."""

    phases: tuple[PhaseReading, ...]
    paused: bool
    finished: bool

    @property
    def current(self) -> PhaseReading | None:
        return next((p for p in self.phases if p.current), None)

    @property
    def elapsed_seconds(self) -> float:
        return sum(p.elapsed_seconds for p in self.phases)

    @property
    def planned_seconds(self) -> float:
        return sum(p.planned_seconds for p in self.phases)

    @property
    def buffer_left_seconds(self) -> float:
        """The buffer after the overruns of the phases before it (they eat into it first)."""
        buffer = next((p for p in self.phases if p.phase is Phase.BUFFER), None)
        if buffer is None:
            return 0.0
        overrun = sum(p.overtime_seconds for p in self.phases if p.phase is not Phase.BUFFER)
        return max(0.0, buffer.planned_seconds - overrun - buffer.elapsed_seconds)


def read_timer(
    phases: list[PhaseTimes], *, paused_at: datetime | None, now: datetime
) -> TimerReading:
    """What the timer shows at `now`, from the stored phases and the pause in progress."""
    readings = []
    for times in phases:
        current = times.started_at is not None and times.ended_at is None
        elapsed = 0.0
        if times.started_at is not None:
            until = times.ended_at or (paused_at if current and paused_at else now)
            elapsed = (until - times.started_at).total_seconds() - times.paused_seconds
        readings.append(
            PhaseReading(
                phase=times.phase,
                planned_seconds=times.planned_minutes * 60.0,
                elapsed_seconds=max(0.0, elapsed),
                current=current,
                done=times.ended_at is not None,
            )
        )
    finished = bool(phases) and all(p.ended_at is not None for p in phases)
    return TimerReading(phases=tuple(readings), paused=paused_at is not None, finished=finished)


def format_clock(seconds: float) -> str:
    """`12:05` for minutes and seconds, `1:02:05` past an hour."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class BarSegment:
    """One phase in the agenda bar: its share of the plan and how much of it is used."""

    phase: Phase
    share: float  # percent of the planned session
    filled: float  # percent of this phase used (capped at 100)
    eaten: float  # buffer only: percent taken by earlier overruns
    state: str  # "done", "current" or "next"
    over: bool  # ran (or runs) longer than planned


def bar_segments(reading: TimerReading) -> list[BarSegment]:
    """The agenda as a bar: planned shares, actual use, and the buffer eaten by overruns."""
    total = reading.planned_seconds or 1.0
    overrun = sum(p.overtime_seconds for p in reading.phases if p.phase is not Phase.BUFFER)
    segments = []
    for p in reading.phases:
        planned = p.planned_seconds or 1.0
        eaten = min(100.0, overrun / planned * 100) if p.phase is Phase.BUFFER else 0.0
        segments.append(
            BarSegment(
                phase=p.phase,
                share=p.planned_seconds / total * 100,
                filled=min(100.0, p.elapsed_seconds / planned * 100),
                eaten=eaten,
                state="done" if p.done else "current" if p.current else "next",
                over=p.overtime_seconds > 0,
            )
        )
    return segments
