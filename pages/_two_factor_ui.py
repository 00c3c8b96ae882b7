"""Tweestapsverificatie in Instellingen: set it up with a QR code, see the recovery codes
once, turn it off; a practice owner can require it for every coach."""

import streamlit as st

from core.errors import ValidationError
from core.timefmt import utc_now
from core.two_factor import (
    disable_two_factor,
    enable_two_factor,
    new_secret,
    qr_data_uri,
    recovery_codes_left,
    require_two_factor,
    setup_uri,
)
from pages import _ui as ui
from pages._accounts_ui import guarded

SECRET_KEY = "two_factor_secret"  # the secret being set up, until its first code is right
CODES_KEY = "two_factor_codes"  # the recovery codes just made: shown until acknowledged


def gate() -> bool:
    """Before any page: recovery codes just made are seen first, and where the practice
    requires a second step, it is set up first. True when it drew the page itself."""
    coach = ui.coach()
    if codes := st.session_state.get(CODES_KEY):
        st.title(ui.t("two_factor.title"))
        _show_codes(codes)
        return True
    if coach.two_factor_required and not coach.two_factor:
        st.title(ui.t("two_factor.must_title"))
        st.info(ui.t("two_factor.must"), icon=":material/verified_user:")
        setup()
        return True
    return False


def two_factor_section() -> None:
    """The coach's second step: its state and what can be done with it."""
    coach = ui.coach()
    with st.container(border=True):
        st.header(ui.t("two_factor.title"))
        if coach.two_factor:
            _turn_off()
        else:
            setup()
        if coach.role == "owner" and coach.practice_id is not None:
            _practice_rule(coach.two_factor_required)


def setup() -> None:
    """Scan the QR code, type the first code: from then on the login asks for a code."""
    coach = ui.coach()
    st.caption(ui.t("two_factor.intro"))
    secret = st.session_state.setdefault(SECRET_KEY, new_secret())
    uri = setup_uri(secret, coach.username)
    picture, steps = st.columns([1, 2])
    # An <img> of our own: st.image has no text alternative, and a screen reader must hear
    # what the picture is for (the key beside it is the way without a camera).
    picture.html(f'<img src="{qr_data_uri(uri)}" width="200" alt="{ui.t("two_factor.qr_alt")}">')
    picture.caption(ui.t("two_factor.qr_caption"))
    with steps:
        st.markdown(ui.t("two_factor.steps"))
        key = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        st.code(key, language=None, wrap_lines=True)  # whole on a phone, where it is typed
        errors = ui.FieldErrors()
        with st.form("two_factor_setup", border=False):
            code = st.text_input(ui.t("two_factor.first_code"), max_chars=6)
            errors.slot("code")
            submitted = st.form_submit_button(ui.t("two_factor.turn_on"), type="primary")
    if not submitted:
        return
    try:
        with ui.db_session(write=True) as session:
            codes = enable_two_factor(
                session, coach_id=coach.id, secret=secret, code=code, now=utc_now()
            )
    except ValidationError as invalid:
        errors.show(invalid.errors)
        return
    st.session_state.pop(SECRET_KEY, None)
    st.session_state[CODES_KEY] = codes
    # Every other login ended (it had no code): this tab goes on with a new cookie. No rerun
    # until the cookie component has stored it: it draws the app again itself, and then the
    # recovery codes come first.
    ui.keep_this_login()
    st.success(ui.t("two_factor.on"), icon=":material/verified_user:")


def _show_codes(codes: list[str]) -> None:
    st.success(ui.t("two_factor.on"), icon=":material/verified_user:")
    st.markdown(ui.t("two_factor.codes_intro"))
    st.code("\n".join(codes), language=None, wrap_lines=True)
    if st.button(ui.t("two_factor.codes_kept"), type="primary", key="two_factor_codes_kept"):
        st.session_state.pop(CODES_KEY, None)
        st.rerun()


def _turn_off() -> None:
    coach = ui.coach()
    with ui.db_session() as session:
        left = recovery_codes_left(session, coach_id=coach.id)
    st.markdown(ui.t("two_factor.is_on", left=left))
    if coach.two_factor_required:
        st.caption(ui.t("two_factor.required_here"))
        return
    errors = ui.FieldErrors()
    with st.form("two_factor_off", border=False):
        code = st.text_input(ui.t("two_factor.off_code"), max_chars=20)
        errors.slot("code")
        submitted = st.form_submit_button(ui.t("two_factor.turn_off"))
    if submitted and guarded(
        lambda session: disable_two_factor(session, coach_id=coach.id, code=code, now=utc_now()),
        errors,
        field="code",
        wrong="two_factor.code_wrong",
    ):
        ui.flash("two_factor.off")
        st.rerun()


def _practice_rule(required: bool) -> None:
    coach = ui.coach()
    wanted = st.toggle(ui.t("two_factor.require"), value=required, key="two_factor_require")
    if wanted != required:
        ui.save(
            lambda session: require_two_factor(session, coach_id=coach.id, required=wanted),
            ui.FieldErrors(),
            "two_factor.required_on" if wanted else "two_factor.required_off",
        )
