"""Tweestapsverificatie: a time-based code (TOTP) from the coach's authenticator app after the
password, with ten one-use recovery codes for a lost phone. A practice owner can require it.
"""

import hashlib
import secrets
from datetime import datetime
from functools import lru_cache

import pyotp
import segno
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationError
from db.models import Coach, Practice, RecoveryCode, Role

ISSUER = "Afronding"
RECOVERY_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to mistake: no 0/o, 1/l/i


def new_secret() -> str:
    """A fresh secret for the authenticator app (shown once as a QR code)."""
    return pyotp.random_base32()


def setup_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


@lru_cache(maxsize=16)  # drawn on every run of Instellingen while set-up waits: 20 ms each
def qr_data_uri(uri: str) -> str:
    """The QR code of `uri` as a PNG data URI, for an <img> with a text alternative."""
    return str(segno.make(uri, error="m").png_data_uri(scale=6, border=2))


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normal(code: str) -> str:
    return "".join(code.split()).lower()


def _totp_step(secret: str | None, last_step: int | None, code: str, now: datetime) -> int | None:
    """The 30-second step `code` belongs to (one step of clock drift either way), if it is
    right and newer than the last one used; else None."""
    if secret is None or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step - 1, step, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate if candidate > (last_step if last_step is not None else -1) else None
    return None


def check_second_step(session: Session, *, coach: Coach, code: str, now: datetime) -> bool:
    """True for a right, unused code from the app or an unused recovery code (now used)."""
    code = _normal(code)
    if (step := _totp_step(coach.totp_secret, coach.totp_last_step, code, now)) is not None:
        coach.totp_last_step = step
        session.flush()
        return True
    recovery = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.coach_id == coach.id,
            RecoveryCode.code_hash == _hash(code.replace("-", "")),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = now
    session.flush()
    return True


def _new_recovery_codes(session: Session, coach: Coach) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.coach_id == coach.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(10)]
    session.add_all(RecoveryCode(coach_id=coach.id, code_hash=_hash(c)) for c in codes)
    session.flush()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def enable_two_factor(
    session: Session, *, coach_id: int, secret: str, code: str, now: datetime
) -> list[str]:
    """Turn the second step on once the app's first code is right; returns the recovery
    codes (shown once, stored as hashes)."""
    coach = session.get_one(Coach, coach_id)
    if not _normal(code):
        raise ValidationError({"code": "validation.required"})
    step = _totp_step(secret, None, _normal(code), now)
    if step is None:
        raise ValidationError({"code": "two_factor.code_wrong"})
    coach.totp_secret, coach.totp_last_step = secret, step
    coach.logged_out_at = now  # a login from before, without a code, ends (the caller renews)
    return _new_recovery_codes(session, coach)


def disable_two_factor(session: Session, *, coach_id: int, code: str, now: datetime) -> None:
    """Turn the second step off with a current code (or a recovery code), unless the
    practice requires it."""
    coach = session.get_one(Coach, coach_id)
    if coach.practice is not None and coach.practice.requires_two_factor:
        raise ValidationError({"code": "two_factor.required_by_practice"})
    if not _normal(code):
        raise ValidationError({"code": "validation.required"})
    if not check_second_step(session, coach=coach, code=code, now=now):
        raise ValidationError({"code": "two_factor.code_wrong"})
    coach.totp_secret = coach.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.coach_id == coach.id))
    session.flush()


def recovery_codes_left(session: Session, *, coach_id: int) -> int:
    """How many recovery codes the coach has not used yet."""
    rows = session.scalars(
        select(RecoveryCode.id).where(
            RecoveryCode.coach_id == coach_id, RecoveryCode.used_at.is_(None)
        )
    )
    return len(list(rows))


def require_two_factor(session: Session, *, coach_id: int, required: bool) -> None:
    """A practice owner requires the second step of every coach of the practice (or not)."""
    owner = session.get(Coach, coach_id)
    if owner is None or owner.role is not Role.OWNER or owner.practice_id is None:
        raise NotFound("owner")
    session.get_one(Practice, owner.practice_id).requires_two_factor = required
    session.flush()
