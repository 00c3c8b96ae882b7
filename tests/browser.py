"""A real Streamlit server, and knowing when it is idle in chromium (from its run state).

Every script run starts with a `rerun_script` message the page sends over its websocket
(or, for the clock, on the server) and shows in `stApp`'s `data-test-script-state`. The
tracker notes when the last run was asked for, when the last one started and since when
nothing runs; the app is idle when no asked-for run is still to start and nothing has run
for a moment (a run may ask for the next one: the login cookie, `st.rerun`).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).parents[1]

RUN_TRACKER = """
(() => {
  const track = {
    state: null, asked: 0, askedAt: -1, startedAt: -1, idleSince: performance.now(),
  };
  window.__afrondingRuns = track;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data, 0, 1)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 1) : null;
    // 0x5a: field 11 of Streamlit's BackMsg, `rerun_script` — the page asks for a run.
    if (bytes && bytes.length && bytes[0] === 0x5a) {
      track.asked += 1;
      track.askedAt = performance.now();
      // Asked while a run is going on: the server restarts that run.
      if (track.state === "running") track.startedAt = track.askedAt;
    }
    return send.call(this, data);
  };
  // Every change counts, also a run that started and ended before the observer was called.
  new MutationObserver((records) => {
    const app = document.querySelector("[data-testid='stApp']");
    const states = records.slice(1).map((r) => r.oldValue);
    states.push(app && app.getAttribute("data-test-script-state"));
    for (const state of states) {
      if (!state || state === track.state) continue;
      track.state = state;
      if (state === "running") track.startedAt = performance.now();
      if (state === "notRunning") track.idleSince = performance.now();
    }
  }).observe(document, {
    attributes: true, attributeOldValue: true, subtree: true,
    attributeFilter: ["data-test-script-state"],
  });
})();
"""

QUIET_MS = 250  # a run that asks for the next one (or reruns on the server) does so within this
# A run asked for while the server was finishing one is taken into it: it never starts.
ABSORBED_MS = 2_000

IS_IDLE = f"""() => {{
  const track = window.__afrondingRuns;
  return track !== undefined && track.state === "notRunning"
    && (track.askedAt <= track.startedAt || performance.now() - track.askedAt >= {ABSORBED_MS})
    && performance.now() - track.idleSince >= {QUIET_MS};
}}"""


def track_runs(context: BrowserContext) -> BrowserContext:
    """Give every page of `context` the run tracker (before any of its scripts run)."""
    context.add_init_script(RUN_TRACKER)
    return context


def wait_idle(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until no script run is asked for, running, or about to follow another."""
    page.wait_for_function(IS_IDLE, timeout=timeout_ms)


def now_ms(page: Page) -> float:
    """The page's clock (performance.now), for `wait_idle_after`."""
    return float(page.evaluate("performance.now()"))


def wait_idle_after(page: Page, start: float, timeout_ms: float = 30_000) -> None:
    """Wait for a run asked for since `start`, then idle: a click returns before the page has
    asked for its run, and a bare `wait_idle` right after it can see the quiet before it."""
    page.wait_for_function(
        "(start) => window.__afrondingRuns.askedAt > start", arg=start, timeout=timeout_ms
    )
    wait_idle(page, timeout_ms)


def wait_login_ready(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until the login page has heard from its cookie component: it reports the
    browser's cookies once, in a run of its own up to a second after the page shows, and a
    login submitted during that run's start can be lost in it (seen on a cold server)."""
    page.wait_for_function("() => window.__afrondingRuns.asked >= 2", timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within 60 s:\n{log.read_text()}")


def start_server(
    database_url: str,
    log: Path,
    extra_env: dict[str, str] | None = None,
    script: str = "app.py",
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start `streamlit run <script>` (the app) in demo mode on a free port; returns its URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AFRONDING_DEMO": "1",
        "AFRONDING_COOKIE_KEY": "e2e-Vx8qLm3RtZp0WcY7nHbK2sJd5GfA9uEo",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    handle = log.open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, process, log)
    return url, process
