"""CSV in and out, all or nothing; AVG export and deletion; the timeline."""

import csv
import io
import json
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Table, func, select, tuple_
from sqlalchemy.orm import Session

from core.client_data import (
    WHOLE_FILE,
    ImportRefused,
    client_tables,
    delete_client,
    export_client_data,
    export_clients_csv,
    import_clients_csv,
    import_template,
)
from core.clients import ClientRow, list_clients
from core.errors import NotFound, ValidationError
from core.i18n import translate
from core.spreadsheet import FORMULA_STARTS, frame_csv
from core.timeline import get_timeline, timeline_rows
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade_database
from db.models import Base, Client, CoachingSession, Trajectory, TrajectoryStatus
from tests.conftest import NOW, TODAY
from tests.factories import (
    a_client_in_every_table,
    add_plain_client,
    make_coach,
    make_practice,
    make_trajectory,
)

HEADER = "naam;email;telefoon;doel;startdatum;geplande_sessies;intensief;verwezen_door;notities\n"


def _clients(db: Session, coach_id: int) -> list[str]:
    return list(
        db.scalars(select(Client.name).where(Client.coach_id == coach_id).order_by(Client.name))
    )


def test_the_template_imports_as_it_is(db: Session) -> None:
    coach = make_coach(db)
    assert import_clients_csv(db, coach_id=coach.id, data=import_template().encode()) == 1
    assert _clients(db, coach.id) == ["Iris de Vries"]


def test_an_export_imports_back_for_another_coach(db: Session) -> None:
    source = make_practice(db, coaches=1, clients_each=12)[0]
    rows = list_clients(db, coach_id=source.id, now=NOW, today=TODAY)
    exported = export_clients_csv(rows, language="nl", timezone="Europe/Amsterdam")
    statuses = {line.split(";")[6] for line in exported.splitlines()[1:]}
    assert statuses <= {translate(f"trajectory_status.{s.value}", "nl") for s in TrajectoryStatus}
    planned = next(r for r in rows if r.next_session_at)
    assert planned.next_session_at is not None
    local = planned.next_session_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert f"{local:%Y-%m-%d %H:%M}" in exported  # in the coach's zone, as the app shows it
    other = make_coach(db, "ander")
    assert import_clients_csv(db, coach_id=other.id, data=exported.encode()) == 12
    again = list_clients(db, coach_id=other.id, now=NOW, today=TODAY)

    def key(r: ClientRow) -> tuple[object, ...]:
        return (r.name, r.email, r.phone, r.goal, r.started_on, r.planned_sessions)

    assert sorted(map(key, again)) == sorted(map(key, rows))


