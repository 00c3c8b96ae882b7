"""Small UI helpers the pages share: the database session, the coach, the text catalog."""

import functools
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import streamlit as st
from jwt import InvalidTokenError
from streamlit import dataframe_util
from streamlit.components.v1 import custom_component
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from core import sessions
from core.accounts import (
    CoachAccount,
    cookie_revoked,
    get_account,
    list_login_accounts,
    record_logout,
)
from core.config import ConfigError, Settings, describe_config_error, load_settings
from core.database import DbSession, SessionFactory, prepare_database, transaction
from core.errors import DatabaseUnavailable, ValidationError
from core.i18n import DEFAULT_LANGUAGE, translate
from core.kinds import SessionKind
from core.timefmt import DEFAULT_TIMEZONE, format_moment, local_date, utc_now

STYLE = (Path(__file__).parent / "_style.css").read_text(encoding="utf-8")
Read = TypeVar("Read")
log = logging.getLogger(__name__)
COACH_KEY = "app_coach"  # the logged-in CoachAccount, refreshed on every run by app.py


@functools.cache  # once per process
def components_without_pandas() -> None:
    """Streamlit asks of each argument of a component whether it is a dataframe, and asking
    imports pandas (half a second of a cold start). The login cookie's component passes an
    empty dict, never a dataframe: for that answer the login page no longer waits on pandas."""

    def is_dataframe_like(obj: object) -> bool:
        if isinstance(obj, dict) and not obj:
            return False
        return dataframe_util.is_dataframe_like(obj)

    custom_component.is_dataframe_like = is_dataframe_like  # type: ignore[attr-defined]


def apply_style() -> None:
    """The app's own CSS: the live clock bar, and no English hints from Streamlit."""
    st.html(f"<style>{STYLE}</style>")


def settings() -> Settings:
    """The app's settings, read from the environment and secrets on each run."""
    return load_settings()


# Per process, per settings: connecting and migrating happen once, not on every rerun. A
# dict rather than st.cache_resource, whose hashing of the settings took about 1 ms of
# every call, and a page calls this several times a run.
_FACTORIES: dict[Settings, SessionFactory] = {}
_FACTORIES_LOCK = threading.Lock()


def session_factory() -> SessionFactory:
    """The session factory for the configured database; raises ConfigError when it can't open."""
    current = settings()
    if (factory := _FACTORIES.get(current)) is None:
        with _FACTORIES_LOCK:  # two sessions starting at once prepare the database once
            if (factory := _FACTORIES.get(current)) is None:
                today = local_date(utc_now(), DEFAULT_TIMEZONE)
                factory = _FACTORIES[current] = prepare_database(current, today=today)
    return factory


def read_later(read: Callable[[DbSession], Read]) -> Callable[[], Read]:
    """`read` in a transaction of its own when called: a download's data, read on the click
    (outside the page's run, so with the factory of this run)."""
    factory = session_factory()

    def later() -> Read:
        with transaction(factory) as session:
            return read(session)

    return later


def public_base() -> str:
    """Where clients reach the app: the configured address, else the one in this browser."""
    return settings().public_url or st.context.url or "http://localhost:8501"


@contextmanager
def db_session(*, write: bool = False) -> Iterator[DbSession]:
    """A page's transaction (`write` to change data); a fault becomes a calm message. A write
    of a coach who is no longer logged in (out elsewhere, deactivated) writes nothing: the
    whole app draws again, as the login page. (A dialog or the clock reruns only itself.)"""
    if write and st.session_state.get(COACH_KEY) and not still_logged_in():
        forget_session_state()
        st.session_state["authentication_status"] = None
        st.rerun(scope="app")
        st.stop()  # in a widget's callback a rerun waits: nothing may be written meanwhile
    try:
        with transaction(session_factory(), write=write) as session:
            yield session
    except DatabaseUnavailable:
        st.error(t("db.unavailable"), icon=":material/cloud_off:")
        st.stop()


def stop_with_config_error(error: ConfigError) -> NoReturn:
    """Explain why the app can't start, and stop; the database's address is in the log."""
    log.error("cannot start: %s", describe_config_error(error, settings(), DEFAULT_LANGUAGE))
    shown = describe_config_error(error, settings(), language(), for_visitors=True)
    st.title(t("config.title"))
    st.error(shown, icon=":material/error:")
    st.stop()


