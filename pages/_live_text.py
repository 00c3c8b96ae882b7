"""A text field that saves while the coach or client types, not only on leaving the field.

Streamlit's own text area reports its value on blur or Ctrl+Enter only, so a reload, a
sleeping tablet or a dropped connection loses the paragraph being typed. This component
sends its text about 0.7 s after the last keystroke (and at once on leaving the field), so
the page's callback stores it in the database while the typist keeps going.
"""

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.i18n import translate
from core.validation import TEXT_MAX
from pages._ui import COACH_COPIES

# The text is set only when the field first mounts: a rerun while someone types must never
# write an older value over what is in the field. User text only ever travels in `data`
# and is set as a value, never as HTML.
_JS = """
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  // A rerun with new data calls the last cleanup and this function again: the field stays,
  // only the listener for a hidden or closing tab is set up anew.
  const backup = data.backup ? browserCopy(data.backup, data.keepDays) : null;
  const copy = backup && backup.read();
  const mounted = parentElement.querySelector("textarea");
  if (mounted) {
    // The server has what the browser kept: the copy is no longer needed.
    if (copy && same(copy.text, data.value)) backup.forget();
    // A text this field sent is stored now: later copies build on it, the kept one too.
    const stored = mounted.pending.findIndex((text) => same(text, data.value));
    if (stored >= 0) {
      mounted.base = data.value;
      mounted.pending.splice(0, stored + 1);
      if (backup && !same(mounted.value, data.value)) mounted.keep();
    }
    return listen(mounted.sendNow);
  }
  const id = "af-" + Math.random().toString(36).slice(2);
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = data.label;
  const area = document.createElement("textarea");
  area.id = id;
  area.rows = data.rows;
  area.maxLength = data.max;
  // Text the server never got (it was down, or the page was reloaded before the save)
  // comes back from the browser's copy and is sent again: when the server has the text it
  // was typed on, or one this field sent on the way. When the server's text has changed
  // otherwise (another device), the newer text wins.
  const ours = copy && [copy.base, ...(copy.sent || [])].some((text) => same(text, data.value));
  const kept = ours && !same(copy.text, data.value) ? copy.text : null;
  if (copy && kept == null) backup.forget();
  area.value = kept != null ? kept : data.value;
  area.base = data.value;
  area.pending = [];  // texts sent and not yet seen stored, oldest first
  area.keep = () => backup && backup.keep(area.value, area.base, area.pending);
  if (data.placeholder) area.placeholder = data.placeholder;
  const full = document.createElement("div");
  full.className = "full";
  full.textContent = data.full;
  full.hidden = area.value.length < data.max;
  parentElement.append(label, area, full);
  let timer = null;
  let sent = data.value;
  let sentAt = Date.now();
  const send = () => {
    clearTimeout(timer);
    if (area.value !== sent) {
      sent = area.value;
      sentAt = Date.now();
      area.pending.push(sent);
      area.keep();
      setStateValue("text", area.value);
    }
  };
  area.addEventListener("input", () => {
    area.keep();
    full.hidden = area.value.length < data.max;
    clearTimeout(timer);
    // Sent after a pause in typing, and at least every few seconds of steady typing.
    if (Date.now() - sentAt > data.every) send();
    else timer = setTimeout(send, data.delay);
  });
  area.addEventListener("blur", send);
  area.sendNow = send;
  if (kept != null) send();
  return listen(send);
}

// The server stores a text without its outer spaces: "abc " sent is "abc" stored.
function same(one, other) {
  return (one || "").trim() === (other || "").trim();
}

// The field's text in the browser's storage until the server has it, for a few days at most,
// with the server's text it was typed on top of (`base`) and the texts sent since (`sent`).
function browserCopy(name, keepDays) {
  const key = "afronding:" + name;
  const forget = () => { try { localStorage.removeItem(key); } catch (e) {} };
  return {
    read() {
      try {
        const copy = JSON.parse(localStorage.getItem(key));
        if (copy && Date.now() - copy.at < keepDays * 86400000) return copy;
      } catch (e) {}
      forget();
      return null;
    },
    keep(text, base, sent) {
      try {
        localStorage.setItem(key, JSON.stringify({ text, base, sent, at: Date.now() }));
      } catch (e) {}
    },
    forget,
  };
}

// A tab being hidden or closed sends what is not sent yet.
function listen(send) {
  document.addEventListener("visibilitychange", send);
  return () => document.removeEventListener("visibilitychange", send);
}
"""

