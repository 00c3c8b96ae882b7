"""A believable demo practice: seeded, relative to `today`, every stage of a trajectory.

The app's demo mode, the tests and the benchmark all build their data with this one
generator, so what the tests prove is what a coach sees in the demo.
"""

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Client,
    ClosingFormat,
    ClosureChecklist,
    Coach,
    CoachingSession,
    Evaluation,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FormKind,
    FormLink,
    GasGoal,
    GoalScore,
    Outcome,
    OutcomeKind,
    Practice,
    Retained,
    RetentionPlan,
    Role,
    ScoreKind,
    SessionKind,
    SessionStatus,
    Source,
    Trajectory,
    TrajectoryStatus,
)
from db.passwords import hash_password

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "Demo-coach-1"
DEMO_PRACTICE = "Praktijk De Kompasroos"
DEMO_TIMEZONE = "Europe/Amsterdam"

FIRST_NAMES = (
    "Anouk Bram Charlotte Daan Eva Femke Gijs Hanna Inge Jeroen Karin Lars Marloes Niels "
    "Olga Pieter Quinten Roos Sander Tessa Ugo Vera Willem Yara Zoë Bas Lotte Ruben Sanne "
    "Thijs Fleur Joost Maaike Koen Ilse Mehmet Fatima Priya Youssef Mirjam"
).split()
SURNAMES = (
    "de Vries|Jansen|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|"
    "Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|"
    "Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|van der Veen|de Bruijn|Schouten|van Beek|"
    "Willems|van Dijk|Hoekstra|Maas|Koster|Prins|Blom|Huisman|Kuipers|Postma|Kramer|Yilmaz"
).split("|")
COACH_NAMES = (
    "Marieke van Dam",
    "Sanne Verbeek",
    "Joris Hofman",
    "Nadia El Amrani",
    "Hugo Lammers",
)
GOALS = (
    "Rust in mijn werkweek en duidelijk mijn grenzen aangeven",
    "Met vertrouwen leidinggeven aan mijn nieuwe team",
    "Een bewuste keuze maken over de volgende stap in mijn loopbaan",
    "Minder uitstellen en mijn eigen planning weer in handen nemen",
    "Terugkeren naar werk na uitval, in een tempo dat vol te houden is",
    "Lastige gesprekken voeren zonder ze weken voor me uit te schuiven",
    "Zichtbaarder worden in overleggen en mijn ideeën inbrengen",
    "Balans vinden tussen mijn eigen bedrijf en mijn gezin",
    "Nee durven zeggen tegen extra werk zonder schuldgevoel",
    "Mijn perfectionisme loslaten waar het me tegenhoudt",
    "Een burn-out voorkomen: signalen eerder zien en ernaar handelen",
    "Helder krijgen wat ik wil na de reorganisatie",
)
TAKEAWAYS = (
    "Dat ik eerst mag vragen wat er precies verwacht wordt.",
    "Mijn agenda is van mij: ik plan de focusblokken eerst.",
    "Ik merk spanning eerder op in mijn schouders.",
    "Een korte pauze voor ik antwoord geef helpt echt.",
    "Ik hoef niet alles alleen op te lossen.",
    "Feedback vragen voelt minder eng dan ik dacht.",
    "Kleine stappen tellen ook.",
)
MAIN_CHANGES = (
    "Ik zeg eerlijk wat haalbaar is in plaats van meteen ja.",
    "Ik begin de dag met één belangrijke taak en check pas daarna mijn mail.",
    "Ik voer het gesprek binnen een week, in plaats van het te laten sudderen.",
    "Ik plan elke vrijdag een kwartier om terug te kijken op mijn week.",
)
RELAPSE_SITUATIONS = (
    "Drukke periodes rond deadlines en als een collega uitvalt.",
    "Als ik moe ben en het thuis ook druk is.",
    "Nieuwe leidinggevende of een reorganisatie.",
)
STRATEGIES = (
    "Mijn lijstje met drie signalen erbij pakken en één afspraak verzetten.",
    "Terug naar de vrijdagse weekreflectie, ook als het maar vijf minuten is.",
    "Het eerst bespreken met mijn maatje voordat ik iets toezeg.",
)
ACCOUNTABILITY = (
    "Mijn partner",
    "Een collega uit mijn team",
    "Mijn leidinggevende",
    "Een vriendin",
)
SELF_CHECKS = (
    "Over drie maanden lees ik dit plan terug en geef ik mezelf een cijfer.",
    "Ik zet een afspraak met mezelf in de agenda en loop de vijf punten langs.",
)
GAS_GOALS = (
    ("Twee avonden per week zonder werkmail", 1.0),
    ("Binnen een week het lastige gesprek voeren", 2.0),
)
REVIEW_PLATFORMS = ("Google", "LinkedIn", "Eigen website")
TIME_SLOTS = ((9, 30), (11, 0), (13, 30), (15, 0), (16, 30), (19, 0))


