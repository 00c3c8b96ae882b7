"""CSV for spreadsheets: semicolons and a BOM for Excel, and no cell that runs as a formula."""

import csv
import io
from collections.abc import Iterable

import pandas as pd

from core.i18n import catalog, translate
from core.timefmt import zone

# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula, with a leading quote so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """A cell as it was before `safe_cell`, so an export imports back as it is."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text for Excel with Dutch settings, every text cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return BYTE_ORDER_MARK + buffer.getvalue()


def frame_csv(frame: pd.DataFrame, decimal: str = ".") -> str:
    """A table of figures as CSV, its text cells made safe like every other export."""
    safe = frame.apply(lambda column: column.map(safe_cell) if _text(column) else column)
    csv_text = safe.to_csv(index=False, sep=";", lineterminator="\r\n", decimal=decimal)
    return BYTE_ORDER_MARK + str(csv_text)


# Columns holding a stored code, and the catalog section that says it in words.
CODE_SECTIONS = {"kind": "score_kind", "status": "trajectory_status", "source": "source"}


def figures_csv(frame: pd.DataFrame, *, language: str, timezone: str) -> str:
    """A chart's data as CSV for a spreadsheet in the coach's language: headings and codes
    in words, moments in the coach's zone, decimals rounded and written as the language
    writes them (3,25 in Dutch)."""
    shown = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in CODE_SECTIONS:
            words = {v: translate(f"{CODE_SECTIONS[column]}.{v}", language) for v in set(values)}
            values = values.map(words)
        elif isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert(zone(timezone)).dt.strftime("%Y-%m-%d %H:%M")
        elif pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(values):
            values = values.round(2)
        # A table the page already wrote in the coach's words keeps its headings.
        heading = f"csv.{column}"
        shown[translate(heading, language) if heading in catalog(language) else column] = values
    return frame_csv(shown, decimal="," if language == "nl" else ".")


def _text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)
