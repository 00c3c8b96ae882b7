"""CSV for spreadsheets: semicolons and a BOM for Excel, and no cell that runs as a formula."""

import csv
import io
from collections.abc import Iterable

import pandas as pd

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


def frame_csv(frame: pd.DataFrame) -> str:
    """A table of figures as CSV, its text cells made safe like every other export."""
    safe = frame.apply(lambda column: column.map(safe_cell) if _text(column) else column)
    return BYTE_ORDER_MARK + str(safe.to_csv(index=False, sep=";", lineterminator="\r\n"))


def _text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)
