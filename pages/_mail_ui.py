"""A follow-up's mail: the coach edits the draft once, then sends it now or on the due day
(over the practice's SMTP server), or opens it in their own mail program."""

from datetime import datetime

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.client_forms import create_form_link, form_url
from core.config import SmtpSettings
from core.errors import ValidationError
from core.follow_ups import (
    LINK_KINDS,
    LINK_MARKER,
    Draft,
    MailStatus,
    QueueItem,
    SelfCheckStatus,
    draft_message,
    put_link,
)
from core.kinds import FollowUpKind, FormKind, MailState
from core.outbox import (
    DEFAULT_SEND_TIME,
    SELF_CHECK_VALID_DAYS,
    cancel_mail,
    deliver,
    retry_mail,
    schedule_mail,
)
from core.timefmt import format_date, format_moment, utc_now, zone
from pages import _ui as ui


def mail_popover(column: DeltaGenerator, item: QueueItem, smtp: SmtpSettings | None) -> None:
    """The mail, editable; sending or scheduling it, or the coach's own mail program."""
    key = f"mail_{item.follow_up_id}"
    popover = ui.lazy_popover(
        column, ui.t("follow_ups.mail"), icon=":material/mail:", key=f"{key}_popover"
    )
    if popover is None:
        return
    with_link = item.kind in LINK_KINDS
    draft = draft_message(
        item, coach_name=ui.coach().display_name, language=item.language, with_link=with_link
    )
    with popover:
        errors = ui.FieldErrors()
        # Kept while the popover is closed: the draft being edited is not lost by a click
        # outside it.
        to = st.text_input(
            ui.t("follow_ups.mail_to"),
            value=item.client_email or "",
            key=f"{key}_to",
            persist_state="page",
        )
        errors.slot("to")
        subject = st.text_input(
            ui.t("follow_ups.mail_subject"),
            value=draft.subject,
            key=f"{key}_subject",
            persist_state="page",
        )
        errors.slot("subject")
        body = st.text_area(
            ui.t("follow_ups.mail_body"),
            value=draft.body,
            height=260,
            key=f"{key}_body",
            persist_state="page",
        )
        errors.slot("body")
        if with_link:
            st.caption(ui.t("outbox.link_note", marker=LINK_MARKER, days=SELF_CHECK_VALID_DAYS))
        if smtp is None:
            st.info(ui.t("outbox.no_smtp"), icon=":material/schedule_send:")
        else:
            _send_or_schedule(item, smtp, to, subject, body, errors)
        _own_program(item, to, Draft(subject, body), with_link)


def _send_or_schedule(
    item: QueueItem,
    smtp: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    errors: ui.FieldErrors,
) -> None:
    key = f"mail_{item.follow_up_id}"
    attach = st.checkbox(
        ui.t("outbox.attach_plan"),
        value=item.kind is FollowUpKind.WEEK1_MAIL,
        key=f"{key}_attach",
    )
    at = st.time_input(ui.t("outbox.send_time"), value=DEFAULT_SEND_TIME, step=900, key=f"{key}_at")
    now = utc_now().astimezone(zone(ui.coach().timezone))
    day = format_date(max(item.due_on, now.date()), ui.language())
    scheduled = False
    if item.due_on > now.date():
        label = ui.t("outbox.schedule", date=day, time=at.strftime("%H:%M"))
    elif at > now.time():
        label = ui.t("outbox.schedule_today", time=at.strftime("%H:%M"))
    else:  # today's moment has passed: only "now" is honest
        label = ""
        st.caption(ui.t("outbox.time_passed", time=at.strftime("%H:%M")))
    if label:
        scheduled = st.button(label, type="primary", key=f"{key}_schedule", width="stretch")
    at_once = st.button(ui.t("outbox.send_now"), key=f"{key}_send", width="stretch")
    if not (scheduled or at_once):
        return
    try:
        with ui.db_session(write=True) as session:
            mail_id = schedule_mail(
                session,
                coach_id=ui.coach_id(),
                follow_up_id=item.follow_up_id,
                to=to,
                subject=subject,
                body=body,
                at=None if at_once else at,
                link_base=ui.public_base() if item.kind in LINK_KINDS else None,
                attach_plan=attach,
                now=utc_now(),
            )
    except ValidationError as invalid:
        errors.show(invalid.errors)
        return
    card = f"card_{item.follow_up_id}"  # said on the card the coach is looking at
    if scheduled:
        ui.forget(f"{key}_to", f"{key}_subject", f"{key}_body", f"{key}_popover")
        at_time = at.strftime("%H:%M")
        ui.flash("outbox.scheduled", place=card, name=item.client_name, date=day, time=at_time)
        st.rerun()
    # Sent from here, outside any transaction: a slow mail server holds no database lock.
    delivery = deliver(ui.session_factory(), smtp, mail_id=mail_id, now=utc_now())
    if delivery.reason:  # the card says it where the coach clicked; the text stays
        st.session_state[f"{key}_failed"] = delivery.reason
        st.rerun()
    ui.forget(f"{key}_to", f"{key}_subject", f"{key}_body", f"{key}_popover")
    if item.kind in LINK_KINDS or item.kind is FollowUpKind.MONTH6_RESULT:
        ui.flash("outbox.sent_waiting", place=card, name=item.client_name.split()[0])
    else:
        ui.flash("follow_ups.mail_sent")
    st.rerun()