@dataclass
class Stage:
    """How one client's story goes; `build` writes it."""

    name: str
    build: Callable[["_Builder", Client, int], None]


@dataclass
class _Builder:
    """Writes one coach's clients, stage by stage, relative to `today`."""

    session: Session
    rng: random.Random
    today: date
    zone: ZoneInfo
    closed: list[Trajectory] = field(default_factory=list)  # who may refer someone

    # -- small helpers -------------------------------------------------------------------------
    def at(self, day: date, slot: int) -> datetime:
        hour, minute = TIME_SLOTS[slot % len(TIME_SLOTS)]
        return datetime.combine(day, time(hour, minute), self.zone).astimezone(UTC)

    def trajectory(
        self, client: Client, *, started: date, planned: int, status: TrajectoryStatus
    ) -> Trajectory:
        traj = Trajectory(
            client=client,
            goal=self.rng.choice(GOALS),
            started_on=started,
            planned_sessions=planned,
            intensive=planned >= 10 and self.rng.random() < 0.4,
            status=status,
        )
        self.session.add(traj)
        return traj

    def history(
        self, traj: Trajectory, *, held: int, slot: int, intermediate_at: int | None = None
    ) -> int:
        """Held sessions every two weeks from the start, with scores rising; the last score."""
        score = self.rng.randint(2, 5)
        self.score(traj, score, traj.started_on, ScoreKind.START, slot)
        day = traj.started_on
        for number in range(1, held + 1):
            kind = SessionKind.INTERMEDIATE if number == intermediate_at else SessionKind.REGULAR
            moment = self.at(day, slot)
            session = CoachingSession(
                trajectory=traj,
                number=number,
                scheduled_at=moment,
                kind=kind,
                status=SessionStatus.HELD,
                duration_minutes=60,
                notes=None,
                session_rating=self.rng.randint(6, 10),
                takeaway=self.rng.choice(TAKEAWAYS),
            )
            self.session.add(session)
            if kind is SessionKind.INTERMEDIATE or number % 2 == 0:
                score = min(10, score + self.rng.choice((0, 1, 1, 2)))
                score_kind = (
                    ScoreKind.INTERMEDIATE
                    if kind is SessionKind.INTERMEDIATE
                    else ScoreKind.SESSION
                )
                self.session.add(
                    GoalScore(
                        trajectory=traj,
                        score=score,
                        measured_at=moment + timedelta(minutes=55),
                        kind=score_kind,
                        source=Source.COACH,
                    )
                )
            day += timedelta(days=14)
        return score

    def score(
        self,
        traj: Trajectory,
        value: int,
        day: date,
        kind: ScoreKind,
        slot: int,
        source: Source = Source.COACH,
    ) -> None:
        self.session.add(
            GoalScore(
                trajectory=traj,
                score=value,
                measured_at=self.at(day, slot),
                kind=kind,
                source=source,
            )
        )

    def planned(
        self, traj: Trajectory, day: date, slot: int, kind: SessionKind, number: int | None
    ) -> None:
        minutes = {SessionKind.CLOSING_90: 90}.get(kind, 60)
        self.session.add(
            CoachingSession(
                trajectory=traj,
                number=number,
                scheduled_at=self.at(day, slot),
                kind=kind,
                status=SessionStatus.PLANNED,
                duration_minutes=minutes,
            )
        )

    def start_for(self, held: int) -> date:
        """A start date such that `held` fortnightly sessions lie just before today."""
        return self.today - timedelta(days=14 * held - 14 + self.rng.randint(3, 11))

    def client_evaluation(self, traj: Trajectory, score: int, day: date) -> None:
        self.session.add(
            Evaluation(
                trajectory=traj,
                source=Source.CLIENT,
                submitted_at=self.at(day, 5),
                goal_at_start=traj.goal,
                goal_score=score,
                main_changes=self.rng.choice(MAIN_CHANGES),
                key_insight=self.rng.choice(TAKEAWAYS),
                most_valuable="Dat er ruimte was om hardop na te denken zonder oordeel.",
                could_be_better="Soms had ik graag iets meer huiswerk gehad.",
                recommend_score=self.rng.choice((8, 9, 9, 10, 10, 7)),
            )
        )

    def plan(self, traj: Trajectory, *, complete: bool, self_check_on: date | None) -> None:
        self.session.add(
            RetentionPlan(
                trajectory=traj,
                main_change=self.rng.choice(MAIN_CHANGES),
                relapse_situations=self.rng.choice(RELAPSE_SITUATIONS),
                relapse_strategy=self.rng.choice(STRATEGIES) if complete else None,
                accountability_person=self.rng.choice(ACCOUNTABILITY) if complete else None,
                self_check_method=self.rng.choice(SELF_CHECKS) if complete else None,
                concrete_actions="Elke vrijdag een kwartier weekreflectie." if complete else None,
                self_check_on=self_check_on,
            )
        )

    def close(
        self, traj: Trajectory, *, ended: date, full: bool, score: int, slot: int, overdue: bool
    ) -> int:
        """Close `traj` on `ended`, with or without the protocol; returns the closing score."""
        traj.status = TrajectoryStatus.CLOSED
        traj.ended_on = ended
        traj.full_protocol = full
        closing = min(10, score + self.rng.choice((0, 1, 1, 2)))
        if full:
            traj.closing_format = (
                ClosingFormat.TWO_60 if traj.planned_sessions >= 10 else ClosingFormat.SINGLE_90
            )
            kind = (
                SessionKind.CLOSING_0
                if traj.closing_format is ClosingFormat.TWO_60
                else SessionKind.CLOSING_90
            )
            self.session.add(
                CoachingSession(
                    trajectory=traj,
                    number=None,
                    scheduled_at=self.at(ended, slot),
                    kind=kind,
                    status=SessionStatus.HELD,
                    duration_minutes=90 if kind is SessionKind.CLOSING_90 else 60,
                    session_rating=self.rng.randint(8, 10),
                )
            )
            self.score(traj, closing, ended, ScoreKind.CLOSING, slot)
            self.client_evaluation(traj, closing, ended - timedelta(days=3))
            self.plan(traj, complete=True, self_check_on=ended + timedelta(days=91))
            for description, weight in GAS_GOALS:
                self.session.add(
                    GasGoal(
                        trajectory=traj,
                        description=description,
                        weight=weight,
                        attained_level=self.rng.choice((-1, 0, 0, 1, 1, 2)),
                    )
                )
            self.session.add(
                ClosureChecklist(
                    trajectory=traj,
                    relationship_acknowledged=True,
                    successes_celebrated=True,
                    emotion_room=True,
                    feedback_asked=True,
                    offered_follow_up=True,
                    offered_single_sessions=self.rng.random() < 0.7,
                    offered_new_trajectory=self.rng.random() < 0.5,
                    goodbye_explicit=True,
                )
            )
        else:
            self.score(traj, closing, ended, ScoreKind.SESSION, slot)
        self.follow_ups(traj, ended=ended, full=full, closing=closing, overdue=overdue)
        return closing

    def follow_ups(
        self, traj: Trajectory, *, ended: date, full: bool, closing: int, overdue: bool
    ) -> None:
        """The follow-ups a closing schedules; with `overdue`, the recent ones are still open."""
        schedule = [(FollowUpKind.WEEK1_MAIL, 7), (FollowUpKind.MONTH6_RESULT, 182)]
        if full:
            schedule += [(FollowUpKind.MONTH3_CHECKIN, 91), (FollowUpKind.SELF_CHECK, 91)]
        for kind, days in schedule:
            due = ended + timedelta(days=days)
            # Long past follow-ups were all done; recent ones are open only in the stories
            # meant to show overdue work, so it is days late, never months.
            late = (self.today - due).days
            done = late > 30 or (late > 0 and not overdue)
            item = FollowUp(trajectory=traj, kind=kind, due_on=due)
            if done:
                item.status = FollowUpStatus.DONE
                item.completed_at = self.at(due, 1)
                if kind is FollowUpKind.MONTH6_RESULT:
                    self.month6_outcome(item, full=full, closing=closing)
            elif overdue and kind is FollowUpKind.MONTH3_CHECKIN and late > 0:
                # The client answered the check-in link and asks for a call: top of the queue.
                answers = {"goal_score": closing, "kept": "partly", "wants_contact": True}
                answers["hard"] = (
                    "Met de drukte van het kwartaaleinde glip ik terug in oude gewoontes."
                )
                self.self_check_link(item, due, answers)
            self.session.add(item)

    def self_check_link(self, item: FollowUp, day: date, answers: dict[str, Any] | None) -> None:
        """A self-check link mailed on `day`; answered the next day unless `answers` is None."""
        sent = self.at(day, 0)
        self.session.add(
            FormLink(
                trajectory=item.trajectory,
                follow_up=item,
                kind=FormKind.SELF_CHECK,
                token_hash=f"{self.rng.getrandbits(256):064x}",  # a token nobody knows
                created_at=sent,
                expires_at=sent + timedelta(days=30),
                opened_at=sent + timedelta(hours=20) if answers else None,
                submitted_at=sent + timedelta(days=1) if answers else None,
                answers=answers,
            )
        )
        item.sent_at = sent

    def month6_outcome(self, item: FollowUp, *, full: bool, closing: int) -> None:
        """The month-6 result: mostly the client's own answer to the self-check link, else
        typed in by the coach (some clients got the link and never answered)."""
        # Modest, noisy differences: the demo shows how the figures look, not that the
        # protocol works (that is for a practice's own data to tell, if it can).
        keep = self.rng.random() < (0.64 if full else 0.57)
        retained = Retained.YES if keep else self.rng.choice((Retained.PARTLY, Retained.NO))
        later = max(1, closing - (0 if keep else self.rng.randint(1, 3)))
        by_client = self.rng.random() < 0.6
        if by_client:
            answers: dict[str, Any] = {"goal_score": later, "kept": retained.value}
            self.self_check_link(item, item.due_on, {**answers, "wants_contact": False})
        elif self.rng.random() < 0.3:
            self.self_check_link(item, item.due_on, None)
        source = Source.CLIENT if by_client else Source.COACH
        day = item.due_on + timedelta(days=1 if by_client else 0)
        self.session.add(
            Outcome(
                trajectory=item.trajectory,
                kind=OutcomeKind.RESULT_RETAINED,
                recorded_on=day,
                retained=retained,
                retained_score=later,
                source=source,
            )
        )
        self.score(item.trajectory, later, day, ScoreKind.MONTH_6, 2, source)

    def reviews(self, traj: Trajectory, *, full: bool) -> None:
        ended = traj.ended_on or self.today
        if self.rng.random() < (0.4 if full else 0.33):
            self.session.add(
                Outcome(
                    trajectory=traj,
                    kind=OutcomeKind.REVIEW,
                    recorded_on=min(self.today, ended + timedelta(days=12)),
                    platform=self.rng.choice(REVIEW_PLATFORMS),
                    review_score=self.rng.choice((5, 4, 4, 5, 3)),
                )
            )
        if self.rng.random() < (0.3 if full else 0.25):
            self.session.add(
                Outcome(
                    trajectory=traj,
                    kind=OutcomeKind.TESTIMONIAL,
                    recorded_on=min(self.today, ended + timedelta(days=5)),
                    text="Ik ben met meer rust en richting verder gegaan dan ik had durven hopen.",
                    consent=True,
                )
            )


