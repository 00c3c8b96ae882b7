"""Coach accounts: login data for the authenticator, creation, preferences."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from core.errors import ValidationError, save_unique
from core.timefmt import is_valid_timezone
from core.validation import EMAIL_PATTERN
from db.demo import DEMO_USERNAME
from db.models import Coach, Language, Practice, Role
from db.passwords import MAX_BYTES as MAX_PASSWORD_BYTES
from db.passwords import hash_password, verify_password

# zxcvbn's estimate from 0 to 4; 3 is "safely unguessable" against an attack on the server.
MIN_STRENGTH = 3
NOT_LETTERS = "0123456789 !@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~"
# What Dutch people use most, next to the international list (which is mostly English).
DUTCH_COMMON = frozenset(
    {
        "wachtwoord",
        "welkom",
        "welkom01",
        "geheim",
        "voetbal",
        "ajax",
        "feyenoord",
        "psv",
        "amsterdam",
        "rotterdam",
        "nederland",
        "holland",
        "liefde",
        "schatje",
        "coaching",
        "afronding",
        "zomer",
        "winter",
        "voorjaar",
        "najaar",
        "januari",
        "december",
        "maandag",
        "vrijdag",
    }
)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


@dataclass(frozen=True)
class CoachAccount:
    """The logged-in coach: who, in which language and time zone, with which role."""

    id: int
    username: str
    display_name: str
    email: str
    role: Role
    timezone: str
    language: Language
    practice_id: int | None
    password_hash: str
    logged_out_at: datetime | None
    session_minutes: int = 60  # how long an ordinary session usually lasts
    two_factor: bool = False  # logs in with a code from an authenticator app too
    two_factor_required: bool = False  # by the practice: set it up before anything else

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0]


def account_of(coach: Coach) -> CoachAccount:
    """The account data the app keeps for a logged-in coach."""
    return CoachAccount(
        id=coach.id,
        username=coach.username,
        display_name=coach.display_name,
        email=coach.email,
        role=coach.role,
        timezone=coach.timezone,
        language=coach.language,
        practice_id=coach.practice_id,
        password_hash=coach.password_hash,
        logged_out_at=coach.logged_out_at,
        session_minutes=coach.session_minutes,
        two_factor=coach.totp_secret is not None,
        two_factor_required=bool(coach.practice and coach.practice.requires_two_factor),
    )


def _can_log_in(demo_mode: bool) -> ColumnElement[bool]:
    # The demo account's password is public: outside demo mode it opens nothing. A coach the
    # practice deactivated never logs in.
    active = Coach.active.is_(True)
    return active if demo_mode else and_(active, Coach.username != DEMO_USERNAME)


def list_login_accounts(session: Session, *, demo_mode: bool) -> list[CoachAccount]:
    """Every account that may log in, for the login form to check a password against."""
    query = select(Coach).where(_can_log_in(demo_mode)).order_by(Coach.username)
    return [account_of(c) for c in session.scalars(query)]


def get_account(session: Session, *, username: str, demo_mode: bool = False) -> CoachAccount | None:
    """The account with `username` that may log in, or None."""
    coach = session.scalar(
        select(Coach).where(Coach.username == username.strip().lower(), _can_log_in(demo_mode))
    )
    return account_of(coach) if coach else None


def password_problem(password: str, *, username: str = "") -> str | None:
    """A message key when `password` is not fit to protect client data, else None: at least
    10 characters, no space at either end, not one of the passwords attackers try first."""
    if password != password.strip():
        return "accounts.password_spaces"
    if len(password) < 10:
        return "accounts.password_short"
    if len(password.encode()) > MAX_PASSWORD_BYTES:  # bcrypt reads no further
        return "accounts.password_long"
    lowered = password.lower()
    base = lowered.strip(NOT_LETTERS)  # "Welkom2024!" is "welkom" with a year
    if lowered in _common_passwords() or (len(base) >= 4 and base in _common_passwords()):
        return "accounts.password_common"
    # The username, also without the digits a practice adds ("kompasroos02" → "kompasroos").
    names = {username.lower(), username.lower().rstrip("0123456789")}
    if any(len(name) >= 4 and name in lowered for name in names):
        return "accounts.password_username"
    # Repeats, runs and keyboard rows ("aaaaaaaaaa", "abcdefghij", "passwordpassword").
    if zxcvbn(password, user_inputs=[username])["score"] < MIN_STRENGTH:
        return "accounts.password_guessable"
    return None


@cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list) and the Dutch words used most."""
    return frozenset(FREQUENCY_LISTS["passwords"]) | DUTCH_COMMON


