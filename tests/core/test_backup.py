"""Backups from the command line: a consistent copy while the app writes, and back again."""

import io
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cli import main
from core.config import load_settings
from core.database import prepare_database, transaction
from db.models import Client, Coach, Trajectory
from tests.conftest import TODAY
from tests.factories import add_plain_client, make_coach

KEY = "cli-Zx9Cv3Bn7Mq1Wk5Ej8Rt2Yu6Io0Pa4Sd"


@pytest.fixture
def app_database(scratch_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The configured database, prepared, with one coach."""
    monkeypatch.setenv("DATABASE_URL", scratch_url)
    monkeypatch.setenv("AFRONDING_COOKIE_KEY", KEY)
    monkeypatch.delenv("AFRONDING_DEMO", raising=False)
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        make_coach(session)
    factory.kw["bind"].dispose()
    return scratch_url


def _add(name: str) -> None:
    factory = prepare_database(load_settings(), today=TODAY)
    with transaction(factory, write=True) as session:
        coach_id = session.scalar(select(Coach.id))
        assert coach_id is not None
        add_plain_client(session, coach_id=coach_id, name=name)
    factory.kw["bind"].dispose()


def _names() -> list[str]:
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        names = list(session.scalars(select(Client.name).order_by(Client.name)))
    factory.kw["bind"].dispose()
    return names


def test_a_backup_brings_everything_back_after_a_confirmation(
    app_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _add("Anna Vóór")
    backup = tmp_path / "backups" / "afronding-2026-11-27.backup"
    assert main(["backup", str(backup)]) == 0
    said = capsys.readouterr().out
    assert "Back-up gemaakt" in said and ("pg_dump" in said) == app_database.startswith("postgres")
    assert backup.stat().st_mode & 0o077 == 0  # client data: for the owner's eyes only
    assert main(["backup", str(backup)]) == 2  # never over another backup
    assert "bestaat al" in capsys.readouterr().err

    _add("Bas Erna")
    monkeypatch.setattr("sys.stdin", io.StringIO("nee\n"))
    assert main(["restore", str(backup)]) == 1  # not confirmed: nothing changes
    assert _names() == ["Anna Vóór", "Bas Erna"]
    monkeypatch.setattr("sys.stdin", io.StringIO("herstel\n"))
    assert main(["restore", str(backup)]) == 0
    assert _names() == ["Anna Vóór"]
    _add("Cor Na")  # the restored database is the app's again: ids go on, nothing clashes
    assert _names() == ["Anna Vóór", "Cor Na"]


def test_a_backup_while_the_app_writes_is_consistent(app_database: str, tmp_path: Path) -> None:
    stop = threading.Event()

    def write() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            _add(f"Klant {number:04d}")  # a client and their trajectory in one transaction

    writer = threading.Thread(target=write)
    writer.start()
    try:
        backup = tmp_path / "live.backup"
        assert main(["backup", str(backup)]) == 0
    finally:
        stop.set()
        writer.join(timeout=60)
    assert main(["restore", "--yes", str(backup)]) == 0
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        clients = session.scalar(select(func.count()).select_from(Client))
        trajectories = session.scalar(select(func.count()).select_from(Trajectory))
    factory.kw["bind"].dispose()
    assert clients == trajectories  # no client without the trajectory saved with it


def test_a_file_that_is_no_backup_changes_nothing(
    app_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add("Anna Blijft")
    fake = tmp_path / "fake.backup"
    fake.write_bytes(b"dit is geen back-up" * 100)
    assert main(["restore", "--yes", str(fake)]) == 2
    assert "Er is niets veranderd" in capsys.readouterr().err
    assert _names() == ["Anna Blijft"]
