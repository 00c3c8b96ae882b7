"""CSV in and out, all or nothing; AVG export and deletion; the timeline."""

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.client_data import (
    ImportRefused,
    delete_client,
    export_client_data,
    export_clients_csv,
    import_clients_csv,
    import_template,
)
from core.clients import ClientRow, list_clients
from core.errors import NotFound, ValidationError
from core.i18n import translate
from core.readiness import Flag
from core.timeline import get_timeline, timeline_rows
from db.models import Client, CoachingSession, GoalScore, Trajectory, TrajectoryStatus
from tests.conftest import NOW, TODAY
from tests.factories import make_coach, make_practice

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
    labels = {flag.value: translate(f"readiness_short.{flag.value}", "nl") for flag in Flag}
    exported = export_clients_csv(rows, labels)
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


def test_the_avg_export_holds_everything_about_the_client(db: Session) -> None:
    coach = make_practice(db, coaches=1, clients_each=20)[0]
    client = db.scalar(select(Client).where(Client.coach_id == coach.id).order_by(Client.id))
    assert client is not None
    archive = zipfile.ZipFile(
        io.BytesIO(export_client_data(db, coach_id=coach.id, client_id=client.id))
    )
    data = json.loads(archive.read("client.json"))
    assert data["client"][0]["name"] == client.name
    sessions = db.scalar(
        select(func.count())
        .select_from(CoachingSession)
        .join(Trajectory)
        .where(Trajectory.client_id == client.id)
    )
    assert len(data["sessions"]) == sessions > 0
    assert "sessions.csv" in archive.namelist() and "goal_scores.csv" in archive.namelist()


def test_deleting_needs_the_exact_name_and_then_removes_all(db: Session) -> None:
    mine, theirs = make_practice(db, coaches=2, clients_each=3)
    client = db.scalar(select(Client).where(Client.coach_id == mine.id))
    their_client = db.scalar(select(Client).where(Client.coach_id == theirs.id))
    assert client is not None and their_client is not None
    with pytest.raises(ValidationError):
        delete_client(db, coach_id=mine.id, client_id=client.id, confirm_name="iemand anders")
    with pytest.raises(NotFound):
        delete_client(
            db, coach_id=mine.id, client_id=their_client.id, confirm_name=their_client.name
        )
    client_id = client.id
    delete_client(db, coach_id=mine.id, client_id=client_id, confirm_name=f" {client.name} ")
    db.expire_all()
    assert db.get(Client, client_id) is None
    assert (
        db.scalar(
            select(func.count())
            .select_from(GoalScore)
            .join(Trajectory)
            .where(Trajectory.client_id == client_id)
        )
        == 0
    )


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
    assert rows[0]["Wat"].startswith("Traject gestart")
    assert not any("⟨" in str(v) for row in rows for v in row.values())
