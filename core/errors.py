"""Errors the services raise for the pages to turn into a clear message."""


class DatabaseUnavailable(Exception):
    """The database could not be reached; nothing was written."""


class ValidationError(Exception):
    """Input was refused; `errors` maps each field to a message key for beside that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {key}" for field, key in errors.items()))
        self.errors = errors


class NotFound(Exception):
    """No such record for this coach: it doesn't exist, or belongs to someone else."""
