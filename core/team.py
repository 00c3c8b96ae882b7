"""De praktijk: a practice owner invites coaches, resets a forgotten password, and
deactivates a coach who leaves (their clients and figures stay with the practice).

Invitations and resets are one-use links that expire; only the token's SHA-256 is stored.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.accounts import (
    USERNAME_PATTERN,
    CoachAccount,
    account_of,
    password_problem,
)
from core.client_forms import token_hash
from core.errors import NotFound, ValidationError, save_unique
from core.validation import EMAIL_PATTERN
from db.models import AccountLink, AccountLinkKind, Coach, LoginFailure, Role
from db.passwords import hash_password

TOKEN_BYTES = 32
LINK_DAYS = {AccountLinkKind.INVITE: 7, AccountLinkKind.RESET: 1}
ACCOUNT_PAGE = "/account"


@dataclass(frozen=True)
class PracticeCoach:
    """A coach of the practice as the owner's overview lists them."""

    coach_id: int
    username: str
    display_name: str
    email: str
    role: Role
    active: bool


@dataclass(frozen=True)
class PendingInvite:
    """An invitation that was not used yet."""

    link_id: int
    display_name: str
    email: str
    expires_at: datetime


@dataclass(frozen=True)
class NewAccountLink:
    """A link just made: the token is shown once and never stored."""

    token: str
    expires_at: datetime


@dataclass(frozen=True)
class OpenAccountLink:
    """What the link's page shows: whom it is for, and what it does."""

    kind: AccountLinkKind
    display_name: str
    username: str | None  # the account a reset is for


def account_link_url(base: str, token: str) -> str:
    """The address of the account page for `token`, on the app at `base`."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme or "http", parts.netloc, ACCOUNT_PAGE, f"t={token}", ""))


def _owner(session: Session, coach_id: int) -> Coach:
    """The practice owner making a change; NotFound for anyone else."""
    owner = session.get(Coach, coach_id)
    if owner is None or owner.role is not Role.OWNER or owner.practice_id is None:
        raise NotFound("owner")
    return owner


def _member(session: Session, owner: Coach, username: str) -> Coach:
    member = session.scalar(
        select(Coach).where(
            Coach.username == username.strip().lower(), Coach.practice_id == owner.practice_id
        )
    )
    if member is None:
        raise NotFound("coach")
    return member


def list_practice_coaches(session: Session, *, coach_id: int) -> list[PracticeCoach]:
    """Every coach of the owner's practice, active first, by name."""
    owner = _owner(session, coach_id)
    rows = session.scalars(
        select(Coach)
        .where(Coach.practice_id == owner.practice_id)
        .order_by(Coach.active.desc(), Coach.display_name)
    )
    return [
        PracticeCoach(c.id, c.username, c.display_name, c.email, c.role, c.active) for c in rows
    ]


def list_pending_invites(session: Session, *, coach_id: int, now: datetime) -> list[PendingInvite]:
    """The practice's invitations that are still open."""
    owner = _owner(session, coach_id)
    rows = session.scalars(
        select(AccountLink)
        .where(
            AccountLink.practice_id == owner.practice_id,
            AccountLink.kind == AccountLinkKind.INVITE,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > now,
        )
        .order_by(AccountLink.created_at)
    )
    return [PendingInvite(r.id, r.display_name, r.email, r.expires_at) for r in rows]


def _new_link(
    session: Session,
    owner: Coach,
    kind: AccountLinkKind,
    *,
    display_name: str,
    email: str,
    now: datetime,
    coach_id: int | None = None,
) -> NewAccountLink:
    """Store a link of `kind` made by `owner`; its token is returned once, only its hash kept."""
    assert owner.practice_id is not None  # checked by _owner
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = AccountLink(
        practice_id=owner.practice_id,
        kind=kind,
        coach_id=coach_id,
        display_name=display_name,
        email=email,
        token_hash=token_hash(token),
        created_by=owner.id,
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS[kind]),
    )
    session.add(link)
    session.flush()
    return NewAccountLink(token, link.expires_at)


