"""Afrondingsgereedheid: flags that keep a coach from the common mistakes at the end.

Each rule is one line of advice with a place to act on it. The rules read `ReadinessFacts`,
which the client list gathers for every trajectory in one query.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.progress import LONG_TRAJECTORY_SESSIONS, MINIMUM_CLOSING_MINUTES
from db.models import TrajectoryStatus

# After a closing, feedback and the open door can still be caught up in the week-1 mail.
AFTERCARE_DAYS = 30


class Flag(StrEnum):
    """One readiness problem; its message is `readiness.<value>` in the catalog."""

    NO_CLOSING_PLANNED = "no_closing_planned"
    CLOSING_TOO_SHORT = "closing_too_short"
    ADVISE_TWO_SESSIONS = "advise_two_sessions"
    NO_EVALUATION_FORM = "no_evaluation_form"
    NO_RETENTION_PLAN = "no_retention_plan"
    FEEDBACK_NOT_ASKED = "feedback_not_asked"
    DOOR_NOT_OPEN = "door_not_open"


@dataclass(frozen=True)
class ReadinessFacts:
    """What the rules need to know about one trajectory."""

    status: TrajectoryStatus
    planned_sessions: int
    held_sessions: int
    intensive: bool
    ended_on: date | None
    closing_planned: bool
    shortest_closing_minutes: int | None  # of the planned closing sessions
    single_closing_planned: bool  # one 90-minute closing rather than two sessions
    client_evaluation: bool  # the client's evaluation form came in
    evaluation_form_sent: bool  # a link to it is out: not revoked, not expired
    retention_plan: bool  # a borgingsplan with at least the main change
    feedback_asked: bool
    door_kept_open: bool  # at least one concrete option offered

    @property
    def in_end_phase(self) -> bool:
        """The closing is near: the last two sessions, a closing planned, or in afronding."""
        if self.status is TrajectoryStatus.CLOSING:
            return True
        near = self.held_sessions >= self.planned_sessions - 2
        return self.status is TrajectoryStatus.ACTIVE and (near or self.closing_planned)


def readiness_flags(facts: ReadinessFacts, *, today: date) -> list[Flag]:
    """The flags that apply to one trajectory, most urgent first."""
    flags: list[Flag] = []
    if facts.status is TrajectoryStatus.ACTIVE and facts.in_end_phase and not facts.closing_planned:
        flags.append(Flag.NO_CLOSING_PLANNED)
    if facts.closing_planned and (facts.shortest_closing_minutes or 0) < MINIMUM_CLOSING_MINUTES:
        flags.append(Flag.CLOSING_TOO_SHORT)
    long_or_intensive = facts.planned_sessions >= LONG_TRAJECTORY_SESSIONS or facts.intensive
    if long_or_intensive and facts.single_closing_planned:
        flags.append(Flag.ADVISE_TWO_SESSIONS)
    if facts.in_end_phase:
        if not (facts.client_evaluation or facts.evaluation_form_sent):
            flags.append(Flag.NO_EVALUATION_FORM)
        if not facts.retention_plan:
            flags.append(Flag.NO_RETENTION_PLAN)
    recently_closed = (
        facts.status is TrajectoryStatus.CLOSED
        and facts.ended_on is not None
        and today - facts.ended_on <= timedelta(days=AFTERCARE_DAYS)
    )
    if facts.status is TrajectoryStatus.CLOSING or recently_closed:
        if not facts.feedback_asked:
            flags.append(Flag.FEEDBACK_NOT_ASKED)
        if not facts.door_kept_open:
            flags.append(Flag.DOOR_NOT_OPEN)
    return flags


@dataclass(frozen=True)
class FlagAction:
    """Where a flag is acted on: a part of the client's page (with the session kind to plan),
    the live closing, or the follow-ups (the week-1 mail still asks for feedback)."""

    place: str  # "client", "closing" or "follow_ups"
    section: str = ""  # the client page's part
    kind: str = ""  # the session kind the planning starts with


PLAN_CLOSING = FlagAction("client", "plan", "closing_90")
FLAG_ACTION = {
    Flag.NO_CLOSING_PLANNED: PLAN_CLOSING,
    Flag.CLOSING_TOO_SHORT: FlagAction("client", "plan"),  # change the planned one
    Flag.ADVISE_TWO_SESSIONS: FlagAction("client", "plan", "closing_minus_1"),
    Flag.NO_EVALUATION_FORM: FlagAction("client", "forms"),
    Flag.NO_RETENTION_PLAN: FlagAction("closing"),
    Flag.FEEDBACK_NOT_ASKED: FlagAction("follow_ups"),
    Flag.DOOR_NOT_OPEN: FlagAction("follow_ups"),
}
