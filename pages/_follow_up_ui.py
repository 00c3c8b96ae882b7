"""The follow-up page's parts: one card per item with its actions, and the side forms."""

from datetime import date, timedelta

import streamlit as st

from core.clients import ClientChoice
from core.errors import ValidationError
from core.follow_ups import (
    MAIL_KINDS,
    RETAINED_CHOICES,
    Draft,
    QueueItem,
    add_follow_up,
    complete_follow_up,
    draft_message,
    record_mail_sent,
    record_referral,
    record_result,
    record_review,
    reschedule_follow_up,
    skip_follow_up,
)
from core.mail import MailFailed, SmtpSettings, send_mail
from core.timefmt import format_date, utc_now
from pages import _ui as ui


def card(item: QueueItem, *, today: date, smtp: SmtpSettings | None) -> None:
    """One open follow-up: who, what, when, the client's own words, and what to do."""
    coach = ui.coach()
    label = item.title or ui.t(f"follow_up_kind.{item.kind}")
    with st.container(border=True):
        st.markdown(
            f"**{ui.plain(item.client_name)}** · {ui.plain(label)} · "
            f"{ui.t('follow_ups.due', date=format_date(item.due_on, coach.language))}"
        )
        context = [
            ui.t("follow_ups.context_change", text=item.main_change) if item.main_change else "",
            ui.t("follow_ups.context_strategy", text=item.relapse_strategy)
            if item.relapse_strategy
            else "",
            ui.t("follow_ups.context_person", text=item.accountability_person)
            if item.accountability_person
            else "",
            ui.t("follow_ups.context_score", score=item.last_score) if item.last_score else "",
        ]
        if any(context):
            st.caption(ui.plain(" · ".join(c for c in context if c)))
        done, later, skip, extra = st.columns(4)
        _done(done, item)
        _reschedule(later, item, today)
        _skip(skip, item)
        if item.kind in MAIL_KINDS:
            _mail(extra, item, smtp)
        elif item.kind.value == "month6_result":
            _result(extra, item, today)


def _done(column: st.delta_generator.DeltaGenerator, item: QueueItem) -> None:
    with column.popover(ui.t("follow_ups.done"), icon=":material/check:", width="stretch"):
        errors = ui.FieldErrors()
        with st.form(f"done_{item.follow_up_id}", border=False):
            note = st.text_area(ui.t("follow_ups.done_note"), height=80)
            errors.slot("note")
            if st.form_submit_button(ui.t("follow_ups.done"), type="primary"):
                ui.save(
                    lambda s: complete_follow_up(
                        s,
                        coach_id=ui.coach_id(),
                        follow_up_id=item.follow_up_id,
                        note=note,
                        now=utc_now(),
                    ),
                    errors,
                    "follow_ups.done_saved",
                )


def _reschedule(column: st.delta_generator.DeltaGenerator, item: QueueItem, today: date) -> None:
    with column.popover(ui.t("follow_ups.reschedule"), icon=":material/event:", width="stretch"):
        errors = ui.FieldErrors()
        with st.form(f"later_{item.follow_up_id}", border=False):
            due = st.date_input(
                ui.t("follow_ups.reschedule_date"),
                value=max(today, item.due_on) + timedelta(days=7),
                format="DD-MM-YYYY",
            )
            errors.slot("due_on")
            if st.form_submit_button(ui.t("follow_ups.reschedule"), type="primary"):
                ui.save(
                    lambda s: reschedule_follow_up(
                        s,
                        coach_id=ui.coach_id(),
                        follow_up_id=item.follow_up_id,
                        due_on=due,
                        today=today,
                    ),
                    errors,
                    "follow_ups.rescheduled",
                )


def _skip(column: st.delta_generator.DeltaGenerator, item: QueueItem) -> None:
    with column.popover(ui.t("follow_ups.skip"), icon=":material/redo:", width="stretch"):
        errors = ui.FieldErrors()
        with st.form(f"skip_{item.follow_up_id}", border=False):
            reason = st.text_input(ui.t("follow_ups.skip_reason"), max_chars=500)
            errors.slot("reason")
            if st.form_submit_button(ui.t("follow_ups.skip"), type="primary"):
                ui.save(
                    lambda s: skip_follow_up(
                        s,
                        coach_id=ui.coach_id(),
                        follow_up_id=item.follow_up_id,
                        reason=reason,
                        now=utc_now(),
                    ),
                    errors,
                    "follow_ups.skipped",
                )


def _mail(
    column: st.delta_generator.DeltaGenerator, item: QueueItem, smtp: SmtpSettings | None
) -> None:
    coach = ui.coach()
    draft = draft_message(item, coach_name=coach.display_name, language=coach.language)
    with column.popover(ui.t("follow_ups.mail"), icon=":material/mail:", width="stretch"):
        key = f"mail_{item.follow_up_id}"
        to = st.text_input(
            ui.t("follow_ups.mail_to"), value=item.client_email or "", key=f"{key}_to"
        )
        subject = st.text_input(
            ui.t("follow_ups.mail_subject"), value=draft.subject, key=f"{key}_subject"
        )
        body = st.text_area(
            ui.t("follow_ups.mail_body"), value=draft.body, height=260, key=f"{key}_body"
        )
        edited = Draft(subject, body)
        if smtp is None:
            st.caption(ui.t("follow_ups.mail_no_smtp"))
        elif st.button(ui.t("follow_ups.mail_send"), type="primary", key=f"{key}_send"):
            try:
                send_mail(smtp, to=to, subject=subject, body=body, sender_name=coach.display_name)
            except MailFailed as failed:
                st.error(ui.t(failed.message_key), icon=":material/error:")
            else:
                with ui.db_session(write=True) as session:
                    record_mail_sent(
                        session, coach_id=coach.id, follow_up_id=item.follow_up_id, now=utc_now()
                    )
                ui.forget(f"{key}_to", f"{key}_subject", f"{key}_body")
                ui.flash("follow_ups.mail_sent")
                st.rerun()
        if to.strip():
            st.link_button(
                ui.t("follow_ups.mail_open"),
                edited.mailto(to.strip()),
                icon=":material/open_in_new:",
            )


