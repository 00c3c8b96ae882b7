"""Personal form links for the client: make, list, revoke, and mail one."""

import streamlit as st

from core.client_forms import (
    DEFAULT_VALID_DAYS,
    FORM_KINDS,
    create_form_link,
    form_url,
    list_form_links,
    revoke_form_link,
)
from core.clients import (
    client_email,
)
from core.errors import ValidationError
from core.follow_ups import Draft
from core.kinds import FormKind
from core.mail import MailFailed, send_mail
from core.timefmt import format_date, utc_now
from pages import _ui as ui


def make_form_link(
    trajectory_id: int,
    kind: FormKind,
    days: int = DEFAULT_VALID_DAYS,
    errors: ui.FieldErrors | None = None,
) -> None:
    """Make a link and show it once; it stays at hand (for mailing) for this page visit."""
    try:
        with ui.db_session(write=True) as session:
            link = create_form_link(
                session,
                coach_id=ui.coach_id(),
                trajectory_id=trajectory_id,
                kind=kind,
                valid_days=days,
                now=utc_now(),
            )
    except ValidationError as invalid:
        if errors is not None:
            errors.show(invalid.errors)
        return
    url = form_url(ui.public_base(), link.token)
    st.success(ui.t("forms.created"), icon=":material/link:")
    st.code(url, language=None, wrap_lines=True)  # no scrolling region a keyboard cannot reach
    st.session_state[f"form_link_url_{trajectory_id}"] = (url, kind)


def forms_panel(trajectory_id: int, client_name: str) -> None:
    """Make a personal form link for the client, and see and revoke the links made."""
    coach = ui.coach()
    st.caption(ui.t("forms.intro"))
    errors = ui.FieldErrors()
    with st.form(f"form_link_{trajectory_id}"):
        left, right = st.columns([3, 1])
        kind = left.selectbox(
            ui.t("forms.kind"), FORM_KINDS, format_func=lambda k: ui.t(f"form_kind.{k}")
        )
        days = right.number_input(ui.t("forms.valid_days"), 1, 90, DEFAULT_VALID_DAYS)
        errors.slot("valid_days")
        submitted = st.form_submit_button(
            ui.t("forms.create"), type="primary", icon=":material/add_link:"
        )
    if submitted:
        make_form_link(trajectory_id, kind, int(days), errors)
    if made := st.session_state.get(f"form_link_url_{trajectory_id}"):
        mail_form_link(trajectory_id, *made, client_name=client_name)
    now = utc_now()
    with ui.db_session() as session:
        links = list_form_links(session, coach_id=coach.id, trajectory_id=trajectory_id, now=now)
    st.markdown(f"**{ui.t('forms.list')}**")
    if not links:
        st.caption(ui.t("forms.none"))
    for row in links:
        text, action = st.columns([5, 1], vertical_alignment="center")
        text.write(
            ui.t(
                "forms.row",
                kind=ui.t(f"form_kind.{row.kind}"),
                created=format_date(row.created_at.date(), coach.language),
                expires=format_date(row.expires_at.date(), coach.language),
                state=ui.t(f"link_state.{row.state}"),
            )
        )
        if row.attempts:
            text.caption(ui.t("forms.attempts", count=row.attempts))
        if row.state in ("not_opened", "opened") and action.button(
            ui.t("forms.revoke"), key=f"revoke_{row.link_id}"
        ):
            with ui.db_session(write=True) as session:
                revoke_form_link(session, coach_id=coach.id, link_id=row.link_id, now=utc_now())
            ui.flash("forms.revoked")
            st.rerun()


def mail_form_link(trajectory_id: int, url: str, kind: FormKind, *, client_name: str) -> None:
    """Send the new link to the client the same way as a follow-up mail."""
    coach = ui.coach()
    with ui.db_session() as session:
        email = client_email(session, coach_id=coach.id, trajectory_id=trajectory_id)
    with st.expander(ui.t("forms.mail_title"), icon=":material/mail:"):
        to = st.text_input(
            ui.t("follow_ups.mail_to"), value=email or "", key=f"form_mail_to_{trajectory_id}"
        )
        prefix = "forms.mail" if kind is FormKind.EVALUATION else "forms.homework_mail"
        draft = Draft(
            ui.t(f"{prefix}_subject"),
            ui.t(
                f"{prefix}_body",
                url=url,
                coach=coach.display_name,
                name=client_name.split()[0] if client_name.split() else client_name,
            ),
        )
        smtp = ui.settings().smtp
        if smtp is not None and st.button(
            ui.t("follow_ups.mail_send"), key=f"form_mail_send_{trajectory_id}"
        ):
            try:
                send_mail(
                    smtp,
                    to=to,
                    subject=draft.subject,
                    body=draft.body,
                    sender_name=coach.display_name,
                    reply_to=coach.email,
                )
            except MailFailed as failed:
                st.error(ui.t(failed.message_key), icon=":material/error:")
            else:
                st.success(ui.t("forms.mail_sent"), icon=":material/check:")
        if to.strip():
            st.link_button(
                ui.t("follow_ups.mail_open"),
                draft.mailto(to.strip()),
                icon=":material/open_in_new:",
            )
