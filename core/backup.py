"""Backups of the whole database: SQLite's online backup, or pg_dump for PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore could not be made; `message_key` says why, nothing was changed."""

    def __init__(self, message_key: str, detail: str = "") -> None:
        super().__init__(f"{message_key}: {detail}" if detail else message_key)
        self.message_key = message_key
        self.detail = detail


@dataclass(frozen=True)
class BackupMade:
    """Where the copy is, how it was made and how large it is."""

    path: Path
    method: str  # "sqlite" (the online backup API) or "pg_dump"
    size: int


def make_backup(database_url: str, path: Path) -> BackupMade:
    """A consistent copy of the database at `path`, also while the app runs and writes."""
    if path.exists():
        raise BackupError("backup.exists", str(path))
    url = make_url(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _copy_sqlite(_sqlite_file(url), path)
        method = "sqlite"
    else:
        _run_pg("pg_dump", url, "--format=custom", "--no-owner", f"--file={path}")
        method = "pg_dump"
    path.chmod(0o600)  # a backup holds client data, like the database itself
    return BackupMade(path, method, path.stat().st_size)


def restore_backup(database_url: str, path: Path) -> str:
    """Replace everything in the database by the backup at `path`; returns the method."""
    if not path.is_file():
        raise BackupError("backup.missing", str(path))
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(path)
        _copy_sqlite(path, _sqlite_file(url))
        return "sqlite"
    _run_pg(
        "pg_restore", url, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)
    )
    return "pg_restore"


def _sqlite_file(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupError("backup.in_memory")
    return Path(url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Page by page with SQLite's backup API: a writer in between is waited for, never torn."""
    try:
        with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
            reader.backup(writer)
    except sqlite3.Error as failed:
        raise BackupError("backup.failed", str(failed)) from failed


def _check_sqlite_backup(path: Path) -> None:
    """A file that is an intact SQLite database of this app, or BackupError."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as backup:
            intact = backup.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            ours = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone()
    except sqlite3.Error as failed:
        raise BackupError("backup.not_a_backup", str(failed)) from failed
    if not (intact and ours):
        raise BackupError("backup.not_a_backup", str(path))


def _libpq_url(url: URL) -> str:
    """The URL as libpq takes it: no driver name, no password (that goes in PGPASSWORD)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _run_pg(tool: str, url: URL, *arguments: str) -> None:
    """Run pg_dump or pg_restore against `url`; the password travels in the environment."""
    if shutil.which(tool) is None:
        raise BackupError("backup.tool_missing", tool)
    command = [tool, f"--dbname={_libpq_url(url)}", *arguments]
    env = {**os.environ, "PGPASSWORD": str(url.password)} if url.password else None
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        last_line = (done.stderr.strip().splitlines() or [tool])[-1]
        raise BackupError("backup.failed", last_line)
