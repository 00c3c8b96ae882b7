"""The message catalog: every coach-facing text, in Dutch (default) and English."""

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from db.models import Language

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
DEFAULT_LANGUAGE = Language.NL
LANGUAGES = tuple(Language)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(language: str) -> dict[str, str]:
    """All messages of one language, keyed by dotted name (`overview.title`)."""
    path = MESSAGES_DIR / f"{Language(language).value}.toml"
    with path.open("rb") as handle:
        return _flatten(tomllib.load(handle))


def translate(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The message `key` in `language`, with `{placeholders}` filled from `values`."""
    text = catalog(language).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        # Visible on screen rather than a crash; tests/core/test_i18n.py keeps this from shipping.
        return f"⟨{key}⟩"
    return text.format(**values) if values else text
