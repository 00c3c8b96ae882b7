"""How long a login answers for a known and an unknown username: `python -m bench.login`.

An attacker who can tell the two apart learns who has an account; both should cost one
bcrypt check. Each try comes from a fresh address and username so no wait or lock applies.
"""

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.login import log_in
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade_database
from db.models import Coach
from db.passwords import hash_password

ROUNDS = 15


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
        engine.dispose()
    for kind, values in timings.items():
        print(f"{kind:8} median {statistics.median(values) * 1000:7.1f} ms over {ROUNDS} tries")


if __name__ == "__main__":
    main()
