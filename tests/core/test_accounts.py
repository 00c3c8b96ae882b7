"""Coach accounts: created safely, refused clearly, preferences saved whole or not at all."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.accounts import (
    change_password,
    cookie_revoked,
    create_coach,
    get_account,
    record_logout,
    update_preferences,
)
from core.errors import ValidationError
from core.sessions import usual_minutes
from db.models import Language, Role, SessionKind
from db.passwords import verify_password
from tests.factories import make_coach

GOOD: dict[str, Any] = {
    "username": "Anna.deWit",
    "display_name": "Anna de Wit",
    "email": "anna@example.org",
    "password": "Sterk-wachtwoord-7",
}


def test_a_new_coach_can_log_in_with_the_chosen_password(db: Session) -> None:
    account = create_coach(db, **GOOD, role=Role.OWNER, practice_name="Praktijk Licht")
    assert account.username == "anna.dewit"  # the authenticator lower-cases usernames
    assert verify_password("Sterk-wachtwoord-7", account.password_hash)
    assert "Sterk-wachtwoord-7" not in account.password_hash


def test_a_second_coach_joins_the_existing_practice(db: Session) -> None:
    first = create_coach(db, **GOOD, practice_name="Praktijk Licht")
    second = create_coach(db, **{**GOOD, "username": "bas"}, practice_name="Praktijk Licht")
    assert first.practice_id == second.practice_id is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "x", "accounts.username_invalid"),
        ("username", "met spatie", "accounts.username_invalid"),
        ("display_name", "  ", "accounts.name_invalid"),
        ("email", "geen-adres", "accounts.email_invalid"),
        ("password", "kort-1A", "accounts.password_short"),
        ("password", "Sterk-wachtwoord-7 ", "accounts.password_spaces"),  # login can't see it
        ("password", " Sterk-wachtwoord-7", "accounts.password_spaces"),
        ("password", "é" * 37, "accounts.password_long"),  # 74 bytes: bcrypt would cut it
        ("password", "Password123!", "accounts.password_common"),
        ("password", "qwertyuiop", "accounts.password_common"),
        ("password", "Welkom2024!", "accounts.password_common"),
        ("password", "wachtwoord", "accounts.password_common"),
        ("password", "anna.dewit-2026", "accounts.password_username"),
        ("password", "aaaaaaaaaa", "accounts.password_guessable"),
        ("password", "abcdefghij", "accounts.password_guessable"),
        ("password", "passwordpassword", "accounts.password_guessable"),
        ("password", "0000000000", "accounts.password_guessable"),
    ],
)
def test_bad_input_is_refused_at_its_field(
    db: Session, field: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        create_coach(db, **{**GOOD, field: value})
    assert refused.value.errors == {field: message}
    assert get_account(db, username=GOOD["username"]) is None


def test_a_long_sentence_without_digits_or_capitals_is_a_good_password(db: Session) -> None:
    account = create_coach(db, **{**GOOD, "password": "de kat slaapt op de wasmachine"})
    assert verify_password("de kat slaapt op de wasmachine", account.password_hash)


def test_a_taken_username_is_refused(db: Session) -> None:
    make_coach(db, "anna.dewit")
    with pytest.raises(ValidationError) as refused:
        create_coach(db, **GOOD)
    assert refused.value.errors == {"username": "accounts.username_taken"}


def test_an_unknown_time_zone_saves_nothing(db: Session) -> None:
    coach = make_coach(db)
    with pytest.raises(ValidationError) as refused:
        update_preferences(
            db, coach_id=coach.id, display_name="Ander", language=Language.EN, timezone="Mars/Base"
        )
    assert refused.value.errors == {"timezone": "accounts.timezone_invalid"}
    account = get_account(db, username=coach.username)
    assert account is not None and account.display_name == "Anna Coach"
    assert account.language is Language.NL


@pytest.mark.parametrize(("minutes", "kept"), [(45, 45), (10, 60), (241, 60)])
def test_the_usual_session_length_is_kept_within_its_range(
    db: Session, minutes: int, kept: int
) -> None:
    coach = make_coach(db)
    change: dict[str, Any] = {
        "display_name": "Anna Coach",
        "language": Language.NL,
        "timezone": "Europe/Amsterdam",
    }
    try:
        update_preferences(db, coach_id=coach.id, session_minutes=minutes, **change)
    except ValidationError as refused:
        assert refused.errors == {"session_minutes": "accounts.session_minutes_range"}
    account = get_account(db, username=coach.username)
    assert account is not None and account.session_minutes == kept
    # Planning starts with it for ordinary sessions; closings keep their own length.
    assert usual_minutes(SessionKind.REGULAR, session_minutes=account.session_minutes) == kept
    assert usual_minutes(SessionKind.CLOSING_90, session_minutes=account.session_minutes) == 90


def test_logging_out_revokes_every_cookie_issued_before(db: Session) -> None:
    coach = make_coach(db)
    days = 14.0
    issued_before = datetime(2026, 11, 26, 9, tzinfo=UTC)
    expires_before = (issued_before + timedelta(days=days)).timestamp()
    account = get_account(db, username=coach.username)
    assert account is not None
    assert not cookie_revoked(account, expires=expires_before, valid_days=days)

    record_logout(db, coach_id=coach.id, now=datetime(2026, 11, 26, 10, tzinfo=UTC))
    account = get_account(db, username=coach.username)
    assert account is not None
    assert cookie_revoked(account, expires=expires_before, valid_days=days)
    issued_after = datetime(2026, 11, 26, 10, 5, tzinfo=UTC)
    expires_after = (issued_after + timedelta(days=days)).timestamp()
    assert not cookie_revoked(account, expires=expires_after, valid_days=days)


def test_a_new_password_ends_every_other_session_and_old_cookie(db: Session) -> None:
    coach = make_coach(db)
    account = get_account(db, username=coach.username)
    assert account is not None
    days, now = 14.0, datetime(2026, 11, 26, 10, tzinfo=UTC)
    cookie_before = (now - timedelta(minutes=5) + timedelta(days=days)).timestamp()
    with pytest.raises(ValidationError) as refused:
        change_password(
            db, coach_id=coach.id, current="fout", new="kort", repeated="anders", now=now
        )
    assert refused.value.errors == {
        "current": "accounts.password_wrong",
        "new": "accounts.password_short",
        "repeated": "accounts.password_mismatch",
    }
    new = "de kat slaapt op de wasmachine"
    change_password(
        db, coach_id=coach.id, current="Geheim-wachtwoord-1", new=new, repeated=new, now=now
    )
    account = get_account(db, username=coach.username)
    assert account is not None and verify_password(new, account.password_hash)
    assert not verify_password("Geheim-wachtwoord-1", account.password_hash)
    assert cookie_revoked(account, expires=cookie_before, valid_days=days)
