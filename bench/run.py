"""The benchmark: `python -m bench.run` (make bench); `--tiny` for CI, where it must not rot.

For each size it seeds a platform with the demo generator — a tenth (5 coaches) and the
full size (50 coaches), 400 clients each — into a fresh SQLite file, or into the PostgreSQL
database in BENCH_DATABASE_URL (its public schema is dropped and made anew). Then, for the
demo coach: the services behind the pages, every page's script run in AppTest with its SQL
statements per render, and one tick of the live clock. It prints one table, checks the
targets and writes JSON under bench/results/.
"""

import argparse
import json
import math
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from bench.pages import StatementCounter, measure_pages, peak_memory_mb
from bench.practice import NOW, TODAY, TZ, start_live_closing
from core.clients import list_clients
from core.closing import read_clock
from core.database import refresh_statistics
from core.overview import get_overview
from core.timer import bar_segments
from db.demo import DEMO_PASSWORD, DEMO_USERNAME, generate_practice
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade_database
from db.models import Client, Coach

RESULTS = Path(__file__).parent / "results"
MAX_STATEMENTS = 15
MAX_GROWTH = 1.5  # a page's median at full size against a tenth
MAX_TICK_MS = 20.0
PRACTICE_SIZE = 5


def _tick(session: Session, coach: int, running: int) -> object:
    # What the clock fragment does each second: read the stored moments, shape the bar.
    return bar_segments(read_clock(session, coach_id=coach, session_id=running, now=NOW))


SERVICES: dict[str, Callable[[Session, int, int], object]] = {
    "timer_tick": _tick,
    "list_clients": lambda s, coach, _r: list_clients(s, coach_id=coach, now=NOW, today=TODAY),
    "get_overview": lambda s, coach, _r: get_overview(s, coach_id=coach, timezone=TZ, now=NOW),
}


def _fresh_session_call(
    factory: sessionmaker[Session],
    service: Callable[[Session, int, int], object],
    coach_id: int,
    running: int,
) -> object:
    # A fresh session per call, as every page run and every timer tick has.
    with factory() as session:
        return service(session, coach_id, running)


def _time(action: Callable[[], object], repeat: int) -> dict[str, float]:
    counter = StatementCounter()
    timings, statements = [], []
    try:
        for _ in range(repeat):
            counter.count = 0
            start = time.perf_counter()
            action()
            timings.append((time.perf_counter() - start) * 1000)
            statements.append(counter.count)
    finally:
        counter.close()
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[min(len(timings) - 1, math.ceil(len(timings) * 0.95) - 1)], 2),
        "statements": max(statements),
    }


