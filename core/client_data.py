"""Client data in and out: CSV export and all-or-nothing import, AVG export and deletion."""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ForeignKey, Table, func, or_, select
from sqlalchemy.orm import Session

from core.clients import ClientRow, TrajectoryInput, add_client, own_client
from core.errors import ValidationError
from core.i18n import translate
from core.spreadsheet import csv_text, restore_cell
from core.timefmt import zone
from core.validation import (
    email_problem,
    name_problem,
    phone_problem,
    planned_sessions_problem,
    text_problem,
)
from db.engine import erase_from_disk_on_commit
from db.models import (
    Base,
    Client,
)

IMPORT_COLUMNS = (
    "naam",
    "email",
    "telefoon",
    "doel",
    "startdatum",
    "geplande_sessies",
    "intensief",
    "verwezen_door",
    "notities",
)
REQUIRED_COLUMNS = ("naam", "doel", "startdatum", "geplande_sessies")
# English headers are welcome too: a practice may keep its lists in English.
ALIASES = {
    "name": "naam",
    "phone": "telefoon",
    "goal": "doel",
    "start_date": "startdatum",
    "planned_sessions": "geplande_sessies",
    "intensive": "intensief",
    "referred_by": "verwezen_door",
    "notes": "notities",
}
MAX_IMPORT_ROWS = 5000
WHOLE_FILE = 0  # the line of a problem with the file as a whole
CLIENT_TABLE = Base.metadata.tables["client"]
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"nee", "n", "no", "0", "false", "onwaar", ""}


@dataclass(frozen=True)
class ImportProblem:
    """Why one line (or, at line `WHOLE_FILE`, the whole file) of an import was refused."""

    line: int
    column: str
    message_key: str


class ImportRefused(Exception):
    """The file was refused as a whole; nothing was imported."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def import_template() -> str:
    """An example import file with every column and one filled-in line."""
    example = (
        "Iris de Vries",
        "iris@example.org",
        "06-12345678",
        "Met meer rust leidinggeven",
        "2026-09-01",
        "8",
        "nee",
        "Via LinkedIn",
        "",
    )
    return csv_text([IMPORT_COLUMNS, example])


def export_clients_csv(rows: list[ClientRow], *, language: str, timezone: str) -> str:
    """The client list as CSV (UTF-8 with BOM for Excel), as the app shows it: statuses and
    flags in the coach's language, times in the coach's zone. It imports back as it is."""
    local = zone(timezone)
    header = (
        *IMPORT_COLUMNS[:6],
        "status",
        "sessies_gehouden",
        "startscore",
        "laatste_score",
        "volgende_sessie",
        "volgende_follow_up",
        "aandachtspunten",
    )
    lines = [
        (
            row.name,
            row.email or "",
            row.phone or "",
            row.goal or "",
            row.started_on.isoformat() if row.started_on else "",
            row.planned_sessions or "",
            translate(f"trajectory_status.{row.status.value}", language) if row.status else "",
            row.held_sessions,
            row.start_score or "",
            row.latest_score or "",
            f"{row.next_session_at.astimezone(local):%Y-%m-%d %H:%M}"
            if row.next_session_at
            else "",
            row.next_follow_up_on.isoformat() if row.next_follow_up_on else "",
            " | ".join(translate(f"readiness_short.{f.value}", language) for f in row.flags),
        )
        for row in rows
    ]
    return csv_text([header, *lines])


def _decode(data: bytes) -> str:
    """The file's text; ImportRefused for a file that is not text (a spreadsheet, an image)."""
    if b"\x00" in data:
        raise ImportRefused([ImportProblem(WHOLE_FILE, "", "import.not_text")])
    for encoding in ("utf-8-sig", "cp1252"):  # cp1252: an older Excel "CSV" on Windows
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused([ImportProblem(WHOLE_FILE, "", "import.bad_encoding")])


def _parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _row_input(
    line: int, row: dict[str, str], referrers: dict[str, int]
) -> tuple[dict[str, Any], list[ImportProblem]]:
    problems: list[ImportProblem] = []

    def check(column: str, key: str | None) -> None:
        if key:
            problems.append(ImportProblem(line, column, key))

    check("naam", name_problem(row.get("naam", "")))
    check("email", email_problem(row.get("email", "")))
    check("doel", text_problem(row.get("doel", ""), required=True))
    check("notities", text_problem(row.get("notities", "")))
    check("telefoon", phone_problem(row.get("telefoon", "")))
    started = _parse_date(row.get("startdatum", ""))
    check("startdatum", None if started else "import.bad_date")
    planned_text = row.get("geplande_sessies", "").strip()
    planned = int(planned_text) if planned_text.isdigit() else 0
    check("geplande_sessies", planned_sessions_problem(planned))
    intensive_text = row.get("intensief", "").strip().lower()
    check("intensief", None if intensive_text in YES | NO else "import.bad_yes_no")
    referral = row.get("verwezen_door", "").strip()
    check("verwezen_door", "validation.text_long" if len(referral) > 200 else None)
    values = {
        "name": row.get("naam", ""),
        "email": row.get("email", ""),
        "phone": row.get("telefoon", ""),
        "notes": row.get("notities", ""),
        "trajectory": TrajectoryInput(
            goal=row.get("doel", ""),
            started_on=started or date.min,
            planned_sessions=planned,
            intensive=intensive_text in YES,
            # A referrer who is already a client is linked; anything else is kept as text.
            referred_by_client_id=referrers.get(referral.casefold()),
            referral_source="" if referral.casefold() in referrers else referral,
        ),
    }
    return values, problems


