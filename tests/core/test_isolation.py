"""Tenant isolation: with two coaches' data present, no service crosses between them."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import get_account, update_preferences
from core.overview import get_overview
from core.scope import allowed_coaches
from db.models import Client, Coach, Language, Role
from tests.conftest import NOW
from tests.factories import make_coach, make_practice


def _names(db: Session, coach: Coach) -> set[str]:
    return set(db.scalars(select(Client.name).where(Client.coach_id == coach.id)))


def test_the_overview_shows_only_the_coachs_own_clients(db: Session) -> None:
    mine, theirs = make_practice(db, coaches=2, clients_each=20)
    overview = get_overview(db, coach_id=mine.id, timezone="Europe/Amsterdam", now=NOW)
    seen = (
        {s.client_name for s in overview.sessions}
        | {f.client_name for f in overview.follow_ups}
        | {p.client_name for p in overview.progress}
    )
    seen_ids = (
        {s.client_id for s in overview.sessions}
        | {f.client_id for f in overview.follow_ups}
        | {p.client_id for p in overview.progress}
    )
    own_ids = set(db.scalars(select(Client.id).where(Client.coach_id == mine.id)))
    assert seen and seen_ids <= own_ids
    assert seen <= _names(db, mine)
    assert not seen_ids & set(db.scalars(select(Client.id).where(Client.coach_id == theirs.id)))


def test_saving_preferences_changes_only_that_coach(db: Session) -> None:
    mine, theirs = make_practice(db, coaches=2, clients_each=1)
    update_preferences(
        db, coach_id=mine.id, display_name="Nieuwe Naam", language=Language.EN, timezone="UTC"
    )
    other = get_account(db, username=theirs.username)
    assert other is not None
    assert (other.display_name, other.language, other.timezone) == (
        theirs.display_name,
        Language.NL,
        "Europe/Amsterdam",
    )


def test_figures_in_view_are_the_own_or_an_owners_practice_never_another_practice(
    db: Session,
) -> None:
    owner, coach = make_practice(db, coaches=2, clients_each=1)
    stranger = make_coach(db, "vreemd")  # a coach of no practice
    other_owner = make_coach(db, "ander")
    other_owner.role, other_owner.practice_id = Role.OWNER, None  # an owner without a practice
    db.flush()
    everyone = [stranger.id, coach.id, owner.id, other_owner.id]
    assert allowed_coaches(db, owner.id, everyone) == [coach.id, owner.id]  # the asked order
    assert allowed_coaches(db, coach.id, everyone) == [coach.id]
    assert allowed_coaches(db, stranger.id, everyone) == [stranger.id]
    assert allowed_coaches(db, other_owner.id, everyone) == [other_owner.id]
    assert allowed_coaches(db, 10**9, everyone) == []  # no such viewer: nothing