def test_one_bad_line_refuses_the_whole_file_with_line_numbers(db: Session) -> None:
    coach = make_coach(db)
    data = (
        HEADER
        + "Goed Mens;goed@example.org;;Rust;2026-09-01;8;nee;;\n"
        + ";geen-naam@example.org;;Rust;2026-09-01;8;;;\n"
        + "Slechte Datum;;;Rust;31-31-2026;8;;;\n"
        + "Dubbel;goed@example.org;;Rust;2026-09-01;0;misschien;;\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_clients_csv(db, coach_id=coach.id, data=data.encode())
    found = {(p.line, p.column, p.message_key) for p in refused.value.problems}
    assert found == {
        (3, "naam", "validation.name_empty"),
        (4, "startdatum", "import.bad_date"),
        (5, "geplande_sessies", "validation.planned_sessions"),
        (5, "intensief", "import.bad_yes_no"),
        (5, "email", "validation.email_taken"),
    }
    assert _clients(db, coach.id) == []


def test_commas_english_headers_and_a_known_referrer(db: Session) -> None:
    coach = make_coach(db)
    first = "name,email,goal,start_date,planned_sessions,referred_by\n"
    import_clients_csv(
        db, coach_id=coach.id, data=(first + "Anna,anna@example.org,Rust,01-09-2026,6,\n").encode()
    )
    import_clients_csv(
        db, coach_id=coach.id, data=(first + "Bas,,Focus,2026-10-01,8,anna\n").encode()
    )
    referred = db.scalar(
        select(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.name == "Bas")
    )
    assert referred is not None and referred.referred_by is not None
    assert referred.referred_by.name == "Anna"


def test_a_file_without_the_required_columns_is_refused(db: Session) -> None:
    coach = make_coach(db)
    with pytest.raises(ImportRefused) as refused:
        import_clients_csv(db, coach_id=coach.id, data=b"naam;email\nIris;\n")
    assert {p.column for p in refused.value.problems} == {"doel", "startdatum", "geplande_sessies"}


def _export(db: Session, coach_id: int, client_id: int) -> zipfile.ZipFile:
    data = export_client_data(db, coach_id=coach_id, client_id=client_id)
    return zipfile.ZipFile(io.BytesIO(data))


def _refers_to_a_client(table: Table) -> bool:
    """Whether rows of `table` point, by any chain of foreign keys, at a client."""
    return any(
        fk.column.table.name == "client" or _refers_to_a_client(fk.column.table)
        for fk in table.foreign_keys
        if fk.column.table is not table
    )


def test_every_table_that_refers_to_a_client_is_in_the_avg_export() -> None:
    referring = {t.name for t in Base.metadata.sorted_tables if _refers_to_a_client(t)}
    # A new table about clients fails here until it erases with its client (ON DELETE
    # CASCADE), which puts it in the export too.
    assert referring | {"client"} == {t.name for t in client_tables()}


def test_the_avg_export_holds_every_row_about_the_client(db: Session) -> None:
    client = a_client_in_every_table(db)
    archive = _export(db, client.coach_id, client.id)
    data = json.loads(archive.read("client.json"))
    assert set(data) == {t.name for t in client_tables()}
    assert [name for name, rows in data.items() if not rows] == []  # a row in every table
    assert data["client"][0]["name"] == client.name
    assert {"main_changes": "Ik zeg vaker nee"} in [row["answers"] for row in data["form_link"]]
    sessions = db.scalar(
        select(func.count())
        .select_from(CoachingSession)
        .join(Trajectory)
        .where(Trajectory.client_id == client.id)
    )
    assert len(data["coaching_session"]) == sessions
    assert {f"{name}.csv" for name in data} | {"client.json"} == set(archive.namelist())
    header = archive.read("form_attempt.csv").decode("utf-8-sig").splitlines()[0]
    assert header == "id;form_link_id;attempted_at;reason"
    other = make_coach(db, "ander")
    with pytest.raises(NotFound):
        export_client_data(db, coach_id=other.id, client_id=client.id)


def test_deleting_needs_the_exact_name_and_then_removes_every_row(db: Session) -> None:
    client = a_client_in_every_table(db)
    theirs = make_trajectory(db, make_coach(db, "ander"), name="Iemand Anders").client
    stored = json.loads(_export(db, client.coach_id, client.id).read("client.json"))
    with pytest.raises(ValidationError):
        delete_client(db, coach_id=client.coach_id, client_id=client.id, confirm_name="Iemand")
    with pytest.raises(NotFound):
        delete_client(db, coach_id=client.coach_id, client_id=theirs.id, confirm_name=theirs.name)
    delete_client(
        db, coach_id=client.coach_id, client_id=client.id, confirm_name=f" {client.name} "
    )
    db.expire_all()
    for table in client_tables():  # every row the export held is gone
        keys = [tuple(row[c.name] for c in table.primary_key) for row in stored[table.name]]
        left = db.execute(select(*table.primary_key).where(tuple_(*table.primary_key).in_(keys)))
        assert left.all() == [], table.name
    assert db.get(Client, theirs.id) is not None


def test_an_erased_client_leaves_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    path = tmp_path / "praktijk.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        trajectory = make_trajectory(session, make_coach(session), name="Zeldzame Naam")
        trajectory.goal = "Uniek-doel-7f3a " * 20
        client_id, coach_id = trajectory.client_id, trajectory.client.coach_id
    with factory.begin() as session:
        delete_client(session, coach_id=coach_id, client_id=client_id, confirm_name="Zeldzame Naam")
    files = [p for p in tmp_path.iterdir() if p.name.startswith("praktijk.db")]
    assert all(b"Uniek-doel-7f3a" not in p.read_bytes() for p in files), files
    engine.dispose()


def test_a_cell_that_a_spreadsheet_would_run_is_kept_as_text(db: Session) -> None:
    coach = make_coach(db)
    dangerous = ['=HYPERLINK("http://x")', "+31 6 1234", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    rows = [
        ClientRow(
            client_id=i,
            trajectory_id=i,
            name=f"{text} Naam" if i % 2 else text,
            email=None,
            phone="+31 6 12345678",
            goal=text,
            started_on=TODAY,
            planned_sessions=8,
            status=TrajectoryStatus.ACTIVE,
            held_sessions=0,
            start_score=None,
            latest_score=None,
            next_session_at=None,
            next_follow_up_on=None,
            flags=(),
        )
        for i, text in enumerate(dangerous)
    ]
    exported = export_clients_csv(rows, language="nl", timezone="Europe/Amsterdam")
    cells = [c for line in csv.reader(io.StringIO(exported[1:]), delimiter=";") for c in line]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert '\'=HYPERLINK("http://x")' in cells and "'+31 6 12345678" in cells
    import_clients_csv(db, coach_id=coach.id, data=exported.encode())
    goals = set(
        db.scalars(
            select(Trajectory.goal)
            .join(Client, Client.id == Trajectory.client_id)
            .where(Client.coach_id == coach.id)
        )
    )
    assert '=HYPERLINK("http://x")' in goals and "-2+3" in goals  # it imports back as it was
    phones = set(db.scalars(select(Client.phone).where(Client.coach_id == coach.id)))
    assert phones == {"+31 6 12345678"}


def test_the_avg_export_and_chart_tables_are_safe_too(db: Session) -> None:
    client = a_client_in_every_table(db)
    client.notes = "=cmd|' /C calc'!A0"
    archive = _export(db, client.coach_id, client.id)
    line = archive.read("client.csv").decode("utf-8-sig").splitlines()[1]
    assert "'=cmd|" in line
    chart = frame_csv(pd.DataFrame({"client": ["@evil", "Anna"], "gain": [-2, 3]}))
    assert chart.splitlines()[1:] == ["'@evil;-2", "Anna;3"]  # numbers stay numbers


def test_the_timeline_tells_a_closed_trajectory_in_date_order(db: Session) -> None:
    coach = make_practice(db, coaches=1, clients_each=2)[0]
    closed = db.scalar(
        select(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.coach_id == coach.id, Trajectory.full_protocol.is_(True))
    )
    assert closed is not None and closed.status is TrajectoryStatus.CLOSED
    events = get_timeline(
        db, coach_id=coach.id, trajectory_id=closed.id, timezone="Europe/Amsterdam"
    )
    assert [e.at for e in events] == sorted(e.at for e in events)
    kinds = {e.what for e in events}
    assert {
        "timeline.started",
        "timeline.session_held",
        "timeline.score",
        "timeline.plan",
        "timeline.checklist",
        "timeline.evaluation_client",
        "timeline.closed_full",
    } <= kinds
    rows = timeline_rows(events, language="nl", timezone="Europe/Amsterdam")
    assert str(rows[0]["Wat"]).startswith("Traject gestart")
    assert not any("⟨" in str(v) for row in rows for v in row.values())


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"naam;doel\n\x81\x8d\x8f\x90;Rust\n", WHOLE_FILE, "import.bad_encoding"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", WHOLE_FILE, "import.not_text"),
        (b"PK\x03\x04\x14\x00\x06\x00", WHOLE_FILE, "import.not_text"),  # an Excel workbook
        (
            (HEADER + "Lang;;;" + "x" * 131_073 + ";2026-09-01;8;;;\n").encode(),
            2,
            "import.bad_csv",
        ),
    ],
    ids=["undecodable", "image", "workbook", "field-too-long"],
)
def test_a_file_that_is_no_readable_csv_is_refused_with_a_reason(
    db: Session, data: bytes, line: int, message: str
) -> None:
    coach = make_coach(db)
    with pytest.raises(ImportRefused) as refused:
        import_clients_csv(db, coach_id=coach.id, data=data)
    assert [(p.line, p.message_key) for p in refused.value.problems] == [(line, message)]
    assert _clients(db, coach.id) == []


def test_nul_characters_never_reach_the_database(db: Session) -> None:
    coach = make_coach(db)
    add_plain_client(
        db, coach_id=coach.id, name="Nul\x00 Klant", notes="Typt\x00 een NUL", goal="Rust\x00"
    )
    assert _clients(db, coach.id) == ["Nul Klant"]
    found = list_clients(db, coach_id=coach.id, now=NOW, today=TODAY, query="Nul\x00")
    assert [row.name for row in found] == ["Nul Klant"]  # a search with NUL works too
