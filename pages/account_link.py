"""Account: a coach's invitation to the practice, or a password reset, opened by a link.

app.py runs this page before its login gate: everything comes from the link's token.
"""

import streamlit as st

from core.database import transaction
from core.errors import DatabaseUnavailable, ValidationError
from core.team import open_account_link, use_account_link
from core.timefmt import utc_now
from pages import _ui as ui
from pages._accounts_ui import new_password_fields

token = str(st.query_params.get("t", ""))[:200]
if st.session_state.get("account_done") == token and token:
    st.title(ui.t("team.done_title"))
    st.success(ui.t("team.done"), icon=":material/check_circle:")
    st.markdown(f"[{ui.t('team.to_login')}](/)")
    st.stop()
try:
    with transaction(ui.session_factory()) as session:
        link = open_account_link(session, token=token, now=utc_now()) if token else None
except DatabaseUnavailable:
    st.warning(ui.t("db.unavailable"), icon=":material/cloud_off:")
    st.stop()
if link is None:
    st.title(ui.t("team.dead_title"))
    st.info(ui.t("team.dead"), icon=":material/link_off:")
    st.stop()

invite = link.kind == "invite"
st.title(ui.t("team.invite_title" if invite else "team.reset_title"))
st.write(
    ui.t(
        "team.invite_intro" if invite else "team.reset_intro",
        name=ui.plain(link.display_name),
        username=ui.plain(link.username or ""),
    )
)
errors = ui.FieldErrors()
with st.form("account_link", clear_on_submit=False):
    username = ""
    if invite:
        username = st.text_input(
            ui.t("team.choose_username"), max_chars=40, help=ui.t("team.username_help")
        )
        errors.slot("username")
    password, repeated = new_password_fields(errors, slot="password")
    st.caption(ui.t("team.password_rules"))
    submitted = st.form_submit_button(
        ui.t("team.invite_submit" if invite else "team.reset_submit"), type="primary"
    )
if submitted:
    try:
        with transaction(ui.session_factory(), write=True) as session:
            account = use_account_link(
                session,
                token=token,
                username=username,
                password=password,
                repeated=repeated,
                now=utc_now(),
            )
    except ValidationError as invalid:
        errors.show(invalid.errors)
    except DatabaseUnavailable:
        st.warning(ui.t("db.unavailable"), icon=":material/cloud_off:")
    else:
        if account is not None:
            st.session_state["account_done"] = token
        st.rerun()  # the done page, or the dead link's page when it was used meanwhile