def _result(column: st.delta_generator.DeltaGenerator, item: QueueItem, today: date) -> None:
    with column.popover(ui.t("follow_ups.outcome_result"), icon=":material/flag:", width="stretch"):
        errors = ui.FieldErrors()
        with st.form(f"result_{item.follow_up_id}", border=False):
            retained = st.radio(
                ui.t("follow_ups.retained"),
                RETAINED_CHOICES,
                horizontal=True,
                format_func=lambda r: ui.t(f"retained.{r}"),
            )
            score = st.number_input(ui.t("follow_ups.retained_score"), 1, 10, None)
            errors.slot("score")
            if st.form_submit_button(ui.t("follow_ups.done"), type="primary"):

                def record(session: object) -> None:
                    if score is None:
                        raise ValidationError({"score": "validation.required"})
                    record_result(
                        session,
                        coach_id=ui.coach_id(),  # type: ignore[arg-type]
                        trajectory_id=item.trajectory_id,
                        retained=retained,
                        score=int(score),
                        today=today,
                        now=utc_now(),
                    )
                    complete_follow_up(
                        session,
                        coach_id=ui.coach_id(),  # type: ignore[arg-type]
                        follow_up_id=item.follow_up_id,
                        note="",
                        now=utc_now(),
                    )

                ui.save(record, errors, "follow_ups.outcome_saved")


def add_form(choices: list[ClientChoice], today: date) -> None:
    """A follow-up of the coach's own, for any client."""
    errors = ui.FieldErrors()
    names = {c.client_id: c.name for c in choices}
    with st.form("follow_up_add"):
        client_id = st.selectbox(ui.t("follow_ups.add_client"), list(names), format_func=names.get)
        title = st.text_input(ui.t("follow_ups.add_what"), max_chars=200, key="follow_up_title")
        errors.slot("title")
        due = st.date_input(ui.t("follow_ups.add_date"), value=today, format="DD-MM-YYYY")
        errors.slot("due_on")
        if st.form_submit_button(ui.t("follow_ups.add_submit"), type="primary") and client_id:
            ui.save(
                lambda s: add_follow_up(
                    s,
                    coach_id=ui.coach_id(),
                    client_id=client_id,
                    title=title,
                    due_on=due,
                    today=today,
                ),
                errors,
                "follow_ups.added",
                clear=("follow_up_title",),
            )


def outcome_form(choices: list[ClientChoice], today: date) -> None:
    """A review, testimonial or referral, where it happens."""
    names = {c.client_id: c.name for c in choices}
    kind = st.segmented_control(
        ui.t("follow_ups.outcome_kind"),
        ["review", "referral"],
        default="review",
        key="outcome_kind",
        format_func=lambda k: ui.t(f"follow_ups.outcome_{k}"),
    )
    errors = ui.FieldErrors()
    with st.form(f"outcome_{kind}"):
        client_id = st.selectbox(ui.t("follow_ups.add_client"), list(names), format_func=names.get)
        if kind == "referral":
            referred = st.selectbox(
                ui.t("follow_ups.referred_client"), list(names), format_func=names.get
            )
        else:
            platform = st.text_input(ui.t("follow_ups.platform"), max_chars=80)
            errors.slot("platform")
            score = st.number_input(ui.t("follow_ups.review_score"), 1, 5, None)
            errors.slot("score")
            text = st.text_area(ui.t("follow_ups.review_text"), height=80)
            errors.slot("text")
            consent = st.checkbox(ui.t("follow_ups.consent"))
        if st.form_submit_button(ui.t("clients.save"), type="primary") and client_id:
            if kind == "referral":
                ui.save(
                    lambda s: record_referral(
                        s,
                        coach_id=ui.coach_id(),
                        client_id=client_id,
                        referred_client_id=referred,
                        today=today,
                    ),
                    errors,
                    "follow_ups.outcome_saved",
                )
            else:
                ui.save(
                    lambda s: record_review(
                        s,
                        coach_id=ui.coach_id(),
                        client_id=client_id,
                        platform=platform,
                        score=int(score) if score is not None else None,
                        text=text,
                        consent=consent,
                        today=today,
                    ),
                    errors,
                    "follow_ups.outcome_saved",
                )


def rest_table(items: list[QueueItem]) -> None:
    """The rest of a long group as a compact list; they come up as cards when it shortens."""
    coach = ui.coach()
    st.caption(ui.t("follow_ups.more", count=len(items)))
    ui.table(
        [
            {
                ui.t("follow_ups.col_due"): format_date(item.due_on, coach.language, year=True),
                ui.t("follow_ups.add_client"): item.client_name,
                ui.t("overview.col_kind"): item.title or ui.t(f"follow_up_kind.{item.kind}"),
            }
            for item in items
        ],
        "follow_ups.group_empty",
    )
