"""Search without accents or case: "zoe" finds Zoë, "ozturk" finds Öztürk, on both databases."""

import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

SQLITE_FUNCTION = "afronding_fold"
# The letters with accents a Dutch practice meets in names, both cases.
_ACCENTED = "àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöōőùúûüūůűųýÿžźżšśşřťţľĺğ"
_ACCENTED += _ACCENTED.upper()


def fold(text: str) -> str:
    """`text` as a search compares it: accents off, lower case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_PLAIN = "".join(fold(c) for c in _ACCENTED)
assert len(_PLAIN) == len(_ACCENTED)  # one plain letter for each accented one


class folded(GenericFunction[str]):
    """A column as a search compares it (see `fold`), computed by the database."""

    type = String()
    inherit_cache = True


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    # A Python function registered on every SQLite connection (db.engine).
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    # translate() is built in (unaccent is an extension a host may not allow).
    column = compiler.process(element.clauses, **kw)
    return f"lower(translate({column}, '{_ACCENTED}', '{_PLAIN}'))"
