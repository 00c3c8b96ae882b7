"""Trends and practice figures against values computed by hand on small fixed data."""

import math
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from core.gas import gas_t_score
from core.scope import CoachRef, ViewScope, coaches_in_view
from core.trends import (
    MIN_N,
    CoachGain,
    Figure,
    Nps,
    Reading,
    closing_distribution,
    closing_mode,
    gain_per_coach,
    gain_summary,
    load_outcome_trends,
    load_score_table,
    load_score_trends,
    load_session_trends,
    mean_rating,
    mean_t_score,
    nps,
    protocol_figures,
    retained_share,
    start_and_end,
    wilson_interval,
)
from db.models import (
    Evaluation,
    GoalScore,
    Outcome,
    OutcomeKind,
    Retained,
    ScoreKind,
    SessionStatus,
    Source,
    TrajectoryStatus,
)
from tests.factories import make_coach, make_practice, make_trajectory

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _scores(db: Session, trajectory_id: int, *values: tuple[int, str]) -> None:
    for day, (score, kind) in enumerate(values):
        db.add(
            GoalScore(
                trajectory_id=trajectory_id,
                score=score,
                kind=ScoreKind(kind),
                measured_at=T0 + timedelta(days=7 * day),
            )
        )
    db.flush()


def test_gain_per_trajectory_and_its_mean_and_median(db: Session) -> None:
    coach = make_coach(db)
    a = make_trajectory(db, coach, name="A")
    b = make_trajectory(db, coach, name="B")
    c = make_trajectory(db, coach, name="C")
    _scores(db, a.id, (3, "start"), (5, "session"), (8, "closing"))  # +5
    _scores(db, b.id, (4, "start"), (5, "closing"))  # +1
    _scores(db, c.id, (6, "start"))  # one score: no gain yet
    # Closed twice (the later closing counts), then a month-3 score: the end is the latest.
    d = make_trajectory(db, coach, name="D")
    _scores(db, d.id, (2, "start"), (6, "closing"), (7, "closing"), (9, "month_3"))
    trajectories = load_score_trends(db, coach_id=coach.id, coach_ids=[coach.id]).trajectories
    table = start_and_end(trajectories)
    assert list(zip(table["client"], table["gain"], strict=True)) == [
        ("D", 7),
        ("A", 5),
        ("B", 1),
    ]
    summary = gain_summary(table)
    assert (summary.mean, summary.median, summary.n) == (13 / 3, 5.0, 3)
    distribution = closing_distribution(trajectories)
    counted = dict(zip(distribution["score"], distribution["trajectories"], strict=True))
    assert (counted[8], counted[5], counted[7], counted[6]) == (1, 1, 1, 0)
    assert distribution["trajectories"].sum() == 3
    assert len(trajectories) == 4  # C has one score: no gain, but its client can be chosen


def test_no_data_gives_empty_figures_not_errors(db: Session) -> None:
    coach = make_coach(db)
    trajectories = load_score_trends(db, coach_id=coach.id, coach_ids=[coach.id]).trajectories
    assert trajectories.empty and start_and_end(trajectories).empty
    assert gain_summary(start_and_end(trajectories)).n == 0
    assert closing_distribution(trajectories)["trajectories"].sum() == 0
    closed = load_outcome_trends(db, coach_id=coach.id, coach_ids=[coach.id]).closed
    assert retained_share(closed) == (None, 0)
    assert all(f.with_n == f.without_n == 0 for f in protocol_figures(closed))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([9, 10, 10], (3, 0, 0, 100.0)),  # all promoters
        ([], (0, 0, 0, None)),  # no answers
        ([0, 6, 7, 8, 9, 10], (2, 2, 2, 0.0)),
        ([10], (1, 0, 0, 100.0)),  # one trajectory
        ([3, 9, 9, 9], (3, 0, 1, 50.0)),
    ],
)
def test_nps(answers: list[int], expected: tuple[int, int, int, float | None]) -> None:
    result = nps(answers)
    assert (result.promoters, result.passives, result.detractors, result.score) == expected
    assert result.n == len(answers)
    assert Nps(0, 0, 0).score is None


def test_gas_t_score_by_hand() -> None:
    assert gas_t_score([]) is None
    assert gas_t_score([(0, 1.0)]) == 50  # expected outcome on one goal
    # One goal, +1: T = 50 + 10·1/√(0.7·1 + 0.3·1) = 60
    assert gas_t_score([(1, 1.0)]) == pytest.approx(60.0)
    # Two goals (+2, w=1) and (−1, w=2): Σwx = 0, so T = 50 whatever the weights.
    assert gas_t_score([(2, 1.0), (-1, 2.0)]) == pytest.approx(50.0)
    # Three goals all +1, w=1: 10·3/√(0.7·3 + 0.3·9) = 30/√4.8
    assert gas_t_score([(1, 1.0)] * 3) == pytest.approx(50 + 30 / math.sqrt(4.8))


