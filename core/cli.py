"""Command line: `python -m core.cli prepare | migrate | create-coach | backup | restore |
send-due`."""

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from core.accounts import create_coach
from core.backup import BackupError, make_backup, restore_backup
from core.config import ConfigError, Settings, cookie_key, describe_config_error, load_settings
from core.database import prepare_database, transaction
from core.errors import DatabaseUnavailable, ValidationError
from core.i18n import DEFAULT_LANGUAGE, translate
from core.outbox import send_due
from core.timefmt import DEFAULT_TIMEZONE, local_date, utc_now
from db.engine import make_engine, make_session_factory, safe_url
from db.migrate import is_up_to_date, upgrade_database
from db.models import Role


def _prepare(settings: Settings, *, fresh_demo: bool) -> None:
    cookie_key(settings)
    prepare_database(settings, today=local_date(utc_now(), DEFAULT_TIMEZONE), fresh_demo=fresh_demo)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Wachtwoord / password: ")
    if getpass.getpass("Nog eens / again: ") != first:
        raise SystemExit("De wachtwoorden verschillen / the passwords differ.")
    return first


def _create_coach(settings: Settings, args: argparse.Namespace) -> None:
    factory = prepare_database(settings, today=local_date(utc_now(), DEFAULT_TIMEZONE))
    password = _read_password(args)
    try:
        with transaction(factory, write=True) as session:
            account = create_coach(
                session,
                username=args.username,
                display_name=args.name,
                email=args.email,
                password=password,
                role=Role.OWNER if args.owner else Role.COACH,
                practice_name=args.practice,
            )
    except ValidationError as invalid:
        for field, key in invalid.errors.items():
            print(f"{field}: {translate(key, DEFAULT_LANGUAGE)}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"Account '{account.username}' aangemaakt / created.")


def _backup(settings: Settings, args: argparse.Namespace) -> None:
    made = make_backup(settings.database_url, Path(args.path))
    size = f"{made.size / 1_048_576:.1f} MB" if made.size >= 1_048_576 else f"{made.size} bytes"
    print(translate(f"backup.made_{made.method}", DEFAULT_LANGUAGE, path=made.path, size=size))


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    shown = {"path": args.path, "url": safe_url(settings.database_url)}
    if not args.yes:
        answer = input(translate("backup.confirm", DEFAULT_LANGUAGE, **shown))
        if answer.strip().lower() not in {"herstel", "restore"}:
            print(translate("backup.cancelled", DEFAULT_LANGUAGE), file=sys.stderr)
            return 1
    restore_backup(settings.database_url, Path(args.path))
    engine = make_engine(settings.database_url)
    upgrade_database(engine)  # a backup of an older version gets the newer schema
    engine.dispose()
    print(translate("backup.restored", DEFAULT_LANGUAGE, **shown))
    return 0


def _moment(text: str) -> datetime:
    """--now as a moment with its offset, or one clear message."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SystemExit(translate("outbox.cli_now_zone", DEFAULT_LANGUAGE))
    return moment


def _send_due(settings: Settings, args: argparse.Namespace) -> int:
    smtp = settings.smtp
    if smtp is None:
        print(translate("outbox.cli_no_smtp", DEFAULT_LANGUAGE), file=sys.stderr)
        return 2
    now = _moment(args.now) if args.now else utc_now()
    engine = make_engine(settings.database_url)
    try:
        if not is_up_to_date(engine):
            print(translate("outbox.cli_not_migrated", DEFAULT_LANGUAGE), file=sys.stderr)
            return 2
        report = send_due(make_session_factory(engine), smtp, now=now)
    except DBAPIError as down:  # unreachable, locked, or not a database at all
        raise DatabaseUnavailable from down
    finally:
        engine.dispose()
    if report.sent or report.failed:
        print(translate("outbox.cli_report", DEFAULT_LANGUAGE, count=report.sent))
    if report.failed:
        print(
            translate("outbox.cli_failed", DEFAULT_LANGUAGE, count=report.failed), file=sys.stderr
        )
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; prints one clear message and exits non-zero on any failure."""
    parser = argparse.ArgumentParser(prog="python -m core.cli", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="also print the technical cause")
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare", help="check settings, migrate, make demo data")
    prepare.add_argument("--fresh-demo", action="store_true", help="make the demo data anew")
    commands.add_parser("migrate", help="apply the database migrations")
    create = commands.add_parser("create-coach", help="create a coach account")
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="full name, as shown in the app")
    create.add_argument("--email", required=True)
    create.add_argument("--practice", help="practice name: joined, or created")
    create.add_argument("--owner", action="store_true", help="practice owner (praktijkhouder)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    backup = commands.add_parser("backup", help="a consistent copy of the database, also live")
    backup.add_argument("path", help="the new backup file (never overwritten)")
    restore = commands.add_parser("restore", help="replace the database by a backup")
    restore.add_argument("path", help="a file made by the backup command")
    restore.add_argument("--yes", action="store_true", help="don't ask for confirmation")
    send = commands.add_parser(
        "send-due", help="send the scheduled follow-up mails that are due (every few minutes)"
    )
    send.add_argument(
        "--now", help="act as if it were this moment (ISO 8601 with offset), to try it out"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.CRITICAL,
        format="%(levelname)s %(name)s: %(message)s",
    )

    settings = load_settings()
    try:
        if args.command == "prepare":
            _prepare(settings, fresh_demo=args.fresh_demo)
        elif args.command == "migrate":
            prepare_database(settings, today=local_date(utc_now(), DEFAULT_TIMEZONE))
        elif args.command == "backup":
            _backup(settings, args)
        elif args.command == "restore":
            return _restore(settings, args)
        elif args.command == "send-due":
            return _send_due(settings, args)
        else:
            _create_coach(settings, args)
    except ConfigError as error:
        print(describe_config_error(error, settings, DEFAULT_LANGUAGE), file=sys.stderr)
        return 2
    except BackupError as failed:
        print(
            translate(failed.message_key, DEFAULT_LANGUAGE, detail=failed.detail), file=sys.stderr
        )
        return 2
    except DatabaseUnavailable:
        print(translate("db.unavailable", DEFAULT_LANGUAGE), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
