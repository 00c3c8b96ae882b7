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


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("nl", "over 1 traject.", "over 2 trajecten."),
        ("en", "over 1 trajectory.", "over 2 trajectories."),
    ],
)
def test_the_trends_readings_count_one_trajectory_in_the_singular(
    language: str, one: str, two: str
) -> None:
    reading = "trends.gain_reading"
    assert translate(reading, language, mean="1,5", median="1", count=1).endswith(one)
    assert translate(reading, language, mean="1,5", median="1", count=2).endswith(two)
    groups = translate("trends.promoters_n", language, count=1)
    assert translate("trends.nps_reading", language, score="100", count=1, groups=groups) in {
        "NPS 100 uit 1 antwoord: 1 promotor.",
        "NPS 100 from 1 answer: 1 promoter.",
    }


# Placeholders before a plural noun that are fixed numbers (a limit, a form's field count).
FIXED_NUMBERS = {
    ("validation.text_full", "max"),
    ("trends.lines_more", "shown"),
    ("trends.gain_more", "shown"),
    ("trends.protocol_intro", "min_n"),
    ("outbox.link_note", "days"),
    ("timeline.plan", "total"),
    ("timeline.checklist", "total"),
    ("closing.checklist_done", "total"),
}
PLURAL_NOUNS = {
    "nl": "trajecten sessies cliënten antwoorden resultaten promotors criticasters minuten "
    "mislukte dagen tekens velden punten mails",
    "en": "trajectories sessions clients answers results promoters passives detractors minutes "
    "failed days characters fields items mails",
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_number_before_a_plural_noun_is_a_count_with_its_singular(language: str) -> None:
    messages = catalog(language)
    nouns = "|".join(PLURAL_NOUNS[language].split())
    slips = [
        (key, name)
        for key, text in messages.items()
        for name in re.findall(rf"\{{(\w+)\}} (?:{nouns})\b", text)
        if name != "count" and (key, name) not in FIXED_NUMBERS
    ]
    assert slips == []  # "1 trajecten": give the message `count` and a `_one` form
    counted = [key for key, text in messages.items() if "{count}" in text]
    more_than_one = {"overview.show_all"}  # only under a list cut short
    singular = [f"{key}_one" for key in counted if not key.endswith("_one")]
    assert [key for key in singular if key not in messages] == [f"{k}_one" for k in more_than_one]
