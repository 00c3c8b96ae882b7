"""Logging in: guessing slows down and locks, per username and per address, for every replica."""

from collections.abc import Callable
from datetime import datetime, timedelta

import bcrypt
import pytest
from sqlalchemy.orm import Session

from core import login
from core.errors import NotFound
from core.login import DUMMY_HASH, client_address, list_locked_logins, log_in, unlock_login
from db.models import Coach, Practice, Role
from db.passwords import hash_password
from db.passwords import verify_password as hash_check
from tests.conftest import NOW, REAL_GENSALT
from tests.factories import make_coach

RIGHT = "Geheim-wachtwoord-1"  # the factories' password


def _try(db: Session, username: str, password: str, at: datetime, address: str = "10.0.0.1") -> str:
    """What a login answers: 'ok', or the refusal's message key."""
    answer = log_in(
        db, username=username, password=password, address=address, now=at, demo_mode=False
    )
    assert (answer.account is None) == bool(answer.refusal)
    return answer.refusal or "ok"


def _fail(db: Session, username: str, times: int, at: datetime, address: str = "10.0.0.1") -> None:
    for i in range(times):  # far enough apart that no wait is in the way
        assert _try(db, username, "fout", at + timedelta(seconds=40 * i), address) == "login.failed"


def test_the_right_password_logs_in_and_forgets_earlier_failures(db: Session) -> None:
    make_coach(db)
    _fail(db, "anna", 4, NOW)
    assert _try(db, " Anna ", RIGHT, NOW + timedelta(minutes=2)) == "ok"
    _fail(db, "anna", 4, NOW + timedelta(minutes=3))  # counting starts again: no wait yet


def test_after_five_failures_each_try_waits_longer(db: Session) -> None:
    make_coach(db)
    _fail(db, "anna", 5, NOW)
    fifth = NOW + timedelta(seconds=160)  # the moment of the 5th failure
    # Even the right password waits: the wait is not a hint that it was right.
    early = log_in(
        db, username="anna", password=RIGHT, address="10.0.0.1", now=fifth, demo_mode=False
    )
    assert (early.refusal, early.amount) == ("login.wait", 2)
    sixth = fifth + timedelta(seconds=2)
    assert _try(db, "anna", "fout", sixth) == "login.failed"
    assert _try(db, "anna", RIGHT, sixth + timedelta(seconds=3)) == "login.wait"  # 4 s now
    assert _try(db, "anna", RIGHT, sixth + timedelta(seconds=4)) == "ok"


@pytest.mark.parametrize("username", ["anna", "niemand"], ids=["known", "unknown"])
def test_ten_failures_lock_the_username_for_fifteen_minutes_known_or_not(
    db: Session, username: str
) -> None:
    make_coach(db)
    _fail(db, username, 10, NOW)
    tenth = NOW + timedelta(seconds=360)
    answers = [
        _try(db, username, RIGHT, tenth + timedelta(minutes=minutes), address="10.9.9.9")
        for minutes in (1, 14)
    ]
    assert answers == ["login.locked", "login.locked"]  # from another address too
    locked = log_in(db, username=username, password=RIGHT, address="", now=tenth, demo_mode=False)
    assert (locked.refusal, locked.amount) == ("login.locked", 15)  # minutes left
    after = _try(db, username, RIGHT, tenth + timedelta(minutes=15, seconds=1))
    assert after == ("ok" if username == "anna" else "login.failed")


def test_ten_failures_from_one_address_lock_that_address_for_every_username(
    db: Session,
) -> None:
    make_coach(db)
    for i in range(10):  # spraying usernames does not dodge the count
        _try(db, f"raad{i}", "fout", NOW + timedelta(seconds=40 * i), address="192.0.2.7")
    later = NOW + timedelta(minutes=7)
    assert _try(db, "anna", RIGHT, later, address="192.0.2.7") == "login.locked"
    assert _try(db, "anna", RIGHT, later, address="198.51.100.1") == "ok"


def test_an_unknown_username_costs_a_password_check_like_a_known_one(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bcrypt, "gensalt", REAL_GENSALT)  # as outside the tests
    make_coach(db)
    checked: list[str] = []
    real: Callable[[str, str], bool] = hash_check

    def counting(password: str, password_hash: str) -> bool:
        checked.append(password_hash[:7])  # the bcrypt version and cost, "$2b$12$"
        return real(password, password_hash)

    monkeypatch.setattr(login, "verify_password", counting)
    _try(db, "anna", "fout", NOW)
    _try(db, "niemand", "fout", NOW)
    assert len(checked) == 2 and checked[0] == checked[1]  # same work for both


def test_an_owner_sees_and_lifts_a_lock_in_their_own_practice_only(db: Session) -> None:
    practice, other_practice = Practice(name="Licht"), Practice(name="Ander")
    owner = make_coach(db, "eigenaar")
    owner.role, owner.practice = Role.OWNER, practice
    anna = make_coach(db, "anna")
    anna.practice = practice
    stranger = Coach(
        username="vreemd",
        display_name="Vreemde Eigenaar",
        email="v@example.org",
        password_hash=hash_password(RIGHT),
        role=Role.OWNER,
        practice=other_practice,
    )
    db.add(stranger)
    db.flush()
    _fail(db, "anna", 10, NOW)
    now = NOW + timedelta(minutes=5)
    [locked] = list_locked_logins(db, coach_id=owner.id, now=now)
    assert (locked.username, locked.failures) == ("anna", 10)
    assert list_locked_logins(db, coach_id=anna.id, now=now) == []  # not an owner
    for outsider in (stranger.id, anna.id):
        with pytest.raises(NotFound):
            unlock_login(db, coach_id=outsider, username="anna")
    assert _try(db, "anna", RIGHT, now) == "login.locked"
    unlock_login(db, coach_id=owner.id, username="anna")
    assert _try(db, "anna", RIGHT, now) == "ok"  # the address she tried from is free too
    assert list_locked_logins(db, coach_id=owner.id, now=now) == []


def test_the_counted_address_is_the_visitors_own() -> None:
    assert client_address("203.0.113.5", None, behind_proxy=False) == "203.0.113.5"
    assert client_address(None, None, behind_proxy=False) == ""  # from this machine
    # Only a proxy we run may say who the visitor is; its own entry is the last one.
    forwarded = "6.6.6.6, 198.51.100.23"
    assert client_address("10.0.0.2", forwarded, behind_proxy=True) == "198.51.100.23"
    assert client_address("10.0.0.2", forwarded, behind_proxy=False) == "10.0.0.2"


def test_a_password_longer_than_bcrypt_reads_is_a_failed_login_not_a_crash(db: Session) -> None:
    make_coach(db)
    assert _try(db, "anna", RIGHT + "x" * 70, NOW) == "login.failed"  # its first 72 bytes
    assert _try(db, "anna", "é" * 40, NOW + timedelta(minutes=1)) == "login.failed"


def test_an_unknown_username_costs_the_same_bcrypt_work_as_a_real_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bcrypt, "gensalt", REAL_GENSALT)  # as outside the tests
    cost = hash_password("Sterk-wachtwoord-7").split("$")[2]
    assert DUMMY_HASH.split("$")[2] == cost  # the same cost factor, so the same time
    assert not hash_check("no account has this password, it only takes time!", DUMMY_HASH)
