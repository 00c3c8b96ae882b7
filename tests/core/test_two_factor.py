"""Two-factor login: a code from the app after the password, recovery codes, a practice rule."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy.orm import Session

from core.accounts import cookie_revoked, get_account
from core.errors import NotFound, ValidationError
from core.login import log_in, log_in_second_step
from core.two_factor import (
    disable_two_factor,
    enable_two_factor,
    new_secret,
    qr_data_uri,
    recovery_codes_left,
    require_two_factor,
    setup_uri,
)
from db.models import Practice, Role
from tests.conftest import NOW
from tests.factories import make_coach

RIGHT = "Geheim-wachtwoord-1"


def _code(secret: str, at=NOW) -> str:  # type: ignore[no-untyped-def]
    return pyotp.TOTP(secret).at(at)


def _second(db: Session, code: str, at=NOW, username: str = "anna"):  # type: ignore[no-untyped-def]
    return log_in_second_step(db, username=username, code=code, address="", now=at, demo_mode=False)


def test_setting_up_needs_a_right_code_and_gives_ten_recovery_codes(db: Session) -> None:
    coach = make_coach(db)
    secret = new_secret()
    uri = setup_uri(secret, "anna")
    assert uri.startswith("otpauth://totp/Afronding:anna?secret=")
    assert qr_data_uri(uri).startswith("data:image/png;base64,")
    for typed, message in (("000000", "two_factor.code_wrong"), (" ", "validation.required")):
        with pytest.raises(ValidationError) as refused:
            enable_two_factor(db, coach_id=coach.id, secret=secret, code=typed, now=NOW)
        assert refused.value.errors == {"code": message}
    codes = enable_two_factor(db, coach_id=coach.id, secret=secret, code=_code(secret), now=NOW)
    assert len(set(codes)) == 10 and all(len(c) == 11 and c[5] == "-" for c in codes)
    assert recovery_codes_left(db, coach_id=coach.id) == 10
    # A login cookie from before logged in without a code: it stops working.
    account = get_account(db, username="anna")
    issued_before = (NOW - timedelta(minutes=1) + timedelta(days=14)).timestamp()
    assert account is not None and cookie_revoked(account, expires=issued_before, valid_days=14)


def test_the_password_alone_no_longer_logs_in(db: Session) -> None:
    coach = make_coach(db)
    secret = new_secret()
    enable_two_factor(db, coach_id=coach.id, secret=secret, code=_code(secret), now=NOW)
    first = log_in(db, username="anna", password=RIGHT, address="", now=NOW, demo_mode=False)
    assert (first.account, first.second_step) == (None, "anna")
    later = NOW + timedelta(seconds=60)
    assert _second(db, "123456", later).refusal == "login.code_wrong"
    answer = _second(db, _code(secret, later), later)
    assert answer.account is not None and answer.account.two_factor
    # The same code never works twice, not even within its 30 seconds.
    assert _second(db, _code(secret, later), later).refusal == "login.code_wrong"


def test_a_recovery_code_works_once(db: Session) -> None:
    coach = make_coach(db)
    secret = new_secret()
    codes = enable_two_factor(db, coach_id=coach.id, secret=secret, code=_code(secret), now=NOW)
    assert _second(db, f" {codes[0].upper()} ").account is not None  # as typed from paper
    assert _second(db, codes[0]).refusal == "login.code_wrong"
    assert recovery_codes_left(db, coach_id=coach.id) == 9


def test_wrong_codes_count_as_failed_logins(db: Session) -> None:
    coach = make_coach(db)
    secret = new_secret()
    enable_two_factor(db, coach_id=coach.id, secret=secret, code=_code(secret), now=NOW)
    for i in range(10):
        at = NOW + timedelta(minutes=i)
        assert _second(db, "000000", at).refusal == "login.code_wrong"
    locked_at = NOW + timedelta(minutes=10)
    assert _second(db, _code(secret, locked_at), locked_at).refusal == "login.locked"


def test_an_owner_requires_it_and_then_nobody_can_turn_it_off(db: Session) -> None:
    owner, coach = make_coach(db, "eigenaar"), make_coach(db)
    practice = Practice(name="Licht")
    owner.role, owner.practice, coach.practice = Role.OWNER, practice, practice
    db.flush()
    with pytest.raises(NotFound):
        require_two_factor(db, coach_id=coach.id, required=True)
    require_two_factor(db, coach_id=owner.id, required=True)
    secret = new_secret()
    enable_two_factor(db, coach_id=coach.id, secret=secret, code=_code(secret), now=NOW)
    later = NOW + timedelta(seconds=60)
    with pytest.raises(ValidationError) as refused:
        disable_two_factor(db, coach_id=coach.id, code=_code(secret, later), now=later)
    assert refused.value.errors == {"code": "two_factor.required_by_practice"}
    require_two_factor(db, coach_id=owner.id, required=False)
    disable_two_factor(db, coach_id=coach.id, code=_code(secret, later), now=later)
    answer = log_in(db, username="anna", password=RIGHT, address="", now=later, demo_mode=False)
    assert answer.account is not None and not answer.account.two_factor
