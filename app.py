"""Afronding: page config, navigation, the login gate and the sidebar (docs/ARCHITECTURE.md)."""

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from core.config import ConfigError, cookie_key
from pages import _login_ui as login_ui
from pages import _two_factor_ui as two_factor_ui
from pages import _ui as ui
from pages import _warm_up as warm_up

st.set_page_config(page_title="Afronding", page_icon=":material/explore:", layout="wide")
ui.components_without_pandas()

PAGES = {
    "nav.section_work": [
        ("pages/overview.py", "nav.overview", ":material/today:", "vandaag", True),
        ("pages/clients.py", "nav.clients", ":material/groups:", "clienten", False),
        (
            "pages/closing_session.py",
            "nav.closing_session",
            ":material/timer:",
            "afrondingssessie",
            False,
        ),
        ("pages/trends.py", "nav.trends", ":material/monitoring:", "evaluatietrends", False),
        (
            "pages/follow_ups.py",
            "nav.follow_ups",
            ":material/forward_to_inbox:",
            "follow-ups",
            False,
        ),
    ],
    "nav.section_account": [
        ("pages/settings.py", "nav.settings", ":material/settings:", "instellingen", False),
    ],
}
# Reached from the client list, not from the sidebar.
HIDDEN_PAGES = [("pages/client.py", "nav.client", ":material/person:", "client", False)]
# Opened by a personal link, without any login: the client's form, and a coach's invitation
# or password reset.
FORM_PAGE = ("pages/client_form.py", "forms.page_title", ":material/edit_note:", "formulier", False)
ACCOUNT_PAGE = ("pages/account_link.py", "team.page_title", ":material/key:", "account", False)
LINK_PAGES = {FORM_PAGE[3], ACCOUNT_PAGE[3]}

# Navigation comes before anything else renders, even the login form, or the form's first
# submit arrives empty (docs/ARCHITECTURE.md, "Streamlit quirks"). Logged out, the pages
# stay registered but hidden, so a deep link still lands on its page after logging in. URL
# paths differ from the file names on purpose: where they are equal, the login form's
# first submit arrives empty.
logged_in = bool(st.session_state.get("authentication_status"))
page = st.navigation(
    {
        ui.t(section): [
            st.Page(path, title=ui.t(title), icon=icon, url_path=url, default=default)
            for path, title, icon, url, default in pages
        ]
        for section, pages in PAGES.items()
    }
    | {
        "": [
            st.Page(path, title=ui.t(title), icon=icon, url_path=url, visibility="hidden")
            for path, title, icon, url, _ in [*HIDDEN_PAGES, FORM_PAGE, ACCOUNT_PAGE]
        ]
    },
    # A link with a form token never shows the navigation, even to a logged-in coach.
    position="sidebar" if logged_in and "t" not in st.query_params else "hidden",
)
ui.apply_style()
if page.url_path in LINK_PAGES:
    # A link's page runs before the login gate: no accounts loaded, no login cookie read.
    try:
        ui.session_factory()
    except ConfigError:
        st.info(ui.t("db.unavailable"), icon=":material/cloud_off:")
        st.stop()
    page.run()
    st.stop()

current = ui.settings()
try:
    signing_key = cookie_key(current)
    ui.session_factory()
except ConfigError as error:
    ui.stop_with_config_error(error)

if logged_in:
    ui.claim_session_state(st.session_state["username"])
accounts = ui.login_accounts(st.session_state.get("username") if logged_in else None)
authenticator = stauth.Authenticate(
    ui.credentials(accounts),
    current.cookie_name,
    signing_key,
    current.cookie_expiry_days,
    auto_hash=False,
    login_sleep_time=0,
)
st.session_state["app_authenticator"] = authenticator  # a password change renews the cookie

if logged_in and (not accounts or ui.logged_out_since_login(accounts[0])):
    # The account was removed, or the coach logged out on another tab or device since this
    # tab logged in: forget the session and ask for a login. The browser's cookie stays: it
    # may be the next login at this laptop (a revoked one is ignored below). Not a logout in
    # this tab, so nothing drops the cookie.
    authenticator.authentication_controller.logout()
    st.session_state["logout"] = None
    ui.forget_session_state()

if st.session_state.get("authentication_status"):
    with st.sidebar:
        st.caption(ui.t("login.signed_in_as", name=ui.plain(ui.coach().display_name)))
        logged_in_id = ui.coach_id()
        authenticator.logout(
            ui.t("login.logout"),
            location="sidebar",
            key="app_logout",
            callback=lambda _details: ui.remember_logout(logged_in_id),
        )

if not st.session_state.get("authentication_status"):
    # A calm, centred login of readable width on any screen; no sidebar while logged out
    # (right after a logout, this run's navigation was already drawn in it).
    st.html("<style>[data-testid='stSidebar'] { display: none; }</style>")
    middle = st.container(key="login_box")
    middle.title(ui.t("app.name"))
    middle.caption(ui.t("app.tagline"))
    if current.demo_mode:
        middle.info(ui.t("login.demo_hint"), icon=":material/info:")
    ui.ignore_revoked_cookie(authenticator, accounts, current.cookie_expiry_days)
    ui.drop_login_cookie(current.cookie_name)
    try:  # a login cookie of this browser logs in without the form
        authenticator.login(location="unrendered", key="app_cookie_login")
    except LoginError:
        middle.error(ui.t("login.error"))
    status = st.session_state.get("authentication_status")
    if status and authenticator.cookie_controller.get_cookie():
        st.rerun()  # logged in from the cookie: draw again, now with the navigation
    if not status:
        login_ui.login_form(authenticator, middle, current)
        warm_up.while_typing()
    if not st.session_state.get("authentication_status"):
        st.stop()
    # Logged in by the form: this run ends here, so the cookie component can store the
    # login; it reruns the app once it has, and that run draws the navigation and the page
    # (drawing the page now as well would draw it twice, the first time without navigation).
    ui.claim_session_state(st.session_state["username"])
    ui.login_accounts(st.session_state["username"])
    st.stop()

if two_factor_ui.gate():  # recovery codes to keep, or a second step the practice requires
    st.stop()
page.run()
