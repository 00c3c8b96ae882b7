"""The command line: one clear message and a non-zero exit on every failure."""

import io
from pathlib import Path

import pytest

from core.accounts import get_account
from core.cli import main
from db.engine import make_engine, make_session_factory
from db.passwords import verify_password

KEY = "cli-Zx9Cv3Bn7Mq1Wk5Ej8Rt2Yu6Io0Pa4Sd"
# An account with a password on stdin; the tests add options or feed another password.
CREATE_LOTTE = [
    "create-coach",
    *("--username", "lotte", "--name", "Lotte Bos", "--email", "lotte@example.org"),
    "--password-stdin",
]


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("AFRONDING_DEMO", raising=False)
    monkeypatch.setenv("AFRONDING_COOKIE_KEY", KEY)
    return url


def test_prepare_refuses_to_start_without_a_cookie_key(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AFRONDING_COOKIE_KEY")
    monkeypatch.setattr("core.config.SECRETS_PATH", Path("/nonexistent/secrets.toml"))
    assert main(["prepare"]) == 2
    err = capsys.readouterr().err
    assert "sleutel voor de inlogcookie" in err and "token_urlsafe" in err
    assert "Traceback" not in err


def test_an_unreachable_database_is_one_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AFRONDING_COOKIE_KEY", KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://coach:geheim@127.0.0.1:9/nergens")
    assert main(["prepare"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("De database is niet bereikbaar")
    assert "geheim" not in err and len(err.splitlines()) == 1


def test_create_coach_makes_an_account_that_logs_in(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Sterk-wachtwoord-7\n"))
    assert main([*CREATE_LOTTE, "--practice", "Praktijk Licht", "--owner"]) == 0
    with make_session_factory(make_engine(sqlite_url))() as session:
        account = get_account(session, username="lotte")
    assert account is not None and account.role.value == "owner"
    assert verify_password("Sterk-wachtwoord-7", account.password_hash)


def test_create_coach_with_a_weak_password_says_why(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("zwak\n"))
    with pytest.raises(SystemExit) as exit_:
        main(CREATE_LOTTE)
    assert exit_.value.code == 1
    assert "password: Kies een wachtwoord van minstens 10 tekens" in capsys.readouterr().err


def test_a_damaged_sqlite_file_is_one_clear_message(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "cli.db"
    damaged.write_bytes(b"geen database " * 400)
    before = damaged.read_bytes()
    assert main(["prepare"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("De database") and "is niet te lezen" in err
    assert "Traceback" not in err
    assert damaged.read_bytes() == before  # nothing written over what may still be saved


def test_a_password_with_a_trailing_space_is_refused_by_the_cli(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Sterk-wachtwoord-7 \n"))
    with pytest.raises(SystemExit) as exit_:
        main(CREATE_LOTTE)
    assert exit_.value.code == 1
    assert "mag niet met een spatie beginnen of eindigen" in capsys.readouterr().err
