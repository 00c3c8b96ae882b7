"""The message catalog is complete: both languages, every key the code uses, every enum."""

import ast
import re
import string
from enum import StrEnum
from pathlib import Path

import pytest

from core.i18n import catalog, translate
from db.models import FollowUpKind, Language, Role, SessionKind

ROOT = Path(__file__).parents[2]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_dutch_and_english_have_the_same_keys_and_placeholders() -> None:
    nl, en = catalog("nl"), catalog("en")
    assert set(nl) == set(en)
    for key in nl:
        assert _placeholders(nl[key]) == _placeholders(en[key]), key


def _literal_keys() -> set[str]:
    """Every string literal passed as the first argument to t() or translate()."""
    keys = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("core/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            first = node.args[0]
            if name in {"t", "translate"} and isinstance(first, ast.Constant):
                keys.add(str(first.value))
    return keys


def test_every_key_the_code_uses_exists() -> None:
    keys = _literal_keys()
    assert {"login.title", "overview.sessions_title", "settings.save"} <= keys  # the scan works
    assert keys - set(catalog("nl")) == set()


@pytest.mark.parametrize(
    ("prefix", "enum"),
    [
        ("session_kind", SessionKind),
        ("follow_up_kind", FollowUpKind),
        ("role", Role),
        ("language", Language),
    ],
)
def test_every_enum_value_has_a_label(prefix: str, enum: type[StrEnum]) -> None:
    for member in enum:
        assert f"{prefix}.{member.value}" in catalog("nl")


def test_a_missing_key_is_visible_instead_of_crashing() -> None:
    assert translate("no.such.key", "nl") == "⟨no.such.key⟩"


def test_placeholders_are_filled() -> None:
    assert translate("overview.greeting", "nl", name="Marieke") == "Goedemorgen, Marieke"
    assert translate("overview.greeting", "en", name="Marieke") == "Good morning, Marieke"


def test_no_english_slips_into_the_dutch_catalog() -> None:
    english = re.compile(r"\b(the|and|please|save|settings|client)\b", re.IGNORECASE)
    words = {k: re.sub(r"\{\w+\}", "", v) for k, v in catalog("nl").items()}  # not {client}
    slips = {k: v for k, v in words.items() if english.search(v)}
    assert slips == {}


@pytest.mark.parametrize(
    ("language", "one", "three"),
    [
        ("nl", "1 cliënt ingelezen.", "3 cliënten ingelezen."),
        ("en", "1 client imported.", "3 clients imported."),
    ],
)
def test_a_count_picks_the_plural_form_of_the_language(language: str, one: str, three: str) -> None:
    assert translate("clients.imported", language, count=1) == one
    assert translate("clients.imported", language, count=3) == three
    assert translate("clients.imported", language, count=0).startswith("0 ")  # zero is plural
    assert translate("overview.overdue_days", language, count=1).startswith("1 ")


def test_every_singular_form_has_its_plural_and_both_languages_have_it() -> None:
    for language in ("nl", "en"):
        singulars = [key for key in catalog(language) if key.endswith("_one")]
        assert len(singulars) >= 10
        assert all(key.removesuffix("_one") in catalog(language) for key in singulars)