def _username_problem(session: Session, username: str) -> dict[str, str]:
    taken = session.scalar(select(Coach.id).where(Coach.username == username)) is not None
    return {"username": "accounts.username_taken"} if taken else {}


def create_coach(
    session: Session,
    *,
    username: str,
    display_name: str,
    email: str,
    password: str,
    role: Role = Role.COACH,
    practice_name: str | None = None,
) -> CoachAccount:
    """A new coach account; the practice is joined, or created when it doesn't exist yet."""
    username = username.strip().lower()
    errors: dict[str, str] = {}
    if not USERNAME_PATTERN.match(username):
        errors["username"] = "accounts.username_invalid"
    else:
        errors |= _username_problem(session, username)
    if not display_name.strip() or len(display_name) > 120:
        errors["display_name"] = "accounts.name_invalid"
    if not EMAIL_PATTERN.match(email.strip()):
        errors["email"] = "accounts.email_invalid"
    if problem := password_problem(password, username=username):
        errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    practice = None
    if practice_name:
        practice = session.scalar(select(Practice).where(Practice.name == practice_name.strip()))
        practice = practice or Practice(name=practice_name.strip())
    coach = Coach(
        username=username,
        display_name=display_name.strip(),
        email=email.strip(),
        password_hash=hash_password(password),
        role=role,
    )

    def join() -> None:  # linked in the savepoint: a pending link would be flushed before it
        coach.practice = practice
        session.add(coach)

    save_unique(session, join, lambda: _username_problem(session, username))
    return account_of(coach)


def update_preferences(
    session: Session,
    *,
    coach_id: int,
    display_name: str,
    language: Language,
    timezone: str,
    session_minutes: int | None = None,
) -> CoachAccount:
    """Save the coach's name, language, time zone and (when given) usual session length."""
    errors: dict[str, str] = {}
    if not display_name.strip() or len(display_name) > 120:
        errors["display_name"] = "accounts.name_invalid"
    if not is_valid_timezone(timezone):
        errors["timezone"] = "accounts.timezone_invalid"
    if session_minutes is not None and not 15 <= session_minutes <= 240:
        errors["session_minutes"] = "accounts.session_minutes_range"
    if errors:
        raise ValidationError(errors)
    coach = session.get_one(Coach, coach_id)
    coach.display_name = display_name.strip()
    coach.language = Language(language)
    coach.timezone = timezone
    if session_minutes is not None:
        coach.session_minutes = session_minutes
    session.flush()
    return account_of(coach)


def change_password(
    session: Session, *, coach_id: int, current: str, new: str, repeated: str, now: datetime
) -> None:
    """A new password for the coach, after the current one; every other session and every
    login cookie issued until `now` stops working (the caller renews its own)."""
    coach = session.get_one(Coach, coach_id)
    errors: dict[str, str] = {}
    if not verify_password(current, coach.password_hash):
        errors["current"] = "accounts.password_wrong"
    if problem := password_problem(new, username=coach.username):
        errors["new"] = problem
    elif new == current:
        errors["new"] = "accounts.password_same"
    if new != repeated:
        errors["repeated"] = "accounts.password_mismatch"
    if errors:
        raise ValidationError(errors)
    coach.password_hash = hash_password(new)
    coach.logged_out_at = now
    session.flush()


def record_logout(session: Session, *, coach_id: int, now: datetime) -> None:
    """Remember when the coach logged out: login cookies issued before then stop working."""
    session.get_one(Coach, coach_id).logged_out_at = now
    session.flush()


def cookie_revoked(account: CoachAccount, *, expires: float, valid_days: float) -> bool:
    """True when a login cookie expiring at `expires` was issued before the last logout."""
    if account.logged_out_at is None:
        return False
    issued = datetime.fromtimestamp(expires, UTC) - timedelta(days=valid_days)
    return issued <= account.logged_out_at