def _closed(db: Session, coach, name: str, full: bool, *outcomes: Outcome):  # type: ignore[no-untyped-def]
    trajectory = make_trajectory(db, coach, name=name, held=8, started=date(2026, 1, 5))
    trajectory.status = TrajectoryStatus.CLOSED
    trajectory.ended_on = date(2026, 6, 1)
    trajectory.full_protocol = full
    for outcome in outcomes:
        outcome.trajectory_id = trajectory.id
        db.add(outcome)
    db.flush()
    return trajectory


def test_the_protocol_split_by_hand(db: Session) -> None:
    coach = make_coach(db)
    retained = Outcome(
        kind=OutcomeKind.RESULT_RETAINED,
        recorded_on=date(2026, 12, 1),
        retained=Retained.YES,
        retained_score=8,
    )
    _closed(
        db,
        coach,
        "Vol 1",
        True,
        retained,
        Outcome(kind=OutcomeKind.REVIEW, recorded_on=date(2026, 6, 10), review_score=5),
        Outcome(kind=OutcomeKind.REFERRAL, recorded_on=date(2026, 9, 1)),
    )
    _closed(
        db,
        coach,
        "Vol 2",
        True,
        Outcome(
            kind=OutcomeKind.RESULT_RETAINED,
            recorded_on=date(2026, 12, 1),
            retained=Retained.NO,
            retained_score=4,
        ),
        Outcome(kind=OutcomeKind.REVIEW, recorded_on=date(2026, 6, 10), review_score=4),
        Outcome(kind=OutcomeKind.REFERRAL, recorded_on=date(2027, 8, 1)),
    )  # after a year
    _closed(
        db,
        coach,
        "Zonder",
        False,
        Outcome(kind=OutcomeKind.RETURNING, recorded_on=date(2026, 11, 1)),
    )
    figures = {
        f.key: f
        for f in protocol_figures(
            load_outcome_trends(db, coach_id=coach.id, coach_ids=[coach.id]).closed
        )
    }
    assert (figures["retained"].with_protocol, figures["retained"].with_n) == (0.5, 2)
    assert figures["retained"].without_n == 0 and figures["retained"].without_protocol is None
    assert figures["referrals"].with_protocol == 0.5  # one referral within a year, 2 clients
    assert figures["returning"].with_protocol == 0 and figures["returning"].without_protocol == 1
    assert figures["reviews_given"].with_protocol == 1.0
    assert (figures["review_score"].with_protocol, figures["review_score"].with_n) == (4.5, 2)
    assert not figures["retained"].enough(True)  # 2 < MIN_N: "too few to say"
    assert MIN_N == 5


def test_an_owner_sees_the_practice_and_a_coach_only_themself(db: Session) -> None:
    owner, coach = make_practice(db, coaches=2, clients_each=10)
    assert [c.coach_id for c in coaches_in_view(db, coach_id=owner.id)] == sorted(
        [owner.id, coach.id],
        key=lambda i: {owner.id: owner.display_name, coach.id: coach.display_name}[i],
    )
    assert [c.coach_id for c in coaches_in_view(db, coach_id=coach.id)] == [coach.id]
    everyone = load_score_trends(db, coach_id=owner.id, coach_ids=[owner.id, coach.id])
    assert set(everyone.trajectories["coach_id"]) == {owner.id, coach.id}
    # A coach asking for the owner's data (a crafted request) gets only their own.
    own = load_score_trends(db, coach_id=coach.id, coach_ids=[owner.id, coach.id])
    assert set(own.trajectories["coach_id"]) == {coach.id}
    own_clients = set(own.trajectories["client_id"])
    assert set(own.lines["client_id"]) == own_clients
    # Not even by asking for the owner's client to be highlighted.
    theirs = set(everyone.trajectories["client_id"]) - own_clients
    crafted = load_score_trends(
        db, coach_id=coach.id, coach_ids=[owner.id], lines=1, keep_client=min(theirs)
    )
    assert crafted.lines.empty and crafted.trajectories.empty
    # Each tab's loader checks the scope itself.
    outcomes = load_outcome_trends(db, coach_id=coach.id, coach_ids=[owner.id])
    assert outcomes.trajectories.empty and outcomes.closed.empty
    assert outcomes.responses.evaluation.sent == 0
    sessions = load_session_trends(db, coach_id=coach.id, coach_ids=[owner.id])
    assert sessions.ratings.empty and sessions.gas.empty
    assert not load_outcome_trends(db, coach_id=owner.id, coach_ids=[owner.id]).trajectories.empty
    table = load_score_table(db, coach_id=coach.id, coach_ids=[owner.id, coach.id])
    assert set(table["trajectory_id"]) == set(own.trajectories["trajectory_id"])


