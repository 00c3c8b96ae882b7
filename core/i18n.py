"""The message catalog: every coach-facing text, in Dutch (default) and English."""

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale

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


@cache
def locale(language: str) -> Locale:
    """Babel's locale for an interface language: numbers, dates and plural rules."""
    return Locale.parse(Language(language).value)


def _plural_key(key: str, language: str, count: object) -> str:
    """`key_one` where the language's plural rule says "one" for `count` ("1 cliënt"), else
    `key` ("0 cliënten", "3 cliënten")."""
    if not isinstance(count, int) or isinstance(count, bool):
        return key
    singular = f"{key}_{locale(language).plural_form(count)}"
    return singular if singular in catalog(language) else key


def translate(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The message `key` in `language`, with `{placeholders}` filled from `values`; a
    `count` among them picks the plural form the catalog has for it (`key_one`)."""
    if "count" in values:
        key = _plural_key(key, language, values["count"])
    text = catalog(language).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        # Visible on screen rather than a crash; tests/core/test_i18n.py keeps this from shipping.
        return f"⟨{key}⟩"
    return text.format(**values) if values else text
