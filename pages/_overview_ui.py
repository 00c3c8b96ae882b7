"""Vandaag's actions: every row opens its client, today's closing starts from here, and the
sessions that passed without a log are logged (or marked not held) in one click."""

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

from core.agenda import mark_not_held
from core.overview import FormNotBack, Overview, UpcomingSession
from core.timefmt import format_when, local_date, utc_now
from pages import _ui as ui

CLIENT_PAGE = "pages/client.py"
# A list is worked from the top: the first rows, and a button for the rest. Each row's
# columns and buttons cost the page about 2 ms a run (68 rows to log took 150 ms).
ROWS_SHOWN = 8
T = TypeVar("T")


def _first_rows(name: str, items: Sequence[T]) -> Sequence[T]:
    """The rows of list `name` to draw: the first few, or all once the coach asked."""
    if len(items) <= ROWS_SHOWN or st.session_state.get(f"overview_all_{name}"):
        return items
    return items[:ROWS_SHOWN]


def _show_all(name: str, items: Sequence[object], shown: Sequence[object]) -> None:
    """Under a shortened list: how many more, and a button to show them all."""
    if len(shown) < len(items):
        st.button(
            ui.t("overview.show_all", count=len(items)),
            key=f"overview_all_{name}_button",
            icon=":material/expand_more:",
            type="tertiary",
            on_click=lambda: st.session_state.update({f"overview_all_{name}": True}),
        )


def sessions(overview: Overview, rows: list[dict[str, object]]) -> None:
    """The week's sessions, each with a link to its client; today's closings start here."""
    if not rows:
        st.caption(ui.t("overview.sessions_empty"))
        return
    shown = _first_rows("sessions", overview.sessions)
    for item, row in zip(shown, rows[: len(shown)], strict=True):
        text, action = st.columns([5, 2], vertical_alignment="center")
        when, name, kind = (str(value) for value in row.values())
        text.markdown(f"**{ui.plain(when)}** · {ui.plain(name)} · {ui.plain(kind)}")
        with action:
            st.page_link(
                CLIENT_PAGE,
                label=ui.t("overview.open_client"),
                icon=":material/east:",
                query_params={"id": str(item.client_id)},
            )
    _show_all("sessions", overview.sessions, shown)
    for item in overview.closings:
        if local_date(item.scheduled_at, overview.timezone) == overview.today and st.button(
            ui.t("overview.start_closing", client=ui.plain(item.client_name)),
            type="primary",
            icon=":material/play_arrow:",
            key=f"start_closing_{item.session_id}",
        ):
            st.switch_page(
                "pages/closing_session.py", query_params={"traject": str(item.trajectory_id)}
            )


def _section(name: str, items: Sequence[T], row: Callable[[T], None]) -> None:
    """A bordered part of Vandaag with its title and help, only when it has rows."""
    if not items:
        return
    with st.container(border=True):
        st.header(ui.t(f"overview.{name}_title"))
        st.caption(ui.t(f"overview.{name}_help"))
        shown = _first_rows(name, items)
        for item in shown:
            row(item)
        _show_all(name, items, shown)


def to_log(overview: Overview, language: str) -> None:
    """The sessions whose time passed without a log, each with its two possible endings."""
    _section("to_log", overview.to_log, lambda item: _to_log_row(item, overview, language))


def forms_not_back(overview: Overview, language: str) -> None:
    """The closings of the next two days whose client has not sent the evaluation back."""
    _section("forms", overview.forms_not_back, lambda item: _form_row(item, overview, language))


def _form_row(item: FormNotBack, overview: Overview, language: str) -> None:
    closing = item.closing
    when = format_when(closing.scheduled_at, overview.timezone, language, today=overview.today)
    state = ui.t("overview.forms_link_out" if item.link_out else "overview.forms_no_link")
    text, action = st.columns([5, 2], vertical_alignment="center")
    kind = ui.t(f"session_kind.{closing.kind.value}")
    text.markdown(f"**{ui.plain(closing.client_name)}** · {kind} · {when} · {state}")
    if action.button(
        ui.t("overview.forms_action"), key=f"forms_{closing.session_id}", width="stretch"
    ):
        open_client(closing.client_id, section="forms")


def _to_log_row(item: UpcomingSession, overview: Overview, language: str) -> None:
    when = format_when(item.scheduled_at, overview.timezone, language, today=overview.today)
    text, log, missed = st.columns([4, 2, 3], vertical_alignment="center")
    kind = ui.t(f"session_kind.{item.kind.value}")
    text.markdown(f"**{ui.plain(item.client_name)}** · {kind} · {when}")
    if log.button(ui.t("overview.to_log_action"), key=f"log_{item.session_id}", width="stretch"):
        open_client(item.client_id, section="log", session_id=item.session_id)
    if missed.button(ui.t("planned.no_show"), key=f"missed_{item.session_id}", width="stretch"):
        ui.save(
            lambda session: mark_not_held(
                session, coach_id=ui.coach_id(), session_id=item.session_id, now=utc_now()
            ),
            ui.FieldErrors(),
            "planned.no_show_done",
        )


def open_client(client_id: int, *, section: str = "", session_id: int | None = None) -> None:
    """The client's page, at `section` (and for logging, with the planned session filled in)."""
    params = {"id": str(client_id)}
    if section:
        params["deel"] = section
    if session_id is not None:
        params["sessie"] = str(session_id)
    st.switch_page(CLIENT_PAGE, query_params=params)
