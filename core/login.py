"""Inloggen: password checks that slow down guessing, the same for every replica.

Failures are counted per username (as typed, known or not) and per client address over the
last hour. From the 5th failure each next try waits longer (2, 4, 8, 16, 32 s); from the 10th
the username or address is locked for 15 minutes after its latest failure. Unknown usernames
get the same answers and take as long as known ones, so a login tells nobody who has an
account. A practice owner can lift a lock for a coach of the practice.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.accounts import CoachAccount, get_account
from core.errors import NotFound
from core.two_factor import check_second_step
from db.models import Coach, LoginFailure, Role
from db.passwords import verify_password

WINDOW = timedelta(hours=1)  # failures older than this are forgotten
SLOW_AFTER = 5  # failures before each next try has to wait
LOCK_AFTER = 10  # failures that lock the username or address
LOCK = timedelta(minutes=15)
# Checked when the username is unknown, so that answer takes as long as a wrong password.
# Made once, with the cost factor of every new hash (a test holds that): making it at import
# cost every app start a quarter second before the login page could show.
DUMMY_HASH = "$2b$12$SpOooHrFVzqMUlvH6Ddp6O2ZdFppB1uhAVBN2lKvtRZFZs2oGBOF."


@dataclass(frozen=True)
class LoginAnswer:
    """The account, or why not: `refusal` is the login form's message key, `amount` the
    seconds to wait (login.wait) or minutes left of a lock (login.locked)."""

    account: CoachAccount | None
    refusal: str = ""
    amount: int = 0
    second_step: str = ""  # the password was right: this username still needs its code


@dataclass(frozen=True)
class LockedLogin:
    """A coach of the practice whose login is locked by failed attempts."""

    username: str
    display_name: str
    failures: int
    until: datetime


def _normal(username: str) -> str:
    return username.strip().lower()[:120]


def _failures(
    session: Session, column: InstrumentedAttribute[str], value: str, now: datetime
) -> list[datetime]:
    rows = session.scalars(
        select(LoginFailure.failed_at)
        .where(column == value, LoginFailure.failed_at > now - WINDOW)
        .order_by(LoginFailure.failed_at.desc())
    )
    return list(rows)


@dataclass(frozen=True)
class Hold:
    """What `failures` (newest first) impose on the next try: nothing, a wait, or a lock."""

    wait: timedelta
    locked: bool


def _hold(failures: list[datetime], now: datetime) -> Hold:
    if len(failures) < SLOW_AFTER:
        return Hold(timedelta(0), locked=False)
    locked = len(failures) >= LOCK_AFTER
    pause = LOCK if locked else timedelta(seconds=2 ** (len(failures) - SLOW_AFTER + 1))
    left = failures[0] + pause - now
    return Hold(max(timedelta(0), left), locked=locked and left > timedelta(0))


def log_in(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    now: datetime,
    demo_mode: bool,
) -> LoginAnswer:
    """The account when `password` is right and no lock or wait holds; else the refusal.
    A wrong password is remembered (the caller commits it)."""
    answer = check_password(
        session,
        username=username,
        password=password,
        address=address,
        now=now,
        demo_mode=demo_mode,
    )
    settle_login(session, answer=answer, username=username, address=address, now=now)
    return answer


def check_password(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    now: datetime,
    demo_mode: bool,
) -> LoginAnswer:
    """`log_in` without writing: run it in a read transaction, so the slow password check
    holds no write lock (on SQLite one at a time), then `settle_login` in a short write."""
    name, address = _normal(username), address[:64]
    if held := login_hold(session, name, address, now):
        return held
    account = get_account(session, username=name, demo_mode=demo_mode) if name else None
    right = verify_password(password, account.password_hash if account else DUMMY_HASH)
    if account is not None and right:
        return LoginAnswer(None, second_step=name) if account.two_factor else LoginAnswer(account)
    return LoginAnswer(None, "login.failed")


def settle_login(
    session: Session, *, answer: LoginAnswer, username: str, address: str, now: datetime
) -> None:
    """Record what a password check found: a wrong password counts as a failure, a login
    forgets the username's failures (a second step still to come changes nothing yet)."""
    name = _normal(username)
    if answer.refusal == "login.failed":
        record_failure(session, name, address[:64], now)
    elif answer.account is not None:
        session.execute(delete(LoginFailure).where(LoginFailure.username == name))