# -- the stages --------------------------------------------------------------------------------
def _new(b: _Builder, client: Client, slot: int) -> None:
    held = b.rng.randint(1, 2)
    traj = b.trajectory(
        client,
        started=b.start_for(held),
        planned=b.rng.choice((6, 8, 10)),
        status=TrajectoryStatus.ACTIVE,
    )
    b.history(traj, held=held, slot=slot)
    b.planned(
        traj, b.today + timedelta(days=b.rng.randint(1, 6)), slot, SessionKind.REGULAR, held + 1
    )


def _intermediate_due(b: _Builder, client: Client, slot: int) -> None:
    planned = b.rng.choice((8, 10))
    held = planned // 2 - 1
    traj = b.trajectory(
        client, started=b.start_for(held), planned=planned, status=TrajectoryStatus.ACTIVE
    )
    b.history(traj, held=held, slot=slot)
    b.planned(
        traj, b.today + timedelta(days=b.rng.randint(0, 5)), slot, SessionKind.REGULAR, held + 1
    )


def _mid(b: _Builder, client: Client, slot: int) -> None:
    planned = b.rng.choice((8, 10, 12))
    held = planned // 2 + 1
    traj = b.trajectory(
        client, started=b.start_for(held), planned=planned, status=TrajectoryStatus.ACTIVE
    )
    b.history(traj, held=held, slot=slot, intermediate_at=planned // 2)
    b.planned(
        traj, b.today + timedelta(days=b.rng.randint(2, 12)), slot, SessionKind.REGULAR, held + 1
    )


def _nearing_end(b: _Builder, client: Client, slot: int) -> None:
    planned = 8
    held = planned - b.rng.randint(1, 2)
    traj = b.trajectory(
        client, started=b.start_for(held), planned=planned, status=TrajectoryStatus.ACTIVE
    )
    b.history(traj, held=held, slot=slot, intermediate_at=4)
    b.planned(
        traj, b.today + timedelta(days=b.rng.randint(1, 8)), slot, SessionKind.REGULAR, held + 1
    )


def _closing_two_sessions(b: _Builder, client: Client, slot: int) -> None:
    planned = 12
    traj = b.trajectory(
        client, started=b.start_for(10), planned=planned, status=TrajectoryStatus.ACTIVE
    )
    traj.intensive = True
    traj.closing_format = ClosingFormat.TWO_60
    b.history(traj, held=10, slot=slot, intermediate_at=5)
    b.planned(traj, b.today + timedelta(days=3), slot, SessionKind.CLOSING_MINUS_1, None)
    b.planned(traj, b.today + timedelta(days=17), slot, SessionKind.CLOSING_0, None)


def _closing_today(b: _Builder, client: Client, slot: int) -> None:
    traj = b.trajectory(client, started=b.start_for(7), planned=8, status=TrajectoryStatus.ACTIVE)
    traj.closing_format = ClosingFormat.SINGLE_90
    score = b.history(traj, held=7, slot=slot, intermediate_at=4)
    b.planned(traj, b.today, slot, SessionKind.CLOSING_90, None)
    b.client_evaluation(traj, min(10, score + 1), b.today - timedelta(days=2))


def _in_closing(b: _Builder, client: Client, slot: int) -> None:
    traj = b.trajectory(
        client, started=b.start_for(11), planned=10, status=TrajectoryStatus.CLOSING
    )
    traj.closing_format = ClosingFormat.TWO_60
    score = b.history(traj, held=10, slot=slot, intermediate_at=5)
    minus_one = b.today - timedelta(days=5)
    b.session.add(
        CoachingSession(
            trajectory=traj,
            scheduled_at=b.at(minus_one, slot),
            kind=SessionKind.CLOSING_MINUS_1,
            status=SessionStatus.HELD,
            duration_minutes=60,
            session_rating=9,
        )
    )
    b.score(traj, min(10, score + 1), minus_one, ScoreKind.CLOSING, slot)
    b.plan(traj, complete=False, self_check_on=None)  # homework, half done
    b.planned(traj, b.today + timedelta(days=9), slot, SessionKind.CLOSING_0, None)


def _closed(
    b: _Builder, client: Client, slot: int, *, full: bool, ago: int, overdue: bool = False
) -> Trajectory:
    planned = b.rng.choice((6, 8, 10))
    held = planned if full else planned - b.rng.randint(0, 1)
    started = b.today - timedelta(days=ago + 14 * held)
    traj = b.trajectory(client, started=started, planned=planned, status=TrajectoryStatus.ACTIVE)
    score = b.history(traj, held=held, slot=slot, intermediate_at=planned // 2)
    ended = b.today - timedelta(days=ago)
    b.close(traj, ended=ended, full=full, score=score, slot=slot, overdue=overdue)
    b.reviews(traj, full=full)
    b.closed.append(traj)
    return traj


def _closed_full(b: _Builder, client: Client, slot: int) -> None:
    _closed(b, client, slot, full=True, ago=b.rng.randint(60, 240))


def _closed_recent(b: _Builder, client: Client, slot: int) -> None:
    # Week-1 mail due today, or a few days ago and not sent yet.
    ago = b.rng.choice((7, 10))
    _closed(b, client, slot, full=True, ago=ago, overdue=ago > 7)


def _check_in_overdue(b: _Builder, client: Client, slot: int) -> None:
    # Closed about three months ago; the month-3 check-in slipped by a few days.
    _closed(b, client, slot, full=True, ago=91 + b.rng.randint(2, 9), overdue=True)


def _closed_without_protocol(b: _Builder, client: Client, slot: int) -> None:
    _closed(b, client, slot, full=False, ago=b.rng.randint(40, 260))


def _stopped(b: _Builder, client: Client, slot: int) -> None:
    traj = b.trajectory(client, started=b.start_for(6), planned=8, status=TrajectoryStatus.ACTIVE)
    b.history(traj, held=3, slot=slot)
    traj.status = TrajectoryStatus.STOPPED
    traj.ended_on = traj.started_on + timedelta(days=42)


def _returning(b: _Builder, client: Client, slot: int) -> None:
    old = _closed(b, client, slot, full=b.rng.random() < 0.5, ago=b.rng.randint(300, 420))
    b.session.add(
        Outcome(
            trajectory=old,
            kind=OutcomeKind.RETURNING,
            recorded_on=b.today - timedelta(days=35),
        )
    )
    new = b.trajectory(client, started=b.start_for(2), planned=6, status=TrajectoryStatus.ACTIVE)
    b.history(new, held=2, slot=slot)
    b.planned(new, b.today + timedelta(days=b.rng.randint(1, 9)), slot, SessionKind.REGULAR, 3)


def _referred(b: _Builder, client: Client, slot: int) -> None:
    traj = b.trajectory(client, started=b.start_for(3), planned=8, status=TrajectoryStatus.ACTIVE)
    b.history(traj, held=3, slot=slot)
    b.planned(traj, b.today + timedelta(days=b.rng.randint(2, 10)), slot, SessionKind.REGULAR, 4)
    if not b.closed:
        traj.referral_source = "Via LinkedIn"
        return
    referrer = b.rng.choice(b.closed)
    traj.referred_by = referrer.client
    b.session.add(
        Outcome(
            trajectory=referrer,
            kind=OutcomeKind.REFERRAL,
            recorded_on=traj.started_on,
            referred_client=client,
        )
    )


# One cycle of stories; a practice of any size repeats it, so even 5 clients cover the core.
CYCLE = (
    Stage("closing_today", _closing_today),
    Stage("closed_full", _closed_full),
    Stage("nearing_end", _nearing_end),
    Stage("intermediate_due", _intermediate_due),
    Stage("closed_without_protocol", _closed_without_protocol),
    Stage("new", _new),
    Stage("closing_two_sessions", _closing_two_sessions),
    Stage("in_closing", _in_closing),
    Stage("closed_recent", _closed_recent),
    Stage("mid", _mid),
    Stage("referred", _referred),
    Stage("returning", _returning),
    Stage("stopped", _stopped),
    Stage("closed_full", _closed_full),
    Stage("closed_without_protocol", _closed_without_protocol),
    Stage("mid", _mid),
    Stage("new", _new),
    Stage("check_in_overdue", _check_in_overdue),
    Stage("nearing_end", _nearing_end),
    Stage("closed_without_protocol", _closed_without_protocol),
)


def generate_practice(
    session: Session,
    *,
    today: date,
    coaches: int = 2,
    clients_per_coach: int = 40,
    seed: int = 2026,
    practice_name: str = DEMO_PRACTICE,
    demo_login: bool = True,
) -> list[Coach]:
    """A practice of `coaches` coaches with `clients_per_coach` clients each; returns the coaches.

    The first coach is the practice owner; with `demo_login` it is the `demo` account.
    Flushes but never commits: the caller owns the transaction.
    """
    practice = Practice(name=practice_name)
    session.add(practice)
    # bcrypt is slow by design: one hash for the demo login, one shared by the others.
    other_hash = hash_password(secrets.token_urlsafe(24))
    zone = ZoneInfo(DEMO_TIMEZONE)
    result = []
    for index in range(coaches):
        is_demo = demo_login and index == 0
        name = COACH_NAMES[index % len(COACH_NAMES)]
        username = (
            DEMO_USERNAME if is_demo else f"{practice_name.split()[-1].lower()}{index + 1:02d}"
        )
        coach = Coach(
            practice=practice,
            username=username,
            display_name=name if index < len(COACH_NAMES) else f"{name} {index + 1}",
            email=f"{username}@example.org",
            password_hash=hash_password(DEMO_PASSWORD) if is_demo else other_hash,
            role=Role.OWNER if index == 0 else Role.COACH,
            timezone=DEMO_TIMEZONE,
        )
        session.add(coach)
        builder = _Builder(session, random.Random(seed * 1000 + index), today, zone)
        # Names from their own generator: a story that draws more or less keeps every name.
        names = random.Random(f"names-{seed}-{index}")
        for number in range(clients_per_coach):
            client = _client(names, coach, number)
            session.add(client)
            CYCLE[number % len(CYCLE)].build(builder, client, number)
        result.append(coach)
    session.flush()
    return result


def _client(rng: random.Random, coach: Coach, number: int) -> Client:
    first = FIRST_NAMES[(number * 7 + rng.randint(0, 3)) % len(FIRST_NAMES)]
    last = SURNAMES[(number * 11 + rng.randint(0, 5)) % len(SURNAMES)]
    slug = f"{first}.{last}".lower().replace(" ", "").replace("ë", "e")
    return Client(
        coach=coach,
        name=f"{first} {last}",
        email=f"{slug}.{number}@example.org",
        phone=f"06-{rng.randint(10000000, 99999999)}",
    )


def has_demo_practice(session: Session) -> bool:
    """True when the demo account already exists."""
    return session.scalar(select(Coach.id).where(Coach.username == DEMO_USERNAME)) is not None