def language() -> str:
    """The coach's language, or Dutch before login."""
    coach = st.session_state.get(COACH_KEY)
    return coach.language if coach else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The catalog text `key` in the coach's language."""
    return translate(key, language(), **values)


def coach() -> CoachAccount:
    """The logged-in coach; without one, the visitor is sent through app.py's login gate.

    app.py sets the coach before it runs a page. But on the first request to a freshly
    started server, Streamlit runs a deep-linked file from pages/ directly, before any
    st.navigation call: then there is no coach, and nothing of the page may run.
    """
    account: CoachAccount | None = st.session_state.get(COACH_KEY)
    if account is None or not st.session_state.get("authentication_status"):
        st.switch_page("app.py")
    return account


def coach_id() -> int:
    """The logged-in coach's id, for scoping every service call."""
    return coach().id


def usual_minutes(kind: SessionKind) -> int:
    """The length a session of `kind` starts with, for this coach."""
    return sessions.usual_minutes(kind, session_minutes=coach().session_minutes)


def login_accounts(username: str | None) -> list[CoachAccount]:
    """The logged-in coach (kept for the pages), or every account while nobody is logged in."""
    with db_session() as session:
        if not username:
            st.session_state[COACH_KEY] = None
            return list_login_accounts(session, demo_mode=settings().demo_mode)
        account = get_account(session, username=username, demo_mode=settings().demo_mode)
    st.session_state[COACH_KEY] = account
    return [account] if account else []


def credentials(accounts: list[CoachAccount]) -> dict[str, dict[str, dict[str, object]]]:
    """The authenticator's credentials dict, built from database rows (bcrypt hashes)."""
    return {
        "usernames": {
            a.username: {
                "email": a.email,
                "first_name": a.first_name,
                "last_name": a.display_name.removeprefix(a.first_name).strip(),
                "password": a.password_hash,
                "roles": [a.role.value],
            }
            for a in accounts
        }
    }


def table(rows: Sequence[Mapping[str, object]], empty_key: str) -> None:
    """Display rows as a calm, read-only table (plain text: nothing a client typed renders)."""
    if not rows:
        st.caption(t(empty_key))
        return
    st.dataframe(rows, hide_index=True, width="stretch", height="content")


def figures_table(rows: Sequence[Mapping[str, object]]) -> None:
    """A few rows of the app's own figures, wrapped to fit the page at 1024 px (its cells are
    Markdown: never for what a client or coach typed)."""
    st.table(rows, hide_index=True)


def download(
    label: str,
    data: bytes | str | Callable[[], bytes | str],
    *,
    file_name: str,
    mime: str,
    icon: str = ":material/download:",
    **options: Any,
) -> None:
    """A download button that leaves the page as it is when clicked."""
    # A click that reruns the page renews the button while its file is being fetched,
    # and under load that fetch was never answered: the button kept spinning.
    st.download_button(
        label, data, file_name=file_name, mime=mime, icon=icon, on_click="ignore", **options
    )


# What the login library and its cookie component keep in the session: everything else is
# the pages' own state (a coach's drafts, choices, search text) and belongs to one coach.
AUTH_KEYS = frozenset(
    {
        "authentication_status",
        "username",
        "name",
        "email",
        "roles",
        "logout",
        "password_hint",
        "init",
        "set",
        "delete",
        "get_all",
        "app_authenticator",
    }
)
OWNER_KEY = "app_owner"  # the username whose state the session holds
LOGIN_AT_KEY = "app_login_at"  # when this tab's login began: a logout after it ends it
COACH_COPIES = "coach:"  # how a coach's field copies are named (pages/_live_text.py)
FORGET_COPIES_SCRIPT = f"""
for (const key of Object.keys(localStorage)) {{
  if (key.startsWith("afronding:{COACH_COPIES}")) localStorage.removeItem(key);
}}"""


def forget_session_state() -> None:
    """Drop every page's state: on a shared laptop, nothing of one coach reaches the next."""
    for key in [k for k in st.session_state if k not in AUTH_KEYS]:
        del st.session_state[key]


def claim_session_state(username: str) -> None:
    """A login as another coach than the one whose state this tab holds starts clean."""
    if st.session_state.get(OWNER_KEY) != username:
        forget_session_state()
        st.session_state[OWNER_KEY] = username
        st.session_state[LOGIN_AT_KEY] = utc_now()


