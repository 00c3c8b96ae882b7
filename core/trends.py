"""Evaluatietrends and practice figures: the practice's own numbers, never the article's.

Data comes in a few aggregate queries as pandas frames; the figures are plain functions
over those frames, so each can be checked against hand-computed values.
"""

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import ColumnElement, Executable, Select, func, select
from sqlalchemy.orm import Session

from core.frames import query_frame
from core.gas import gas_scores
from core.goal_scores import EARLIEST, LATEST, first_score
from core.scope import CoachRef, Columns, Selection, selection_in_view
from db.models import (
    Client,
    CoachingSession,
    Evaluation,
    FollowUp,
    FollowUpKind,
    FormKind,
    FormLink,
    GoalScore,
    Outcome,
    ScoreKind,
    SessionStatus,
    Trajectory,
    TrajectoryStatus,
)
from db.periods import week_start

MIN_N = 5  # below this many, a figure says "too few to say" instead of a number
YEAR = pd.Timedelta(days=365)  # referrals count within a year after the closing
LINES_SHOWN = 300  # trajectories in the goal-score line chart (the most recently measured)


def _plain(column: pd.Series) -> pd.Series:
    # Enum members as their plain values (pandas may have made them strings already).
    return column.map(lambda v: getattr(v, "value", v), na_action="ignore")


def _score_rows(stmt: Select[*Columns]) -> Select[*Columns]:
    return stmt.join(Trajectory, Trajectory.id == GoalScore.trajectory_id).join(
        Client, Client.id == Trajectory.client_id
    )


def _plain_frame(session: Session, stmt: Executable, *columns: str) -> pd.DataFrame:
    frame = query_frame(session, stmt)
    for column in columns:
        frame[column] = _plain(frame[column])
    return frame


def _trajectory_scores(session: Session, *, selection: Selection) -> pd.DataFrame:
    """Per trajectory with a goal score: its client and coach, the first and the last score,
    how many, and the latest closing score (one statement)."""
    own = GoalScore.trajectory_id == Trajectory.id
    # Per trajectory rather than grouped over every score: a group by sorted all the
    # practice's scores first (16 ms → 10 ms for 2,000 clients on SQLite).
    count = select(func.count()).where(own).correlate(Trajectory).scalar_subquery()
    stmt = (
        select(
            Trajectory.id.label("trajectory_id"),
            Client.id.label("client_id"),
            Client.name.label("client"),
            Client.coach_id,
            first_score(GoalScore.score, EARLIEST).label("start"),
            first_score(GoalScore.score, LATEST).label("end"),
            count.label("scores"),
            first_score(GoalScore.score, LATEST, GoalScore.kind == ScoreKind.CLOSING).label(
                "closing"
            ),
        )
        .join(Client, Client.id == Trajectory.client_id)
        .where(select(GoalScore.id).where(own).correlate(Trajectory).exists())
        .order_by(Trajectory.id)
    )
    return query_frame(session, selection.apply(stmt))


