"""A bounded load run: `python -m bench.load [--writes]` (make load).

N worker processes, each for a different coach, run a fixed number of iterations of what
the pages ask the database for (Vandaag, the client list, the follow-up queue, the trends
data, one clock tick) against one database — the PostgreSQL in BENCH_DATABASE_URL, or a
SQLite file in WAL mode. With --writes every iteration also logs a session and saves a
borgingsplan field. It stops by itself and reports p50/p95 per iteration and every error.
"""

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
import traceback
from datetime import timedelta

from sqlalchemy import func, select, text

from bench.practice import NOW, TODAY, TZ, start_live_closing
from core.clients import list_clients
from core.closing import ClosingPart, read_clock, save_closing_field
from core.database import refresh_statistics, transaction
from core.follow_ups import list_queue
from core.overview import get_overview
from core.sessions import SessionLog, log_session
from core.trends import load_outcome_trends, load_score_trends, load_session_trends
from db.demo import generate_practice
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade_database
from db.models import Client, Coach, CoachingSession, RetentionPlan, Trajectory, TrajectoryStatus


def _worker(
    url: str,
    coach_id: int,
    iterations: int,
    writes: bool,
    out: "multiprocessing.Queue[tuple[list[float], list[str]]]",
) -> None:
    factory = make_session_factory(make_engine(url))
    timings: list[float] = []
    errors: list[str] = []
    with transaction(factory, write=True) as session:
        trajectory_id = session.scalars(
            select(Trajectory.id)
            .join(Client, Client.id == Trajectory.client_id)
            .where(Client.coach_id == coach_id, Trajectory.status == TrajectoryStatus.ACTIVE)
        ).first()
        running = start_live_closing(session, coach_id=coach_id)
    for number in range(iterations):
        start = time.perf_counter()
        try:
            with transaction(factory) as session:
                get_overview(session, coach_id=coach_id, timezone=TZ, now=NOW)
                list_clients(session, coach_id=coach_id, now=NOW, today=TODAY)
                list_queue(session, coach_id=coach_id, now=NOW)
                read_clock(session, coach_id=coach_id, session_id=running, now=NOW)
            if number % 5 == 0:
                with transaction(factory) as session:
                    # Evaluatietrends, each of its tabs.
                    for load in (load_score_trends, load_session_trends, load_outcome_trends):
                        load(session, coach_id=coach_id, coach_ids=[coach_id])
            if writes and trajectory_id is not None:
                with transaction(factory, write=True) as session:
                    log_session(
                        session,
                        coach_id=coach_id,
                        trajectory_id=trajectory_id,
                        log=SessionLog(
                            held_at=NOW + timedelta(minutes=number), notes=f"load {number}"
                        ),
                        timezone=TZ,
                    )
                with transaction(factory, write=True) as session:
                    shown = session.scalar(
                        select(RetentionPlan.main_change).where(
                            RetentionPlan.trajectory_id == trajectory_id
                        )
                    )
                    save_closing_field(
                        session,
                        coach_id=coach_id,
                        trajectory_id=trajectory_id,
                        part=ClosingPart.PLAN,
                        name="main_change",
                        value=f"Versie {number}",
                        seen=shown,
                        now=NOW,
                    )
        except Exception:
            errors.append(traceback.format_exc(limit=1).strip().splitlines()[-1])
        timings.append((time.perf_counter() - start) * 1000)
    out.put((timings, errors))


def main() -> None:
    """Seed, run the workers, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--clients", type=int, default=100, help="clients per coach")
    parser.add_argument("--writes", action="store_true")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/load.db"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        generate_practice(
            session, today=TODAY, coaches=args.workers, clients_per_coach=args.clients
        )
        coach_ids = list(session.scalars(select(Coach.id).order_by(Coach.id)))
    refresh_statistics(engine, bulk_loaded=True)
    engine.dispose()
    out: multiprocessing.Queue[tuple[list[float], list[str]]] = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=_worker, args=(url, coach, args.iterations, args.writes, out)
        )
        for coach in coach_ids
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [out.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    wall = time.perf_counter() - start
    timings = sorted(t for result in results for t in result[0])
    errors = [e for result in results for e in result[1]]
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    kind = "reads and writes" if args.writes else "reads"
    print(
        f"{engine.dialect.name}, {len(workers)} workers x {args.iterations} iterations ({kind}),"
        f" {len(timings)} iterations in {wall:.1f} s: p50 {statistics.median(timings):.1f} ms,"
        f" p95 {p95:.1f} ms, errors {len(errors)}"
    )
    for error in sorted(set(errors)):
        print(f"  {errors.count(error)} x {error}")
    if args.writes:
        with make_session_factory(engine).begin() as session:
            logged = session.scalar(
                select(func.count(CoachingSession.id)).where(CoachingSession.notes.like("load %"))
            )
        print(f"  sessions logged by the workers: {logged} of {len(timings)}")
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