def log_in_second_step(
    session: Session, *, username: str, code: str, address: str, now: datetime, demo_mode: bool
) -> LoginAnswer:
    """The account when `code` (from the app, or a recovery code) is right for a coach whose
    password was just right; a wrong code counts as a failed login."""
    name, address = _normal(username), address[:64]
    if held := login_hold(session, name, address, now):
        return held
    account = get_account(session, username=name, demo_mode=demo_mode)
    coach = session.get(Coach, account.id) if account else None
    if (
        account is None
        or coach is None
        or not check_second_step(session, coach=coach, code=code, now=now)
    ):
        return record_failure(session, name, address, now, "login.code_wrong")
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    return LoginAnswer(account)


def login_hold(session: Session, name: str, address: str, now: datetime) -> LoginAnswer | None:
    """The refusal while a lock or a wait holds for the username or the address."""
    holds = [_hold(_failures(session, LoginFailure.username, name, now), now)]
    if address:
        holds.append(_hold(_failures(session, LoginFailure.address, address, now), now))
    if locks := [h.wait for h in holds if h.locked]:
        return LoginAnswer(None, "login.locked", minutes_left(max(locks)))
    if (wait := max(h.wait for h in holds)) > timedelta(0):
        return LoginAnswer(None, "login.wait", math.ceil(wait.total_seconds()))
    return None


def record_failure(
    session: Session, name: str, address: str, now: datetime, key: str = "login.failed"
) -> LoginAnswer:
    """Remember a failure (and forget the ones too old to count): a wrong password or code,
    also one typed by a logged-in coach (current password, turning two-step off)."""
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - WINDOW))
    session.add(LoginFailure(username=name, address=address, failed_at=now))
    session.flush()
    return LoginAnswer(None, key)


def client_address(ip: str | None, forwarded_for: str | None, *, behind_proxy: bool) -> str:
    """The address failures are counted for: the visitor's own, or "" when it is unknown
    (a visit from this machine, without a proxy in front)."""
    if behind_proxy and forwarded_for:
        return forwarded_for.split(",")[-1].strip()[:64]
    return (ip or "")[:64]


def minutes_left(wait: timedelta) -> int:
    """A lock's remaining time in whole minutes, rounded up (at least 1)."""
    return max(1, math.ceil(wait.total_seconds() / 60))


def list_locked_logins(session: Session, *, coach_id: int, now: datetime) -> list[LockedLogin]:
    """For a practice owner: the practice's coaches whose login is locked right now."""
    owner = session.get(Coach, coach_id)
    if owner is None or owner.role is not Role.OWNER or owner.practice_id is None:
        return []
    rows = session.execute(
        select(Coach.username, Coach.display_name, func.count(), func.max(LoginFailure.failed_at))
        .join(LoginFailure, LoginFailure.username == Coach.username)
        .where(Coach.practice_id == owner.practice_id, LoginFailure.failed_at > now - WINDOW)
        .group_by(Coach.username, Coach.display_name)
        .having(func.count() >= LOCK_AFTER)
        .order_by(Coach.username)
    )
    locked = [LockedLogin(u, d, n, last + LOCK) for u, d, n, last in rows]
    return [item for item in locked if item.until > now]


def unlock_login(session: Session, *, coach_id: int, username: str) -> None:
    """A practice owner lifts the lock on a coach of the practice (their failures are gone)."""
    owner = session.get(Coach, coach_id)
    target = session.scalar(select(Coach).where(Coach.username == _normal(username)))
    if (
        owner is None
        or target is None
        or owner.role is not Role.OWNER
        or owner.practice_id is None
        or target.practice_id != owner.practice_id
    ):
        raise NotFound("coach")
    # Only their own tries: an address's count also holds other usernames' (an attacker's).
    session.execute(delete(LoginFailure).where(LoginFailure.username == target.username))
    session.flush()