_CSS = """
label { display: block; font-size: .95rem; margin: 0 0 .3rem; color: var(--st-text-color); }
textarea {
  box-sizing: border-box; width: 100%; resize: vertical; padding: .55rem .75rem;
  font: inherit; font-size: 1rem; line-height: 1.45; color: var(--st-text-color);
  background: var(--st-secondary-background-color); border: 1px solid transparent;
  border-radius: var(--st-base-radius, .6rem); scroll-margin-top: 9rem;
}
textarea:focus { outline: none; border-color: var(--st-primary-color); }
.full { font-size: .9rem; color: #8a5a0b; margin-top: .25rem; }
"""

_live_text = st.components.v2.component("afronding_live_text", js=_JS, css=_CSS)
SEND_AFTER_MS = 700  # a pause in typing this long sends the text
SEND_EVERY_MS = 2000  # steady typing without a pause still sends this often
BROWSER_COPY_DAYS = 30  # a copy the server never got is dropped after this


def coach_copy(coach_id: int, *field: object) -> str:
    """The name of a coach's copy of one field in the browser (see `live_text`)."""
    return COACH_COPIES + ":".join(str(part) for part in (coach_id, *field))


def live_text(
    label: str,
    *,
    key: str,
    value: str,
    on_text: Callable[[str], None],
    language: str,
    rows: int = 3,
    placeholder: str = "",
    browser_copy: str = "",
) -> str:
    """A text area that calls `on_text(text)` while typing; returns the text as last sent.

    With `browser_copy` (a name unique to the field) the browser also keeps the text until
    the page is drawn with it as `value`, so a database fault or a reload within the pause
    loses nothing. A coach's copies are named by `coach_copy`: a logout forgets them
    (`ui.drop_login_cookie`)."""

    def changed() -> None:
        on_text(str(st.session_state[key]["text"]))

    result: Any = _live_text(
        key=key,
        data={
            "label": label,
            "value": value,
            "rows": rows,
            "max": TEXT_MAX,
            "full": translate("validation.text_full", language, max=TEXT_MAX),
            "delay": SEND_AFTER_MS,
            "every": SEND_EVERY_MS,
            "placeholder": placeholder,
            "backup": browser_copy,
            "keepDays": BROWSER_COPY_DAYS,
        },
        default={"text": value},
        on_text_change=changed,
    )
    return str(result["text"])


_SENT_JS = """
export default function ({ data, setStateValue }) {
  const sent = "afronding:sent:" + data.prefix;
  try {
    if (data.arrived) {
      // The answers arrived: the copies go, a note that they were sent stays.
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith("afronding:" + data.prefix)) localStorage.removeItem(key);
      }
      localStorage.setItem(sent, String(Date.now()));
    } else {
      setStateValue("sent", localStorage.getItem(sent) !== null);
    }
  } catch (e) {
    if (!data.arrived) setStateValue("sent", false);
  }
}
"""
_sent = st.components.v2.component("afronding_form_sent", js=_SENT_JS)


def mark_sent(prefix: str) -> None:
    """The form `prefix` arrived: drop the browser's copies, remember it was sent here."""
    _sent(key=f"sent_{prefix}", data={"prefix": prefix, "arrived": True})


def sent_from_here(prefix: str) -> bool | None:
    """Whether this browser sent form `prefix` before; None until the browser has said."""
    result: Any = _sent(
        key=f"sent_check_{prefix}",
        data={"prefix": prefix, "arrived": False},
        default={"sent": None},
        on_sent_change=lambda: None,
    )
    return None if result["sent"] is None else bool(result["sent"])