def invite_coach(
    session: Session, *, coach_id: int, display_name: str, email: str, now: datetime
) -> NewAccountLink:
    """A one-use invitation to join the owner's practice as a coach, valid for 7 days."""
    owner = _owner(session, coach_id)
    errors = {}
    if not display_name.strip() or len(display_name) > 120:
        errors["display_name"] = "accounts.name_invalid"
    if not EMAIL_PATTERN.match(email.strip()):
        errors["email"] = "accounts.email_invalid"
    if errors:
        raise ValidationError(errors)
    return _new_link(
        session,
        owner,
        AccountLinkKind.INVITE,
        display_name=display_name.strip(),
        email=email.strip(),
        now=now,
    )


def reset_password_link(
    session: Session, *, coach_id: int, username: str, now: datetime
) -> NewAccountLink:
    """A one-use link for a coach of the practice to choose a new password, valid for a day;
    an earlier reset link for that coach stops working."""
    owner = _owner(session, coach_id)
    member = _member(session, owner, username)
    if not member.active:
        raise ValidationError({"username": "team.inactive"})
    session.execute(
        update(AccountLink)
        .where(
            AccountLink.coach_id == member.id,
            AccountLink.kind == AccountLinkKind.RESET,
            AccountLink.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return _new_link(
        session,
        owner,
        AccountLinkKind.RESET,
        display_name=member.display_name,
        email=member.email,
        now=now,
        coach_id=member.id,
    )


def _live_link(session: Session, token: str, now: datetime) -> AccountLink | None:
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    if link.kind is AccountLinkKind.RESET:
        coach = session.get(Coach, link.coach_id) if link.coach_id else None
        if coach is None or not coach.active:
            return None
    return link


def open_account_link(session: Session, *, token: str, now: datetime) -> OpenAccountLink | None:
    """What a link is for, or None when it doesn't work (unknown, used, expired)."""
    link = _live_link(session, token, now)
    if link is None:
        return None
    username = session.get_one(Coach, link.coach_id).username if link.coach_id else None
    return OpenAccountLink(link.kind, link.display_name, username)


def use_account_link(
    session: Session,
    *,
    token: str,
    username: str,
    password: str,
    repeated: str,
    now: datetime,
) -> CoachAccount | None:
    """Join the practice (an invitation: with `username`) or set a new password (a reset,
    which ends every session of that coach and lifts a lock). None when the link is dead."""
    link = _live_link(session, token, now)
    if link is None:
        return None
    is_invite = link.kind is AccountLinkKind.INVITE
    coach = None if is_invite else session.get_one(Coach, link.coach_id)
    name = username.strip().lower() if is_invite else (coach.username if coach else "")
    errors: dict[str, str] = {}
    if is_invite and not USERNAME_PATTERN.match(name):
        errors["username"] = "accounts.username_invalid"
    if problem := password_problem(password, username=name):
        errors["password"] = problem
    if password != repeated:
        errors["repeated"] = "accounts.password_mismatch"
    if errors:
        raise ValidationError(errors)
    if coach is None:
        coach = Coach(
            username=name,
            display_name=link.display_name,
            email=link.email,
            password_hash=hash_password(password),
            role=Role.COACH,
            practice_id=link.practice_id,
        )
        taken = {"username": "accounts.username_taken"}
        if session.scalar(select(Coach.id).where(Coach.username == name)) is not None:
            raise ValidationError(taken)
        save_unique(session, lambda: session.add(coach), lambda: taken)
        link.coach_id = coach.id
    else:
        coach.password_hash = hash_password(password)
        coach.logged_out_at = now
        session.execute(delete(LoginFailure).where(LoginFailure.username == coach.username))
    link.used_at = now
    session.flush()
    return account_of(coach)


def set_coach_active(
    session: Session, *, coach_id: int, username: str, active: bool, now: datetime
) -> None:
    """Deactivate a coach of the practice (every login of theirs ends at once) or let them
    back in. Their clients stay; an owner can't lock themselves out."""
    owner = _owner(session, coach_id)
    member = _member(session, owner, username)
    if member.id == owner.id:
        raise ValidationError({"username": "team.not_yourself"})
    member.active = active
    if not active:
        member.logged_out_at = now
        # A reset link made before stays dead, also once the coach is let back in.
        session.execute(
            update(AccountLink)
            .where(AccountLink.coach_id == member.id, AccountLink.used_at.is_(None))
            .values(used_at=now)
        )
    session.flush()
