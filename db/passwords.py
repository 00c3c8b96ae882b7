"""bcrypt password hashes, in the format streamlit-authenticator checks against."""

import bcrypt


def hash_password(password: str) -> str:
    """A salted bcrypt hash of `password`."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


# bcrypt reads 72 bytes at most; no password that long is ever accepted as a new one.
MAX_BYTES = 72


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches `password_hash`. A longer password than bcrypt reads is
    never right, and costs the same check (bcrypt refuses it rather than cut it)."""
    encoded = password.encode()
    right = bcrypt.checkpw(encoded[:MAX_BYTES], password_hash.encode())
    return right and len(encoded) <= MAX_BYTES
