"""Nazorg: the follow-ups planned when a trajectory ends, due a set number of days later."""

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FollowUp, FollowUpKind

# After the closing: a personal mail in week 1, a check-in at month 3, the result at month 6.
FOLLOW_UP_DAYS = {
    FollowUpKind.WEEK1_MAIL: 7,
    FollowUpKind.MONTH3_CHECKIN: 91,
    FollowUpKind.MONTH6_RESULT: 182,
}
# What a trajectory closed outside the live closing can still get: the two personal contacts.
CONTACT_KINDS = (FollowUpKind.WEEK1_MAIL, FollowUpKind.MONTH3_CHECKIN)


def schedule_follow_ups(
    session: Session, *, trajectory_id: int, due: Mapping[FollowUpKind, date]
) -> None:
    """Add the follow-ups of `due` the trajectory doesn't have yet (the caller checked scope)."""
    existing = set(
        session.scalars(select(FollowUp.kind).where(FollowUp.trajectory_id == trajectory_id))
    )
    for kind, day in due.items():
        if kind not in existing:
            session.add(FollowUp(trajectory_id=trajectory_id, kind=kind, due_on=day))
    session.flush()
