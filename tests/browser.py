"""Knowing when the app is idle in chromium: from Streamlit's own run state, not a pause.

Every script run starts with a `rerun_script` message the page sends over its websocket
(or, for the clock, on the server) and shows in `stApp`'s `data-test-script-state`. The
tracker notes when the last run was asked for, when the last one started and since when
nothing runs; the app is idle when no asked-for run is still to start and nothing has run
for a moment (a run may ask for the next one: the login cookie, `st.rerun`).
"""

from playwright.sync_api import BrowserContext, Page

RUN_TRACKER = """
(() => {
  const track = { state: null, askedAt: -1, startedAt: -1, idleSince: performance.now() };
  window.__afrondingRuns = track;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data, 0, 1)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 1) : null;
    // 0x5a: field 11 of Streamlit's BackMsg, `rerun_script` — the page asks for a run.
    if (bytes && bytes.length && bytes[0] === 0x5a) {
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

QUIET_MS = 150  # a run that asks for the next one does so within this
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