def _readable(reader: "csv.DictReader[str]") -> Iterator[dict[str, str]]:
    """The rows; a line the csv module can't read (a field over its 131,072-character limit,
    a stray quote) refuses the file with its line number."""
    try:
        yield from reader
    except csv.Error as unreadable:
        # The line being read is not counted yet.
        line = reader.line_num + 1
        raise ImportRefused([ImportProblem(line, "", "import.bad_csv")]) from unreadable


def import_clients_csv(session: Session, *, coach_id: int, data: bytes) -> int:
    """Add every client in the CSV, or none: any bad line raises ImportRefused. Returns a count."""
    reader_text = _decode(data)
    first_line = reader_text.splitlines()[0] if reader_text.strip() else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(reader_text), delimiter=delimiter)
    try:
        names = reader.fieldnames or []
    except csv.Error as unreadable:
        raise ImportRefused([ImportProblem(1, "", "import.bad_csv")]) from unreadable
    headers = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in names]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ImportRefused([ImportProblem(1, c, "import.missing_column") for c in missing])
    reader.fieldnames = headers
    referrers = {
        name.casefold(): client_id
        for client_id, name in session.execute(
            select(Client.id, Client.name).where(Client.coach_id == coach_id)
        )
    }
    taken = {
        email.lower()
        for email in session.scalars(
            select(func.lower(Client.email)).where(
                Client.coach_id == coach_id, Client.email.is_not(None)
            )
        )
    }
    parsed: list[tuple[int, dict[str, Any]]] = []
    problems: list[ImportProblem] = []
    for row in _readable(reader):
        line = reader.line_num
        if len(parsed) >= MAX_IMPORT_ROWS:
            problems.append(ImportProblem(line, "", "import.too_many_rows"))
            break
        cleaned = {k: restore_cell(v or "").strip() for k, v in row.items() if k}
        if not any(cleaned.values()):
            continue  # a blank line, as spreadsheets like to add at the end
        values, row_problems = _row_input(line, cleaned, referrers)
        email = cleaned.get("email", "").lower()
        if email:
            if email in taken:
                row_problems.append(ImportProblem(line, "email", "validation.email_taken"))
            taken.add(email)
        problems += row_problems
        parsed.append((line, values))
    if problems:
        raise ImportRefused(problems)
    if not parsed:
        raise ImportRefused([ImportProblem(WHOLE_FILE, "", "import.empty")])
    for line, values in parsed:
        try:
            add_client(session, coach_id=coach_id, **values)
        except ValidationError as invalid:
            # The caller rolls the transaction back: the lines added before are undone too.
            refused = [ImportProblem(line, field, key) for field, key in invalid.errors.items()]
            raise ImportRefused(refused) from invalid
    return len(parsed)


def client_tables() -> list[Table]:
    """Every table whose rows are a client's: reached from `client` by foreign keys that erase
    with it (ON DELETE CASCADE), parents before children. The AVG export is built from it."""
    owned = [CLIENT_TABLE]
    for table in Base.metadata.sorted_tables:  # sorted: a table after those it refers to
        if table not in owned and _owning_keys(table, owned):
            owned.append(table)
    return owned


def _owning_keys(table: Table, owned: list[Table]) -> list[ForeignKey]:
    return [
        fk for fk in table.foreign_keys if fk.ondelete == "CASCADE" and fk.column.table in owned
    ]


def _client_rows(session: Session, client_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every stored row about one client, per table (no scope check: callers check it)."""
    tables = client_tables()
    found: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        if table is CLIENT_TABLE:
            condition = table.c.id == client_id
        else:
            condition = or_(
                *(
                    fk.parent.in_([row[fk.column.name] for row in found[fk.column.table.name]])
                    for fk in _owning_keys(table, tables)
                )
            )
        query = select(table).where(condition).order_by(*table.primary_key.columns)
        found[table.name] = [dict(row) for row in session.execute(query).mappings()]
    return found


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value.value if isinstance(value, Enum) else value


def export_client_data(session: Session, *, coach_id: int, client_id: int) -> bytes:
    """Everything stored about one client (AVG inzage): a zip with JSON and a CSV per table."""
    own_client(session, coach_id=coach_id, client_id=client_id)
    plain = {
        name: [{column: _plain(value) for column, value in row.items()} for row in rows]
        for name, rows in _client_rows(session, client_id).items()
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("client.json", json.dumps(plain, ensure_ascii=False, indent=2))
        for name, rows in plain.items():
            columns = [column.name for column in Base.metadata.tables[name].columns]
            cells = [[_cell(row[column]) for column in columns] for row in rows]
            archive.writestr(f"{name}.csv", csv_text([columns, *cells]))
    return buffer.getvalue()


def _cell(value: object) -> object:
    """A CSV cell: a stored JSON answer set as its JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def delete_client(session: Session, *, coach_id: int, client_id: int, confirm_name: str) -> None:
    """Remove a client and everything linked, once the coach has typed the client's name."""
    client = own_client(session, coach_id=coach_id, client_id=client_id)
    if confirm_name.strip() != client.name:
        raise ValidationError({"confirm_name": "clients.delete_name_mismatch"})
    session.delete(client)
    session.flush()
    erase_from_disk_on_commit(session)
