"""The practice's accounts: invitations, password resets and deactivation, by the owner only."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import cookie_revoked, get_account
from core.errors import NotFound, ValidationError
from core.login import log_in
from core.team import (
    account_link_url,
    invite_coach,
    list_pending_invites,
    list_practice_coaches,
    open_account_link,
    reset_password_link,
    set_coach_active,
    use_account_link,
)
from db.models import AccountLink, AccountLinkKind, Client, Coach, Practice, Role
from tests.conftest import NOW
from tests.factories import make_coach

GOOD = "de kat slaapt op de wasmachine"


def _practice(db: Session) -> tuple[Coach, Coach]:
    """An owner and a coach in one practice."""
    practice = Practice(name="Licht")
    owner, coach = make_coach(db, "eigenaar"), make_coach(db, "anna")
    owner.role = Role.OWNER
    owner.practice = coach.practice = practice
    db.flush()
    return owner, coach


def _use(db: Session, token: str, username: str = "", password: str = GOOD):  # type: ignore[no-untyped-def]
    return use_account_link(
        db, token=token, username=username, password=password, repeated=password, now=NOW
    )


def test_an_invited_coach_joins_the_practice_with_a_password_of_their_own(db: Session) -> None:
    owner, _ = _practice(db)
    link = invite_coach(
        db, coach_id=owner.id, display_name="Bas Nieuw", email="bas@example.org", now=NOW
    )
    assert [i.display_name for i in list_pending_invites(db, coach_id=owner.id, now=NOW)] == [
        "Bas Nieuw"
    ]
    opened = open_account_link(db, token=link.token, now=NOW)
    assert opened is not None and (opened.kind, opened.display_name) == (
        AccountLinkKind.INVITE,
        "Bas Nieuw",
    )
    with pytest.raises(ValidationError) as refused:
        _use(db, link.token, username="anna", password="Password123!")
    assert refused.value.errors == {"password": "accounts.password_common"}
    with pytest.raises(ValidationError) as taken:
        _use(db, link.token, username="anna")
    assert taken.value.errors == {"username": "accounts.username_taken"}
    account = _use(db, link.token, username="Bas")
    assert account is not None and (account.username, account.role) == ("bas", Role.COACH)
    assert account.practice_id == owner.practice_id
    assert _use(db, link.token, username="bas2") is None  # one use
    assert open_account_link(db, token=link.token, now=NOW) is None
    assert list_pending_invites(db, coach_id=owner.id, now=NOW) == []
    answer = log_in(db, username="bas", password=GOOD, address="", now=NOW, demo_mode=False)
    assert answer.account is not None


def test_a_reset_link_sets_a_new_password_ends_sessions_and_lifts_a_lock(db: Session) -> None:
    owner, _coach = _practice(db)
    for i in range(10):
        log_in(
            db,
            username="anna",
            password="fout",
            address="",
            now=NOW - timedelta(minutes=12) + timedelta(minutes=i),
            demo_mode=False,
        )
    first = reset_password_link(db, coach_id=owner.id, username="anna", now=NOW)
    link = reset_password_link(db, coach_id=owner.id, username="anna", now=NOW)
    assert open_account_link(db, token=first.token, now=NOW) is None  # the newest counts
    opened = open_account_link(db, token=link.token, now=NOW)
    assert opened is not None and opened.username == "anna"
    assert _use(db, link.token, username="ignored") is not None
    account = get_account(db, username="anna")
    assert account is not None
    old_cookie = (NOW - timedelta(minutes=1) + timedelta(days=14)).timestamp()
    assert cookie_revoked(account, expires=old_cookie, valid_days=14)
    answer = log_in(db, username="anna", password=GOOD, address="", now=NOW, demo_mode=False)
    assert answer.account is not None  # the lock is gone with the reset
    expired = reset_password_link(db, coach_id=owner.id, username="anna", now=NOW)
    assert open_account_link(db, token=expired.token, now=NOW + timedelta(days=1)) is None


def test_a_deactivated_coach_cannot_log_in_and_their_clients_stay(db: Session) -> None:
    owner, coach = _practice(db)
    db.add(Client(coach=coach, name="Blijft Hier"))
    db.flush()
    with pytest.raises(ValidationError):
        set_coach_active(db, coach_id=owner.id, username="eigenaar", active=False, now=NOW)
    set_coach_active(db, coach_id=owner.id, username="anna", active=False, now=NOW)
    assert get_account(db, username="anna") is None
    refused = log_in(
        db, username="anna", password="Geheim-wachtwoord-1", address="", now=NOW, demo_mode=False
    )
    assert refused.refusal == "login.failed"  # as if there were no such account
    assert db.scalar(select(Client.name).where(Client.coach_id == coach.id)) == "Blijft Hier"
    with pytest.raises(ValidationError):
        reset_password_link(db, coach_id=owner.id, username="anna", now=NOW)
    coaches = list_practice_coaches(db, coach_id=owner.id)
    assert [(c.username, c.active) for c in coaches] == [("eigenaar", True), ("anna", False)]
    set_coach_active(db, coach_id=owner.id, username="anna", active=True, now=NOW)
    assert get_account(db, username="anna") is not None


def test_a_reset_link_made_before_a_deactivation_stays_dead(db: Session) -> None:
    owner, _ = _practice(db)
    link = reset_password_link(db, coach_id=owner.id, username="anna", now=NOW)
    set_coach_active(db, coach_id=owner.id, username="anna", active=False, now=NOW)
    set_coach_active(db, coach_id=owner.id, username="anna", active=True, now=NOW)
    assert open_account_link(db, token=link.token, now=NOW) is None


def test_only_the_practices_owner_manages_its_accounts(db: Session) -> None:
    _owner, coach = _practice(db)
    stranger = make_coach(db, "vreemd")
    stranger.role, stranger.practice = Role.OWNER, Practice(name="Ander")
    db.flush()
    for outsider in (coach.id, stranger.id):
        with pytest.raises(NotFound):
            reset_password_link(db, coach_id=outsider, username="anna", now=NOW)
        with pytest.raises(NotFound):
            set_coach_active(db, coach_id=outsider, username="anna", active=False, now=NOW)
    with pytest.raises(NotFound):
        invite_coach(db, coach_id=coach.id, display_name="X", email="x@example.org", now=NOW)
    with pytest.raises(NotFound):
        list_practice_coaches(db, coach_id=coach.id)


def test_only_the_tokens_hash_is_stored_and_the_url_opens_the_account_page(db: Session) -> None:
    owner, _ = _practice(db)
    link = invite_coach(db, coach_id=owner.id, display_name="Bas", email="b@example.org", now=NOW)
    stored = db.scalars(select(AccountLink.token_hash)).all()
    assert link.token not in stored and len(link.token) >= 43
    url = account_link_url("https://coach.example.org/vandaag", link.token)
    assert url == f"https://coach.example.org/account?t={link.token}"
