"""While the coach types their login: load what the pages after it need, on both ends."""

import functools
import importlib
import json
import threading
from pathlib import Path
from typing import Any

import streamlit as st

# The server's part: imported in a thread of its own, once per process.
AFTER_LOGIN = ("pandas", "altair", "pyarrow", "icalendar", "fpdf")
# The browser's part: Streamlit's frontend loads an element's code when the first one of its
# kind arrives, and shows it only then: after the login, Vandaag's figures waited 0.5 s for
# theirs. Vandaag's elements come first, then the forms' of the other pages. Starting the
# table's code holds a keystroke up to 0.1 s (0.3 s on a slow CPU); charts' would take
# longer, so they are left out.
ELEMENTS = (
    ("Metric", "DataFrame", "PageLink", "Button"),
    ("Selectbox", "TextArea", "DateInput", "ButtonGroup", "DownloadButton"),
)
MANIFEST = Path(st.__file__).parent / "static" / "manifest.json"
UNSEEN_FIGURE = "warm-up"  # the label of the figure drawn for its code (see while_typing)
STYLED_KEY = "login_page_styled"  # this tab has drawn the login page, with its style, before

# Once per page load, just after it is drawn, a group of elements' code per idle moment
# while the login page shows; paths resolve against the frontend's own script, as it does.
BROWSER_SCRIPT = """(() => {
  if (window.__afrondingWarmUp) return;
  window.__afrondingWarmUp = true;
  const main = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!main) return;
  const at = (file) => new URL("../../" + file, main.src).href;
  const idle = window.requestIdleCallback || ((next) => setTimeout(next, 50));
  const [groups, styles] = %s;
  setTimeout(() => {
    for (const style of styles) {
      const link = Object.assign(document.createElement("link"), { rel: "stylesheet" });
      link.href = at(style);
      document.head.append(link);
    }
    // Only while the login page shows: after it, the pages load their own code.
    const onLoginPage = () => document.querySelector(".st-key-warm_up") !== null;
    const load = (i) => i < groups.length && onLoginPage() && idle(
      () => Promise.allSettled(groups[i].map((file) => import(at(file)))).then(() => load(i + 1)),
      { timeout: 1000 },
    );
    load(0);
  }, 200);
})();"""


@st.cache_resource(show_spinner=False)
def _import_modules() -> threading.Thread:
    thread = threading.Thread(
        target=lambda: [importlib.import_module(name) for name in AFTER_LOGIN],
        name="afronding-warm-up",
        daemon=True,
    )
    thread.start()
    return thread


def _files(chunks: dict[str, Any]) -> tuple[list[list[str]], list[str]]:
    by_name = {chunk["name"]: key for key, chunk in chunks.items() if "name" in chunk}
    groups = [[by_name[name] for name in group] for group in ELEMENTS]
    styles: list[str] = []
    seen: set[str] = set()

    def collect_styles(key: str) -> None:
        if key in seen or key not in chunks or chunks[key].get("isEntry"):
            return  # the entry's own styles are in the page already
        seen.add(key)
        styles.extend(s for s in chunks[key].get("css", []) if s not in styles)
        for imported in chunks[key].get("imports", []):
            collect_styles(imported)

    for key in (key for group in groups for key in group):
        collect_styles(key)
    return [[chunks[key]["file"] for key in group] for group in groups], styles


@functools.cache
def element_code(manifest: Path = MANIFEST) -> tuple[list[list[str]], list[str]]:
    """ELEMENTS' script files by group and their style files; none if the manifest differs."""
    try:
        return _files(json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return [], []


def while_typing() -> None:
    """Start loading what the first pages after the login need, unseen, on both ends."""
    _import_modules()
    # Not in the tab's first run: until the page's style has arrived, a new element shows a
    # grey placeholder, and two did below the form. The login cookie's run follows within
    # a second.
    first_run = not st.session_state.get(STYLED_KEY)
    st.session_state[STYLED_KEY] = True
    groups, styles = element_code()
    if groups and not first_run:
        with st.container(key="warm_up"):
            script = BROWSER_SCRIPT % json.dumps([groups, styles])
            st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
            # The first element of a kind waits a moment for its code even when loaded:
            # one figure drawn here, unseen, lets Vandaag's figures show with its title.
            st.metric(UNSEEN_FIGURE, 0, label_visibility="collapsed")
