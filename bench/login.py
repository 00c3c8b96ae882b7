"""How long a login answers for a known and an unknown username, and whether 30 logins at
once all get an answer on SQLite: `python -m bench.login`.

An attacker who can tell the two apart learns who has an account; both should cost one
bcrypt check. Each try comes from a fresh address and username so no wait or lock applies.
"""

import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from core.database import transaction
from core.errors import DatabaseUnavailable
from core.login import check_password, log_in, settle_login
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade_database
from db.models import Coach
from db.passwords import hash_password

ROUNDS = 15
PARALLEL = 30


def main() -> None:
    """Print the median answer time of a wrong password for a known and an unknown user."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'login.db'}")
        upgrade_database(engine)
        factory = make_session_factory(engine)
        with factory.begin() as session:
            session.add(
                Coach(
                    username="anna",
                    display_name="Anna Coach",
                    email="a@example.org",
                    password_hash=hash_password("Geheim-wachtwoord-1"),
                )
            )
        now = datetime.now(UTC)
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for i in range(ROUNDS):
            for kind, username in (("known", "anna"), ("unknown", f"niemand{i}")):
                with factory.begin() as session:
                    start = time.perf_counter()
                    log_in(
                        session,
                        username=username,
                        password="fout",
                        address=f"192.0.2.{i}",
                        now=now + timedelta(minutes=i),
                        demo_mode=False,
                    )
                    timings[kind].append(time.perf_counter() - start)
        refused = _parallel_logins(factory, now)
        engine.dispose()
    for kind, values in timings.items():
        print(f"{kind:8} median {statistics.median(values) * 1000:7.1f} ms over {ROUNDS} tries")
    print(f"parallel {PARALLEL} logins at once: {refused} without an answer (database busy)")


def _parallel_logins(factory: sessionmaker[Session], now: datetime) -> int:
    """As the login form does it: the password checked in a read transaction, its outcome
    written in a short write transaction; returns how many found the database unavailable."""
    failed: list[str] = []

    def one(number: int) -> None:
        name, address = f"gast{number}", f"198.51.100.{number}"
        try:
            with transaction(factory) as session:
                answer = check_password(
                    session,
                    username=name,
                    password="fout",
                    address=address,
                    now=now,
                    demo_mode=False,
                )
            with transaction(factory, write=True) as session:
                settle_login(session, answer=answer, username=name, address=address, now=now)
        except DatabaseUnavailable:
            failed.append(name)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(failed)


if __name__ == "__main__":
    main()