def _database(folder: str, coaches: int) -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{folder}/bench-{coaches}.db"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _seed(engine: Engine, coaches: int, clients: int) -> tuple[float, int, int, int]:
    upgrade_database(engine)
    factory = make_session_factory(engine)
    start = time.perf_counter()
    # A platform is many practices: practices of 5 coaches; the demo coach owns the first.
    with factory.begin() as session:
        for number in range(max(1, coaches // PRACTICE_SIZE)):
            generate_practice(
                session,
                today=TODAY,
                clients_per_coach=clients,
                coaches=min(PRACTICE_SIZE, coaches),
                seed=2026 + number,
                practice_name=f"Benchpraktijk {number:02d}",
                demo_login=number == 0,
            )
    seeded = time.perf_counter() - start
    refresh_statistics(engine, bulk_loaded=True)
    with factory.begin() as session:
        coach_id = session.scalars(select(Coach.id).where(Coach.username == DEMO_USERNAME)).one()
        client_id = session.scalars(
            select(Client.id).where(Client.coach_id == coach_id).order_by(Client.id)
        ).first()
        running = start_live_closing(session, coach_id=coach_id)
    return seeded, coach_id, client_id or 0, running


def run_size(coaches: int, clients: int, repeat: int, folder: str) -> dict[str, object]:
    """Seed one platform size and measure services, pages and the clock for the demo coach."""
    url = _database(folder, coaches)
    engine = make_engine(url)
    seeded, coach_id, client_id, running = _seed(engine, coaches, clients)
    factory = make_session_factory(engine)
    services = {
        name: _time(partial(_fresh_session_call, factory, service, coach_id, running), repeat * 2)
        for name, service in SERVICES.items()
    }
    pages = measure_pages(
        database_url=url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        client_id=client_id,
        session_id=running,
        repeat=repeat,
    )
    engine.dispose()
    return {
        "coaches": coaches,
        "clients_per_coach": clients,
        "seed_s": round(seeded, 1),
        "services": services,
        "pages": pages,
    }


def check_targets(small: dict[str, object], large: dict[str, object]) -> list[dict[str, object]]:
    """Pass or fail per page: statements equal and ≤15, median growth ≤1.5×; tick < 20 ms."""
    floor = next(p for p in large["pages"] if p["page"] == "(empty page)")  # type: ignore[attr-defined]
    checks = []
    for page_small, page_large in zip(small["pages"], large["pages"], strict=True):  # type: ignore[call-overload]
        if page_large["page"] == "(empty page)":
            continue
        growth = page_large["median_ms"] / max(page_small["median_ms"], 0.01)
        checks.append(
            {
                "page": page_large["page"],
                "statements": f"{page_small['statements']} → {page_large['statements']}",
                "statements_ok": page_small["statements"] == page_large["statements"]
                and page_large["statements"] <= MAX_STATEMENTS,
                "growth": round(growth, 2),
                "growth_ok": growth <= MAX_GROWTH,
                "x_floor": round(page_large["median_ms"] / max(floor["median_ms"], 0.01), 1),
            }
        )
    tick = large["services"]["timer_tick"]["median_ms"]  # type: ignore[index]
    checks.append(
        {
            "page": "timer tick",
            "statements": str(large["services"]["timer_tick"]["statements"]),  # type: ignore[index]
            "statements_ok": True,
            "growth": tick,
            "growth_ok": tick < MAX_TICK_MS,
            "x_floor": None,
        }
    )
    return checks


def _print(sizes: list[dict[str, object]], checks: list[dict[str, object]]) -> None:
    print(f"{'size':>12} {'page / service':<18} {'median ms':>10} {'p95 ms':>8} {'SQL':>4}")
    for size in sizes:
        label = f"{size['coaches']}x{size['clients_per_coach']}"
        for name, figures in size["services"].items():  # type: ignore[attr-defined]
            print(
                f"{label:>12} {name:<18} {figures['median_ms']:>10} {figures['p95_ms']:>8} "
                f"{figures['statements']:>4}"
            )
        for page in size["pages"]:  # type: ignore[attr-defined]
            print(
                f"{label:>12} {page['page']:<18} {page['median_ms']:>10} {page['p95_ms']:>8} "
                f"{page['statements']:>4}"
            )
        print(f"{label:>12} seeded in {size['seed_s']} s")
    print(
        f"\n{'target':<18} {'SQL small→large':>16} {'ok':>4} {'growth/ms':>10} {'ok':>4} "
        f"{'x floor':>8}"
    )
    for c in checks:
        print(
            f"{c['page']:<18} {c['statements']:>16} {'yes' if c['statements_ok'] else 'NO':>4} "
            f"{c['growth']:>10} {'yes' if c['growth_ok'] else 'NO':>4} {c['x_floor'] or '':>8}"
        )


def main() -> None:
    """Run, print, save; the exit code stays 0 — the table says what passed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--coaches", default="5,50", help="two platform sizes, in coaches")
    parser.add_argument("--clients", type=int, default=400, help="clients per coach")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--tiny", action="store_true", help="a quick run for CI")
    args = parser.parse_args()
    sizes = [1, 2] if args.tiny else [int(c) for c in args.coaches.split(",")]
    clients, repeat = (20, 3) if args.tiny else (args.clients, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        results = [run_size(coaches, clients, repeat, folder) for coaches in sizes]
    checks = check_targets(results[0], results[-1])
    _print(results, checks)
    memory = peak_memory_mb()
    print(f"\npeak memory {memory} MB")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "database": "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite",
    }
    (RESULTS / f"bench-{stamp}.json").write_text(
        json.dumps(
            {"machine": machine, "sizes": results, "targets": checks, "peak_memory_mb": memory},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