def test_the_lines_chart_keeps_the_most_recent_and_the_highlighted_client(db: Session) -> None:
    coach = make_coach(db)
    old = make_trajectory(db, coach, name="Oud")
    new = make_trajectory(db, coach, name="Nieuw")
    _scores(db, old.id, (3, "start"))
    db.add(
        GoalScore(
            trajectory_id=new.id, score=5, kind=ScoreKind.START, measured_at=T0 + timedelta(days=90)
        )
    )
    db.flush()
    shown = load_score_trends(db, coach_id=coach.id, coach_ids=[coach.id], lines=1).lines
    assert set(shown["client"]) == {"Nieuw"}
    kept = load_score_trends(
        db, coach_id=coach.id, coach_ids=[coach.id], lines=1, keep_client=old.client_id
    )
    assert set(kept.lines["client"]) == {"Nieuw", "Oud"}


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857–872, table I, method 3 (Wilson score).
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718), (29, 29, 0.8830, 1.0)],
)  # fmt: skip
def test_the_wilson_interval_matches_published_values(
    successes: int, n: int, low: float, high: float
) -> None:
    assert wilson_interval(successes, n) == pytest.approx((low, high), abs=5e-5)


def test_overlapping_intervals_cannot_be_told_apart() -> None:
    close = Figure("retained", 6 / 7, 7, 4 / 8, 8, "share")
    assert close.interval(True) == pytest.approx((0.4869, 0.9743), abs=5e-4)
    assert close.told_apart() is False  # 86% against 50%, but with 7 and 8 that says little
    far = Figure("retained", 95 / 100, 100, 40 / 100, 100, "share")
    assert far.told_apart() is True
    few = Figure("retained", 1.0, 3, 0.5, 8, "share")
    assert few.told_apart() is None  # too few on one side to say anything
    assert Figure("review_score", 4.5, 9, 4.0, 9, "score").interval(True) is None


def test_the_period_and_status_filters_narrow_every_figure(db: Session) -> None:
    coach = make_coach(db)
    retained = Outcome(
        kind=OutcomeKind.RESULT_RETAINED,
        recorded_on=date(2026, 12, 1),
        retained=Retained.YES,
        retained_score=8,
    )
    trajectory = _closed(db, coach, "Vol 1", True, retained)
    db.add(Evaluation(trajectory_id=trajectory.id, source=Source.CLIENT, recommend_score=9))
    db.flush()
    every = load_outcome_trends(db, coach_id=coach.id, coach_ids=[coach.id])
    assert every.recommendations == [9] and retained_share(every.closed) == (1.0, 1)
    for since, status in ((date(2026, 2, 1), None), (None, TrajectoryStatus.ACTIVE)):
        scope = ViewScope(coach_id=coach.id, coach_ids=[coach.id], since=since, status=status)
        narrowed = load_outcome_trends(db, **scope)
        assert narrowed.recommendations == []
        assert retained_share(narrowed.closed) == (None, 0)
        assert narrowed.trajectories.empty and load_score_trends(db, **scope).lines.empty
        assert load_session_trends(db, **scope).ratings.empty


def test_the_readings_beside_the_charts_come_from_core() -> None:
    distribution = pd.DataFrame({"score": range(1, 11), "trajectories": [0] * 6 + [2, 3, 3, 1]})
    assert closing_mode(distribution) == Reading(8, 9)  # a tie goes to the lower score
    assert closing_mode(distribution.assign(trajectories=0)) == Reading(0, 0)
    weeks = pd.DataFrame({"rating": [8.0, 6.0], "sessions": [3, 1]})
    assert mean_rating(weeks) == Reading(7.5, 4)  # weighted by sessions, not by weeks
    assert mean_rating(weeks.iloc[0:0]) == Reading(0.0, 0)
    assert mean_t_score(pd.DataFrame({"t_score": [50.0, 60.0]})) == Reading(55.0, 2)


def test_gain_per_coach_lists_every_coach_in_view_also_without_a_gain() -> None:
    gains = pd.DataFrame({"coach_id": [1, 1, 1], "gain": [3, 4, 4]})
    coaches = [CoachRef(1, "Anna"), CoachRef(2, "Bas")]
    assert gain_per_coach(gains, coaches) == [CoachGain("Anna", 3, 3.7), CoachGain("Bas", 0, None)]
    assert gain_per_coach(gains.iloc[0:0], coaches)[0] == CoachGain("Anna", 0, None)


def test_session_ratings_are_averaged_per_week_from_monday(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=4)
    monday = datetime(2026, 3, 2, 8, tzinfo=UTC)  # a Monday
    moments = [monday, monday + timedelta(days=6, hours=15), monday + timedelta(days=7), None]
    for held, rating, at in zip(trajectory.sessions, [6, 9, 4, 10], moments, strict=True):
        held.session_rating = rating
        if at is None:  # rated but not held: not a session the client had
            held.status = SessionStatus.PLANNED
        else:
            held.scheduled_at = at
    db.flush()
    weeks = load_session_trends(db, coach_id=coach.id, coach_ids=[coach.id]).ratings
    assert [w.date() for w in weeks["week"]] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert list(weeks["rating"]) == [7.5, 4.0] and list(weeks["sessions"]) == [2, 1]
    assert mean_rating(weeks) == Reading(19 / 3, 3)