def logged_out_since_login(account: CoachAccount | None) -> bool:
    """The coach logged out (on any device) after this tab logged in: this tab is done too."""
    began = st.session_state.get(LOGIN_AT_KEY)
    return bool(
        account is not None and account.logged_out_at and began and account.logged_out_at > began
    )


def fragment_rerun() -> bool:
    """True when only a fragment runs (a tick of the clock), not the whole page."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def still_logged_in() -> bool:
    """False once the coach logged out elsewhere, changed the password, or was deactivated
    (one small query): the ticking clock and every write ask it."""
    with transaction(session_factory()) as session:
        account = get_account(session, username=coach().username, demo_mode=settings().demo_mode)
    return account is not None and not logged_out_since_login(account)


def keep_this_login() -> None:
    """After a password change ended every session: this tab goes on, with a new cookie."""
    st.session_state[LOGIN_AT_KEY] = utc_now()
    store_login_cookie(st.session_state["app_authenticator"])


def store_login_cookie(authenticator: Any) -> None:
    """The browser keeps this login: a reload, or the next visit, logs in without the form."""
    cookies = authenticator.cookie_controller.cookie_model
    cookies.set_cookie()
    # The library stores it from a component frame, which a quick rerun can remove before
    # its script ran (a logout and a new login in one tab lost it one time in two): the page
    # stores the same signed token itself. The cookie is readable by scripts either way.
    expires = formatdate(cookies.exp_date, usegmt=True)
    stored = f"{cookies.cookie_name}={cookies._token_encode()}; path=/; expires={expires}"
    _run_in_page(f"document.cookie = {json.dumps(stored + '; samesite=strict')};")


def _run_in_page(script: str) -> None:
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def remember_logout(coach_id: int) -> None:
    """Every login cookie of this coach issued until now stops working; the tab forgets all."""
    with db_session(write=True) as session:
        record_logout(session, coach_id=coach_id, now=utc_now())
    forget_session_state()


def ignore_revoked_cookie(
    authenticator: Any, accounts: list[CoachAccount], valid_days: float
) -> None:
    """Make the authenticator ignore a login cookie issued before its coach's last logout,
    or one it can't read (another algorithm, a text expiry): the login page, not a crash."""
    try:
        token = authenticator.cookie_controller.get_cookie()
        account = (
            next((a for a in accounts if a.username == token.get("username")), None)
            if token
            else None
        )
        unusable = account is not None and cookie_revoked(
            account, expires=float(token["exp_date"]), valid_days=valid_days
        )
    except (InvalidTokenError, KeyError, TypeError, ValueError, AttributeError):
        unusable = True  # the library only catches some malformed tokens itself
    if unusable:
        # The library skips the cookie for the rest of this browser session, and we ask
        # the browser to drop it.
        st.session_state["logout"] = True
        authenticator.cookie_controller.delete_cookie()


def drop_login_cookie(cookie_name: str) -> None:
    """After a logout in this tab, the browser drops the login cookie and the coach's field
    copies at once."""
    # The library deletes it from a component frame that a quick rerun can remove before
    # its script ran (seen in the browser suite: the cookie stayed); this runs in the page.
    if st.session_state.get("logout"):
        expired = f"{cookie_name}=; path=/; max-age=0; samesite=strict"
        # And what the coach typed that the server never got: the next coach at a shared
        # laptop finds nothing of it in the browser's storage.
        _run_in_page(f"document.cookie = {json.dumps(expired)};{FORGET_COPIES_SCRIPT}")


_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Streamlit links bare addresses after parsing, so escapes don't stop it: an invisible
# word joiner inside "://", "www." and after "@" does, and the text still reads the same.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
_WORD_JOINER = "\u2060"


MAX_ID = 2**31 - 1  # the largest id a database column holds


def id_in_url(name: str) -> int | None:
    """The record id in query parameter `name`: None when missing, 0 (which no record has,
    so it is "not found") when it can't be an id — too long, too large, not a number."""
    raw = st.query_params.get(name, "")
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,10}", raw) or int(raw) > MAX_ID:
        return 0
    return int(raw)