def _own_program(item: QueueItem, to: str, draft: Draft, with_link: bool) -> None:
    """A mailto: link; a mail that asks for a self-check first gets its link made here."""
    if not to.strip():
        return
    if with_link:
        made = st.session_state.get(f"self_check_url_{item.follow_up_id}")
        if made is None:
            if st.button(
                ui.t("outbox.make_link"),
                icon=":material/add_link:",
                key=f"mail_{item.follow_up_id}_link",
            ):
                _make_link(item)
                st.rerun()
            return
        draft = Draft(draft.subject, put_link(draft.body, made))
    st.link_button(
        ui.t("follow_ups.mail_open"), draft.mailto(to.strip()), icon=":material/open_in_new:"
    )


def _make_link(item: QueueItem) -> None:
    with ui.db_session(write=True) as session:
        link = create_form_link(
            session,
            coach_id=ui.coach_id(),
            trajectory_id=item.trajectory_id,
            kind=FormKind.SELF_CHECK,
            valid_days=SELF_CHECK_VALID_DAYS,
            follow_up_id=item.follow_up_id,
            now=utc_now(),
        )
    st.session_state[f"self_check_url_{item.follow_up_id}"] = form_url(ui.public_base(), link.token)


def status_lines(item: QueueItem) -> None:
    """Where the follow-up's mail and self-check link stand, in one or two quiet lines."""
    coach = ui.coach()
    slot = st.empty()  # always there, so nothing below moves when the message goes
    if reason := st.session_state.pop(f"mail_{item.follow_up_id}_failed", None):
        slot.warning(ui.t("outbox.not_sent_now", reason=ui.t(reason)), icon=":material/error:")
    if mail := item.mail:
        _mail_line(item, mail)
    if check := item.self_check:
        _check_line(check, coach.timezone)


def _mail_line(item: QueueItem, mail: MailStatus) -> None:
    coach = ui.coach()

    def moment(value: datetime) -> str:
        return format_moment(value, coach.timezone, ui.language())

    if mail.state is MailState.SENT and mail.sent_at:
        st.caption(ui.t("outbox.line_sent", when=moment(mail.sent_at)))
        return
    if mail.state is MailState.SCHEDULED and not mail.last_error:
        text, icon = ui.t("outbox.line_scheduled", when=moment(mail.send_at)), "schedule_send"
    elif mail.state is MailState.SCHEDULED:
        reason = ui.t(mail.last_error or "mail.unreachable")
        text = ui.t("outbox.line_retry", reason=reason, when=moment(mail.next_attempt_at))
        icon = "sync_problem"
    elif mail.state is MailState.FAILED:
        text = ui.t("outbox.line_failed", reason=ui.t(mail.last_error or "mail.unreachable"))
        icon = "error"
    else:
        text, icon = ui.t("outbox.line_sending"), "send"
    line, action = st.columns([5, 2], vertical_alignment="center")
    line.markdown(f":material/{icon}: {text}")
    _mail_action(action, item, mail)


def _mail_action(column: DeltaGenerator, item: QueueItem, mail: MailStatus) -> None:
    key = f"mail_{item.follow_up_id}_{mail.mail_id}"
    if mail.state is MailState.FAILED and column.button(
        ui.t("outbox.retry"), key=f"{key}_retry", width="stretch"
    ):
        with ui.db_session(write=True) as session:
            retry_mail(session, coach_id=ui.coach_id(), mail_id=mail.mail_id, now=utc_now())
        ui.flash("outbox.retrying", place=f"card_{item.follow_up_id}")
        st.rerun()
    if mail.state is MailState.SCHEDULED and column.button(
        ui.t("outbox.cancel"), key=f"{key}_cancel", width="stretch"
    ):
        with ui.db_session(write=True) as session:
            cancel_mail(session, coach_id=ui.coach_id(), mail_id=mail.mail_id)
        ui.flash("outbox.cancelled", place=f"card_{item.follow_up_id}")
        st.rerun()


def _check_line(check: SelfCheckStatus, timezone: str) -> None:
    language = ui.language()
    parts = [ui.t("outbox.check_sent", when=format_moment(check.sent_at, timezone, language))]
    if check.opened_at:
        parts.append(ui.t("outbox.check_opened"))
    if check.answered_at:
        when = format_moment(check.answered_at, timezone, language)
        parts.append(ui.t("outbox.check_answered", when=when))
    elif check.state.value in ("expired", "revoked"):
        parts.append(ui.t(f"link_state.{check.state.value}"))
    st.caption(" · ".join(parts))
