"""Each page's server-side script run in AppTest, for the demo coach of a seeded practice.

Counts the SQL statements of one render (every engine in the process) and times repeated
runs; an empty Streamlit page measured the same way is the floor.
"""

import math
import os
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from streamlit.testing.v1 import AppTest

from core.i18n import translate

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
EMPTY_PAGE = str(Path(__file__).resolve().parent / "empty_page.py")
PAGES = (
    "pages/overview.py",
    "pages/clients.py",
    "pages/client.py",
    "pages/closing_session.py",
    "pages/follow_ups.py",
    "pages/trends.py",
    "pages/settings.py",
)
TRENDS_TABS = ("scores", "sessions", "outcomes", "said")


class StatementCounter:
    """Counts SQL statements on every engine (our own SQLite transaction control excluded)."""

    def __init__(self) -> None:
        self.count = 0
        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not statement.startswith(("BEGIN", "PRAGMA query_only")):
            self.count += 1

    def close(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._seen)


def _timed(app: AppTest, counter: StatementCounter, repeat: int) -> dict[str, float]:
    timings, statements = [], []
    for _ in range(repeat):
        counter.count = 0
        start = time.perf_counter()
        app.run()
        timings.append((time.perf_counter() - start) * 1000)
        statements.append(counter.count)
        if app.exception:
            raise RuntimeError(f"page failed: {app.exception[0].message}")
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[min(len(timings) - 1, math.ceil(len(timings) * 0.95) - 1)], 1),
        "statements": max(statements),
    }


def measure_pages(
    *,
    database_url: str,
    username: str,
    password: str,
    client_id: int,
    session_id: int,
    repeat: int,
) -> list[dict[str, object]]:
    """One row per page (and the empty floor) for the coach `username`."""
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "AFRONDING_COOKIE_KEY": "bench-Mn4Bv8Cx2Za6Sd0Fg3Hj7Kl1Qw5Er9Ty",
            # The seeded platform is the demo generator's, and its demo account logs in only
            # in demo mode (without it every page below measured the refused login form).
            "AFRONDING_DEMO": "1",
        }
    )
    counter = StatementCounter()
    try:
        floor = AppTest.from_file(EMPTY_PAGE, default_timeout=120)
        rows = [{"page": "(empty page)", **_timed(floor, counter, repeat)}]
        for page in PAGES:
            # A fresh, logged-in session per page: no page's state leaks into the next one.
            app = AppTest.from_file(APP, default_timeout=120)
            app.run()
            app.text_input[0].input(username)
            app.text_input[1].input(password)
            app.button[0].click().run()
            app.run()
            if not app.session_state["authentication_status"]:
                errors = [e.value for e in app.error]
                raise RuntimeError(f"the benchmark's login failed: {errors}")
            if page == "pages/client.py":
                app.query_params["id"] = str(client_id)
            if page == "pages/closing_session.py":
                app.query_params["sessie"] = str(session_id)
            app.switch_page(page).run()  # the first run warms caches; it is not counted
            name = page.removeprefix("pages/").removesuffix(".py")
            rows.append({"page": name, **_timed(app, counter, repeat)})
            if page == "pages/trends.py":
                # Only the open tab runs: each of the others measured as well, once opened.
                for tab in TRENDS_TABS[1:]:
                    app.session_state["trends_tab"] = translate(f"trends.tab_{tab}")
                    app.run()
                    rows.append({"page": f"trends:{tab}", **_timed(app, counter, repeat)})
    finally:
        counter.close()
    return rows


def peak_memory_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