def plain(text: str) -> str:
    """Text a client or coach typed, shown as typed: no markdown, no links, lines kept."""
    lines = _AUTOLINK.sub(_WORD_JOINER, text.replace("\r\n", "\n")).split("\n")
    # Leading spaces would make a code block; no-break spaces keep the indent visible.
    return "  \n".join(
        "\u00a0" * (len(line) - len(line.lstrip(" \t")))
        + _ASCII_PUNCTUATION.sub(r"\\\1", line.lstrip(" \t"))
        for line in lines
    )


class FieldErrors:
    """Placeholders under form fields, filled with the refusal for that field after submit."""

    def __init__(self) -> None:
        self._slots: dict[str, Any] = {}

    def slot(self, field: str) -> None:
        """Reserve the place for `field`'s message, right under the field."""
        self._slots[field] = st.empty()

    def show(
        self,
        errors: dict[str, str],
        language: str | None = None,
        values: dict[str, dict[str, object]] | None = None,
    ) -> None:
        """Put each message beside its field (or at the end when the field has no slot)."""
        for field, key in errors.items():
            filled = {name: _shown(value) for name, value in (values or {}).get(field, {}).items()}
            text = translate(key, language, **filled) if language else t(key, **filled)
            self._slots.get(field, st).error(text, icon=":material/error:")


def _shown(value: object) -> object:
    """A placeholder's value in a message: a moment in the coach's zone, text as typed."""
    if isinstance(value, datetime):
        return format_moment(value, coach().timezone, language())
    return plain(value) if isinstance(value, str) else value


def flash(key: str, *, place: str = "page", **values: object) -> None:
    """A success message to show after the next rerun, at `place` (the page's top, or a
    section far down that says it where the coach is looking)."""
    st.session_state[f"app_flash_{place}"] = t(key, **values)


def show_flash(place: str = "page") -> None:
    """Show (once) the success message left by the previous run for `place`."""
    # Always one element here, message or not: when a message goes away, nothing below it
    # moves, and a field being typed in further down is not drawn anew (losing its text).
    slot = st.empty()
    if message := st.session_state.pop(f"app_flash_{place}", None):
        slot.success(message, icon=":material/check_circle:")


def forget(*keys: str) -> None:
    """Drop widget values, so a form starts empty after a successful save."""
    for key in keys:
        st.session_state.pop(key, None)


def lazy_popover(
    column: DeltaGenerator, label: str, *, key: str, icon: str
) -> DeltaGenerator | None:
    """A popover whose content is drawn only while it is open; None while it is closed."""
    # Closed popovers drew their forms on every run: on Follow-ups that was most of the
    # page's time, as each widget walks the whole session state once (quadratic).
    popover = column.popover(label, icon=icon, key=key, on_change="rerun")
    return popover if popover.open else None


def score_input(label: str, *, key: str | None = None) -> int | None:
    """A whole-number score field, empty until the coach fills it in."""
    # No bounds in the field: the browser would refuse a score out of range in English and
    # the form would send nothing; core checks the range and says it in the coach's language.
    value = st.number_input(label, value=None, step=1, key=key)
    return None if value is None else int(value)


def lazy_expander(label: str, *, key: str, icon: str) -> DeltaGenerator | None:
    """An expander whose content is drawn only while it is open; None while it is closed."""
    expander = st.expander(label, icon=icon, key=key, on_change="rerun")
    return expander if expander.open else None


def timeline(rows: list[dict[str, object]]) -> None:
    """A trajectory's events as a calm vertical list: date, what happened, details."""
    for row in rows:
        when, what, details = (str(value) for value in row.values())
        st.markdown(f"**{plain(when)}** · {plain(what)}")
        if details:
            st.caption(plain(details))


def save(
    action: Callable[[Any], object],
    errors: FieldErrors,
    done: str,
    *,
    clear: Iterable[str] = (),
    then: str | None = None,
    place: str = "page",
    **values: object,
) -> None:
    """Run `action` in one transaction; refused input goes beside its fields and nothing is
    written, success clears the form, says `done` and draws again (or opens page `then`)."""
    try:
        with db_session(write=True) as session:
            action(session)
    except ValidationError as invalid:
        errors.show(invalid.errors, values=invalid.values)
        return
    forget(*clear)
    flash(done, place=place, **values)
    if then:
        st.switch_page(then)
    st.rerun()
