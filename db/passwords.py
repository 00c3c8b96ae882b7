"""bcrypt password hashes, in the format streamlit-authenticator checks against."""

import bcrypt


def hash_password(password: str) -> str:
    """A salted bcrypt hash of `password`."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches `password_hash`."""
    return bcrypt.checkpw(password.encode(), password_hash.encode())
