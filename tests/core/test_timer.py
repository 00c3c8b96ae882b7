"""The closing-session clock from stored moments and an injected `now`."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core.timer import DEFAULT_MINUTES, Agenda, Phase, PhaseTimes, format_clock, read_timer

START = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def agenda(*started: tuple[float, float | None], paused: float = 0.0) -> list[PhaseTimes]:
    """The 90-minute agenda with the given (start, end) minutes for its first phases."""
    plan = DEFAULT_MINUTES[Agenda.SINGLE_90]
    phases = []
    for index, (phase, minutes) in enumerate(plan):
        if index < len(started):
            begin, end = started[index]
            phases.append(
                PhaseTimes(
                    phase,
                    minutes,
                    at(begin),
                    at(end) if end is not None else None,
                    paused if end is None else 0.0,
                )
            )
        else:
            phases.append(PhaseTimes(phase, minutes))
    return phases


def test_the_agendas_add_up_as_the_article_says() -> None:
    assert [m for _, m in DEFAULT_MINUTES[Agenda.SINGLE_90]] == [5, 25, 25, 20, 15]
    assert sum(m for _, m in DEFAULT_MINUTES[Agenda.MINUS_1]) == 60
    assert sum(m for _, m in DEFAULT_MINUTES[Agenda.SESSION_0]) == 60
    assert Phase.EVALUATION not in dict(DEFAULT_MINUTES[Agenda.SESSION_0])


def test_a_running_phase_counts_down_and_the_total_counts_up() -> None:
    reading = read_timer(agenda((0, 5), (5, None)), paused_at=None, now=at(12.5))
    assert reading.current is not None and reading.current.phase is Phase.EVALUATION
    assert reading.current.remaining_seconds == 17.5 * 60
    assert reading.elapsed_seconds == 12.5 * 60
    assert not reading.paused and not reading.finished


def test_an_overrun_shows_as_overtime_and_eats_into_the_buffer() -> None:
    # Opening took 8 minutes instead of 5; evaluation is 4 minutes over right now.
    reading = read_timer(agenda((0, 8), (8, None)), paused_at=None, now=at(8 + 29))
    assert reading.current is not None and reading.current.overtime_seconds == 4 * 60
    assert reading.current.remaining_seconds == 0
    assert reading.buffer_left_seconds == (15 - 3 - 4) * 60


def test_a_pause_stops_the_clock_and_resuming_continues_where_it_was() -> None:
    running = agenda((0, 5), (5, None))
    paused = read_timer(running, paused_at=at(10), now=at(14))
    assert paused.paused and paused.elapsed_seconds == 10 * 60
    resumed = read_timer(agenda((0, 5), (5, None), paused=4 * 60), paused_at=None, now=at(16))
    assert resumed.elapsed_seconds == 12 * 60


def test_a_finished_session_keeps_its_times() -> None:
    done = agenda((0, 5), (5, 30), (30, 55), (55, 75), (75, 88))
    later = read_timer(done, paused_at=None, now=at(500))
    assert later.finished and later.current is None
    assert later.elapsed_seconds == 88 * 60


@given(st.floats(min_value=0, max_value=200), st.floats(min_value=0, max_value=60))
def test_reading_twice_at_the_same_moment_agrees_and_time_never_runs_backwards(
    minutes: float, later: float
) -> None:
    phases = agenda((0, 5), (5, None))
    first = read_timer(phases, paused_at=None, now=at(5 + minutes))
    again = read_timer(phases, paused_at=None, now=at(5 + minutes))  # a refresh, a second tab
    assert first == again
    afterwards = read_timer(phases, paused_at=None, now=at(5 + minutes + later))
    assert afterwards.elapsed_seconds >= first.elapsed_seconds


def test_the_clock_reads_minutes_and_hours() -> None:
    assert format_clock(0) == "00:00"
    assert format_clock(17.5 * 60) == "17:30"
    assert format_clock(3725) == "1:02:05"


def test_the_bar_shows_the_plan_the_use_and_the_eaten_buffer() -> None:
    from core.timer import bar_segments

    reading = read_timer(agenda((0, 8), (8, None)), paused_at=None, now=at(8 + 29))
    segments = bar_segments(reading)
    assert [round(s.share, 1) for s in segments] == [5.6, 27.8, 27.8, 22.2, 16.7]
    assert [s.state for s in segments] == ["done", "current", "next", "next", "next"]
    assert segments[0].over and segments[1].over and segments[1].filled == 100
    assert round(segments[4].eaten, 1) == round((3 + 4) / 15 * 100, 1)
