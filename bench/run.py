"""Time the services behind the pages at two practice sizes: `python -m bench.run`.

Seeds one practice per size with the demo generator into a temp SQLite file (or the
database in BENCH_DATABASE_URL), then times each service over repeated runs and counts
its SQL statements. Prints a table and writes JSON under bench/results/.
"""

import argparse
import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.clients import list_clients
from core.closing import list_closing_candidates, read_clock, start_closing
from core.overview import get_overview
from core.timefmt import local_date
from core.timer import Agenda
from db.demo import generate_practice
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade_database

RESULTS = Path(__file__).parent / "results"
NOW = datetime(2026, 11, 26, 8, tzinfo=UTC)
TZ = "Europe/Amsterdam"


def _measure(engine: Engine, action: Callable[[], object], repeat: int) -> dict[str, float]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement != "BEGIN":  # our SQLite transaction start, not a query
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    timings = []
    for _ in range(repeat):
        statements.clear()
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "statements": len(statements),
    }


SERVICES: dict[str, Callable[[Session, int, date, int], object]] = {
    "timer_tick": lambda s, coach, _today, running: read_clock(
        s, coach_id=coach, session_id=running, now=NOW
    ),
    "list_clients": lambda s, coach, today, _running: list_clients(
        s, coach_id=coach, now=NOW, today=today
    ),
    "get_overview": lambda s, coach, _today, _running: get_overview(
        s, coach_id=coach, timezone=TZ, now=NOW
    ),
}


def _fresh_session_call(
    factory: sessionmaker[Session],
    service: Callable[[Session, int, date, int], object],
    coach_id: int,
    today: date,
    running: int,
) -> object:
    # A fresh session per call, as every page run and every timer tick has.
    with factory() as session:
        return service(session, coach_id, today, running)


def run(sizes: list[int], repeat: int) -> list[dict[str, object]]:
    """Seed each size and time the page services; one row per (size, service)."""
    rows: list[dict[str, object]] = []
    today = local_date(NOW, TZ)
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/bench.db")
            upgrade_database(engine)
            factory = make_session_factory(engine)
            start = time.perf_counter()
            with factory.begin() as session:
                coach_id = generate_practice(
                    session, today=today, coaches=1, clients_per_coach=size
                )[0].id
                candidate = list_closing_candidates(session, coach_id=coach_id)[0]
                running = start_closing(
                    session,
                    coach_id=coach_id,
                    agenda=Agenda.SINGLE_90,
                    trajectory_id=candidate.trajectory_id,
                    minutes=None,
                    now=NOW,
                )
            seeded = time.perf_counter() - start
            for name, service in SERVICES.items():
                call = partial(_fresh_session_call, factory, service, coach_id, today, running)
                figures = _measure(engine, call, repeat)
                rows.append(
                    {"clients": size, "service": name, "seed_s": round(seeded, 1), **figures}
                )
            engine.dispose()
    return rows


def main() -> None:
    """Run, print, save."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="40,400", help="clients per coach, comma-separated")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.repeat)
    print(
        f"{'clients':>8} {'service':<14} {'median ms':>10} {'p95 ms':>8} {'SQL':>4} {'seed s':>7}"
    )
    for r in rows:
        print(
            f"{r['clients']:>8} {r['service']:<14} {r['median_ms']:>10} {r['p95_ms']:>8} "
            f"{r['statements']:>4} {r['seed_s']:>7}"
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
    }
    (RESULTS / f"services-{stamp}.json").write_text(
        json.dumps({"machine": machine, "rows": rows}, indent=2)
    )


if __name__ == "__main__":
    main()
