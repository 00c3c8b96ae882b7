"""A text field that saves while the coach or client types, not only on leaving the field.

Streamlit's own text area reports its value on blur or Ctrl+Enter only, so a reload, a
sleeping tablet or a dropped connection loses the paragraph being typed. This component
sends its text about 0.7 s after the last keystroke (and at once on leaving the field), so
the page's callback stores it in the database while the typist keeps going.
"""

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.validation import TEXT_MAX

# The text is set only when the field first mounts: a rerun while someone types must never
# write an older value over what is in the field. User text only ever travels in `data`
# and is set as a value, never as HTML.
_JS = """
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (parentElement.querySelector("textarea")) return;
  const id = "af-" + Math.random().toString(36).slice(2);
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = data.label;
  const area = document.createElement("textarea");
  area.id = id;
  area.rows = data.rows;
  area.maxLength = data.max;
  area.value = data.value;
  if (data.placeholder) area.placeholder = data.placeholder;
  parentElement.append(label, area);
  let timer = null;
  let sent = data.value;
  const send = () => {
    clearTimeout(timer);
    if (area.value !== sent) {
      sent = area.value;
      setStateValue("text", area.value);
    }
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(send, data.delay);
  });
  area.addEventListener("blur", send);
  // A tab being hidden or closed sends what is not sent yet.
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
"""

_live_text = st.components.v2.component("afronding_live_text", js=_JS, css=_CSS)
SEND_AFTER_MS = 700  # a pause in typing this long sends the text


def live_text(
    label: str,
    *,
    key: str,
    value: str,
    on_text: Callable[[str], None],
    rows: int = 3,
    placeholder: str = "",
) -> str:
    """A text area that calls `on_text(text)` while typing; returns the text as last sent."""

    def changed() -> None:
        on_text(str(st.session_state[key]["text"]))

    result: Any = _live_text(
        key=key,
        data={
            "label": label,
            "value": value,
            "rows": rows,
            "max": TEXT_MAX,
            "delay": SEND_AFTER_MS,
            "placeholder": placeholder,
        },
        default={"text": value},
        on_text_change=changed,
    )
    return str(result["text"])
