"""Errors the services raise for the pages to turn into a clear message."""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


class DatabaseUnavailable(Exception):
    """The database could not be reached; nothing was written."""


class ValidationError(Exception):
    """Input was refused; `errors` maps each field to a message key for beside that field,
    `values` fills a message's placeholders (the other client's name, a moment)."""

    def __init__(
        self, errors: dict[str, str], values: dict[str, dict[str, object]] | None = None
    ) -> None:
        super().__init__(", ".join(f"{field}: {key}" for field, key in errors.items()))
        self.errors = errors
        self.values = values or {}


class NotFound(Exception):
    """No such record for this coach: it doesn't exist, or belongs to someone else."""


def save_unique(
    session: Session, change: Callable[[], None], recheck: Callable[[], dict[str, str]]
) -> None:
    """Make `change` and flush it in a savepoint; when a unique constraint refuses it (another
    tab or replica saved the same value just after our check), raise the field message that
    `recheck` now finds. The change must happen in here: what is pending before is flushed
    outside the savepoint, where a refusal would end the whole transaction."""
    try:
        with session.begin_nested():
            change()
            session.flush()
    except IntegrityError:
        if errors := recheck():
            raise ValidationError(errors) from None
        raise