def _score_lines(
    session: Session, *, selection: Selection, limit: int, keep_client: int | None
) -> pd.DataFrame:
    """The scores of the `limit` trajectories measured most recently, plus the kept client's:
    a line chart of thousands of trajectories tells nothing and draws slowly."""
    # Each trajectory's last moment, one index probe each: grouping every score of the
    # practice to find it took longer.
    last_measured = first_score(GoalScore.measured_at, LATEST)
    recent = selection.apply(
        select(Trajectory.id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(last_measured.is_not(None))
        .order_by(last_measured.desc(), Trajectory.id)
        .limit(limit)
    )
    wanted: ColumnElement[bool] = GoalScore.trajectory_id.in_(recent.scalar_subquery())
    if keep_client is not None:
        wanted = wanted | (Client.id == keep_client)
    stmt = _score_rows(
        select(
            GoalScore.trajectory_id,
            Client.id.label("client_id"),
            Client.name.label("client"),
            GoalScore.measured_at,
            GoalScore.score,
            GoalScore.kind,
        )
    ).where(wanted)
    stmt = stmt.order_by(GoalScore.trajectory_id, GoalScore.measured_at, GoalScore.id)
    return _plain_frame(session, selection.apply(stmt), "kind")


def start_and_end(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Per trajectory with two scores or more: the first, the last and the gain, largest
    gain first."""
    columns = ["trajectory_id", "coach_id", "client", "start", "end", "gain"]
    table = trajectories[trajectories["scores"] >= 2] if len(trajectories) else trajectories
    if table.empty:
        return pd.DataFrame(columns=columns)
    table = table.assign(gain=table["end"] - table["start"])[columns]
    return table.sort_values(["gain", "client"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class CoachGain:
    """One coach's row: trajectories with a gain, and their mean gain (None without any)."""

    coach: str
    trajectories: int
    mean_gain: float | None


def gain_per_coach(start_end: pd.DataFrame, coaches: list[CoachRef]) -> list[CoachGain]:
    """Per coach: how many trajectories have a gain, and the mean gain."""
    grouped = (
        start_end.groupby("coach_id")["gain"].agg(["size", "mean"])
        if not start_end.empty
        else pd.DataFrame(columns=["size", "mean"])
    )
    rows = []
    for coach in coaches:
        size = int(grouped["size"].get(coach.coach_id, 0))
        mean = float(grouped["mean"].get(coach.coach_id, 0.0))
        rows.append(CoachGain(coach.name, size, round(mean, 1) if size else None))
    return rows


@dataclass(frozen=True)
class Reading:
    """A chart's one-line figure: its value and over how many it was taken."""

    value: float
    n: int


def closing_mode(distribution: pd.DataFrame) -> Reading:
    """The most common closing score, over the trajectories that have one (0 without any)."""
    n = int(distribution["trajectories"].sum())
    if not n:
        return Reading(0, 0)
    most = distribution.sort_values(["trajectories", "score"], ascending=[False, True]).iloc[0]
    return Reading(int(most["score"]), n)


def mean_rating(ratings: pd.DataFrame) -> Reading:
    """The mean after-session rating over every rated session (weeks weighted by sessions)."""
    n = int(ratings["sessions"].sum()) if not ratings.empty else 0
    total = float((ratings["rating"] * ratings["sessions"]).sum()) if n else 0.0
    return Reading(total / n if n else 0.0, n)


def mean_t_score(gas: pd.DataFrame) -> Reading:
    """The mean GAS T-score over the trajectories with goal attainment scaling."""
    return Reading(float(gas["t_score"].mean()) if len(gas) else 0.0, len(gas))


@dataclass(frozen=True)
class Gain:
    """How far clients got: mean and median gain on the 1–10 goal score."""

    mean: float | None
    median: float | None
    n: int


def gain_summary(start_end: pd.DataFrame) -> Gain:
    """Mean and median gain with the number of trajectories behind them."""
    if start_end.empty:
        return Gain(None, None, 0)
    return Gain(float(start_end["gain"].mean()), float(start_end["gain"].median()), len(start_end))


def closing_distribution(trajectories: pd.DataFrame) -> pd.DataFrame:
    """How many trajectories closed at each score 1–10 (the latest closing score each)."""
    closing = trajectories["closing"].dropna() if len(trajectories) else pd.Series(dtype=int)
    counts = closing.astype(int).value_counts().reindex(range(1, 11), fill_value=0)
    return pd.DataFrame({"score": counts.index, "trajectories": counts.to_numpy()})


def _session_ratings(session: Session, *, selection: Selection) -> pd.DataFrame:
    """The mean after-session rating (1–10) per week, with its count (one statement)."""
    week = week_start(CoachingSession.scheduled_at)
    stmt = (
        select(
            week.label("week"),
            func.avg(CoachingSession.session_rating).label("rating"),
            func.count().label("sessions"),
        )
        .join(Trajectory, Trajectory.id == CoachingSession.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(
            CoachingSession.status == SessionStatus.HELD,
            CoachingSession.session_rating.is_not(None),
        )
        .group_by(week)
        .order_by(week)
    )
    frame = query_frame(session, selection.apply(stmt))
    if frame.empty:
        return pd.DataFrame(columns=["week", "rating", "sessions"])
    return frame.assign(week=pd.to_datetime(frame["week"]), rating=frame["rating"].astype(float))


@dataclass(frozen=True)
class Nps:
    """Net Promoter Score from the 0–10 'would you recommend' answers."""

    promoters: int
    passives: int
    detractors: int

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        """−100 … +100; None without answers."""
        if not self.n:
            return None
        return 100 * (self.promoters - self.detractors) / self.n


def nps(answers: list[int]) -> Nps:
    """Promoters answer 9–10, passives 7–8, detractors 0–6."""
    return Nps(
        promoters=sum(a >= 9 for a in answers),
        passives=sum(7 <= a <= 8 for a in answers),
        detractors=sum(a <= 6 for a in answers),
    )


def _recommendations(session: Session, *, selection: Selection) -> list[int]:
    """Every 'would you recommend' answer (0–10) in view."""
    stmt = (
        select(Evaluation.recommend_score)
        .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Evaluation.recommend_score.is_not(None))
    )
    return [score for score in session.scalars(selection.apply(stmt)) if score is not None]


@dataclass(frozen=True)
class Figure:
    """One practice figure, for trajectories closed with and without the full protocol."""

    key: str
    with_protocol: float | None
    with_n: int
    without_protocol: float | None
    without_n: int
    unit: str  # "share" (0–1), "per_client" or "score"

    def enough(self, with_protocol: bool) -> bool:
        """True when the group has at least MIN_N behind its figure."""
        return (self.with_n if with_protocol else self.without_n) >= MIN_N

    def interval(self, with_protocol: bool) -> tuple[float, float] | None:
        """The 95% Wilson interval of a share; None for other figures or without data."""
        share, n = (
            (self.with_protocol, self.with_n)
            if with_protocol
            else (self.without_protocol, self.without_n)
        )
        if self.unit != "share" or share is None or not n:
            return None
        return wilson_interval(round(share * n), n)

    def told_apart(self) -> bool | None:
        """Whether the two groups' intervals are apart (True), overlap (False), or either
        group has too few to say (None)."""
        with_, without = self.interval(True), self.interval(False)
        if with_ is None or without is None or not (self.enough(True) and self.enough(False)):
            return None
        return with_[1] < without[0] or without[1] < with_[0]


Z95 = 1.959963984540054  # the standard normal's 97.5th percentile


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of the share `successes` / `n` (95% by default): sound for
    the small practices and the shares near 0 or 1 that a plain ± interval gets wrong."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"no share of {successes} in {n}")
    share = successes / n
    spread = z * z / n
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / n + spread / (4 * n)) / (1 + spread)
    return max(0.0, centre - half), min(1.0, centre + half)


def _closed(session: Session, *, selection: Selection) -> pd.DataFrame:
    """Closed trajectories in view, one row per outcome (or one empty row), in one statement."""
    stmt = (
        select(
            Trajectory.id.label("trajectory_id"),
            Trajectory.full_protocol,
            Trajectory.ended_on,
            Outcome.kind,
            Outcome.recorded_on,
            Outcome.retained,
            Outcome.review_score,
            Outcome.source,
        )
        .join(Client, Client.id == Trajectory.client_id)
        .outerjoin(Outcome, Outcome.trajectory_id == Trajectory.id)
        .where(Trajectory.status == TrajectoryStatus.CLOSED)
    )
    return _plain_frame(session, selection.apply(stmt), "kind", "retained", "source")


def _per_trajectory(closed: pd.DataFrame) -> pd.DataFrame:
    """One row per closed trajectory: its protocol and what came of it."""
    within_year = pd.to_datetime(closed["recorded_on"]) <= pd.to_datetime(closed["ended_on"]) + YEAR
    result = closed["kind"] == "result_retained"
    review = closed["kind"] == "review"
    # One sum per column in a single pass (nine named aggregations took ten times as long).
    sums = (
        pd.DataFrame(
            {
                "trajectory_id": closed["trajectory_id"],
                "full_protocol": closed["full_protocol"] == True,  # noqa: E712 (a pandas mask)
                "referrals": (closed["kind"] == "referral") & within_year,
                "returning": closed["kind"] == "returning",
                "reviews_given": closed["kind"].isin(["review", "testimonial"]),
                "results": result,
                "by_client": result & (closed["source"] == "client"),
                "retained": result & (closed["retained"] == "yes"),
                "review_sum": closed["review_score"].where(review, 0).fillna(0),
                "review_n": review & closed["review_score"].notna(),
            }
        )
        .groupby("trajectory_id")
        .sum()
    )
    return sums.astype(
        {
            "full_protocol": bool,
            "returning": bool,
            "reviews_given": bool,
            "results": bool,
            "by_client": bool,
            "retained": bool,
        }
    )


def protocol_figures(per: pd.DataFrame) -> list[Figure]:
    """Retained after 6 months, referrals per client within a year, returning clients,
    reviews given and the average review score — with and without the full protocol."""

    def share(count: float, n: int) -> float | None:
        return count / n if n else None

    def split(group: pd.DataFrame) -> dict[str, tuple[float | None, int]]:
        n = len(group)
        with_result = int(group["results"].sum())
        reviews = int(group["review_n"].sum())
        return {
            "retained": (share(float(group["retained"].sum()), with_result), with_result),
            "referrals": (share(float(group["referrals"].sum()), n), n),
            "returning": (share(float(group["returning"].sum()), n), n),
            "reviews_given": (share(float(group["reviews_given"].sum()), n), n),
            "review_score": (share(float(group["review_sum"].sum()), reviews), reviews),
        }

    full, other = split(per[per["full_protocol"]]), split(per[~per["full_protocol"]])
    units = {
        "retained": "share",
        "referrals": "per_client",
        "returning": "share",
        "reviews_given": "share",
        "review_score": "score",
    }
    return [
        Figure(key, full[key][0], full[key][1], other[key][0], other[key][1], units[key])
        for key in units
    ]


def retained_share(per: pd.DataFrame) -> tuple[float | None, int]:
    """Of the closed trajectories with a month-6 result, the share whose result was retained."""
    with_result = per[per["results"]]
    if with_result.empty:
        return None, 0
    return float(with_result["retained"].mean()), len(with_result)


def results_by_client(per: pd.DataFrame) -> int:
    """How many of the month-6 results the clients gave themselves, by their self-check."""
    return int(per["by_client"].sum())


@dataclass(frozen=True)
class Response:
    """How many clients answered a personal link, of how many got one."""

    answered: int
    sent: int


@dataclass(frozen=True)
class Responses:
    """The response to the evaluation forms and to the month-6 self-checks."""

    evaluation: Response
    result: Response


def _responses(session: Session, *, selection: Selection) -> Responses:
    """Links that reached the client (not withdrawn unopened), per trajectory or follow-up,
    and how many of those were answered (one statement)."""
    stmt = (
        select(
            FormLink.kind,
            FollowUp.kind,
            func.coalesce(FormLink.follow_up_id, -FormLink.trajectory_id),
            FormLink.submitted_at.is_not(None),
        )
        .join(Trajectory, Trajectory.id == FormLink.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .outerjoin(FollowUp, FollowUp.id == FormLink.follow_up_id)
        .where(
            FormLink.kind.in_((FormKind.EVALUATION, FormKind.SELF_CHECK)),
            (FormLink.revoked_at.is_(None)) | (FormLink.opened_at.is_not(None)),
        )
    )
    rows = session.execute(selection.apply(stmt)).all()

    def response(wanted: FormKind, follow_up: FollowUpKind | None) -> Response:
        answered: dict[int, bool] = {}
        for kind, follow_up_kind, target, submitted in rows:
            if kind is wanted and follow_up_kind is follow_up:
                answered[target] = answered.get(target, False) or bool(submitted)
        return Response(sum(answered.values()), len(answered))

    return Responses(
        evaluation=response(FormKind.EVALUATION, None),
        result=response(FormKind.SELF_CHECK, FollowUpKind.MONTH6_RESULT),
    )


@dataclass(frozen=True)
class ScoreTrends:
    """The goal scores tab: start, closing and latest score per trajectory, and the lines."""

    trajectories: pd.DataFrame  # per trajectory with a goal score (see _trajectory_scores)
    lines: pd.DataFrame  # the scores of the trajectories the line chart shows


def load_score_trends(
    session: Session,
    *,
    coach_id: int,
    coach_ids: list[int],
    since: date | None = None,
    status: TrajectoryStatus | None = None,
    lines: int = LINES_SHOWN,
    keep_client: int | None = None,
) -> ScoreTrends:
    """Goal scores across clients, aggregated by the database."""
    selection = selection_in_view(
        session, coach_id=coach_id, coach_ids=coach_ids, since=since, status=status
    )
    return ScoreTrends(
        trajectories=_trajectory_scores(session, selection=selection),
        lines=_score_lines(session, selection=selection, limit=lines, keep_client=keep_client),
    )


@dataclass(frozen=True)
class SessionTrends:
    """The sessions tab: weekly session ratings and GAS attainment."""

    ratings: pd.DataFrame
    gas: pd.DataFrame  # GAS T-score per trajectory whose goals are all scored


def load_session_trends(
    session: Session,
    *,
    coach_id: int,
    coach_ids: list[int],
    since: date | None = None,
    status: TrajectoryStatus | None = None,
) -> SessionTrends:
    """Session ratings per week and GAS T-scores."""
    selection = selection_in_view(
        session, coach_id=coach_id, coach_ids=coach_ids, since=since, status=status
    )
    return SessionTrends(
        ratings=_session_ratings(session, selection=selection),
        gas=gas_scores(session, selection=selection),
    )


@dataclass(frozen=True)
class OutcomeTrends:
    """The outcomes tab: what lasted, what clients recommend, with and without the protocol."""

    trajectories: pd.DataFrame  # for the gain per coach
    recommendations: list[int]
    closed: pd.DataFrame  # one row per closed trajectory (see _per_trajectory)
    responses: Responses


def load_outcome_trends(
    session: Session,
    *,
    coach_id: int,
    coach_ids: list[int],
    since: date | None = None,
    status: TrajectoryStatus | None = None,
) -> OutcomeTrends:
    """Retention, recommendations, the protocol's figures and the response to the links."""
    selection = selection_in_view(
        session, coach_id=coach_id, coach_ids=coach_ids, since=since, status=status
    )
    return OutcomeTrends(
        trajectories=_trajectory_scores(session, selection=selection),
        recommendations=_recommendations(session, selection=selection),
        closed=_per_trajectory(_closed(session, selection=selection)),
        responses=_responses(session, selection=selection),
    )


def load_score_table(
    session: Session,
    *,
    coach_id: int,
    coach_ids: list[int],
    since: date | None = None,
    status: TrajectoryStatus | None = None,
) -> pd.DataFrame:
    """Every goal score in view, one row each (the CSV beside the line chart)."""
    selection = selection_in_view(
        session, coach_id=coach_id, coach_ids=coach_ids, since=since, status=status
    )
    stmt = _score_rows(
        select(
            GoalScore.trajectory_id,
            Client.name.label("client"),
            Trajectory.status,
            GoalScore.measured_at,
            GoalScore.score,
            GoalScore.kind,
            GoalScore.source,
        )
    ).order_by(GoalScore.trajectory_id, GoalScore.measured_at, GoalScore.id)
    return _plain_frame(session, selection.apply(stmt), "status", "kind", "source")
