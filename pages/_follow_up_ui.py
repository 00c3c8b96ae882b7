"""The follow-up page's parts: one card per item with its actions, and the side forms."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import streamlit as st

from core.clients import ClientChoice
from core.config import SmtpSettings
from core.database import DbSession
from core.errors import ValidationError
from core.follow_ups import (
    MAIL_KINDS,
    RETAINED_CHOICES,
    Bucket,
    QueueItem,
    SelfCheckStatus,
    add_follow_up,
    answered,
    complete_follow_up,
    record_referral,
    record_result,
    record_review,
    reschedule_follow_up,
    skip_follow_up,
)
from core.kinds import FollowUpKind
from core.timefmt import format_date, utc_now
from pages import _mail_ui as mail_ui
from pages import _ui as ui


def card(item: QueueItem, *, today: date, smtp: SmtpSettings | None) -> None:
    """One open follow-up: who, what, when, the client's own words, and what to do."""
    coach = ui.coach()
    label = item.title or ui.t(f"follow_up_kind.{item.kind}")
    due = format_date(item.due_on, coach.language, year=item.due_on.year != today.year)
    with st.container(border=True):
        st.markdown(
            f"**{ui.plain(item.client_name)}** · {ui.plain(label)} · "
            f"{ui.t('follow_ups.due', date=due)}"
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
        if item.self_check and item.self_check.answered_at:
            _answers(item.self_check, item.client_name.split()[0])
        mail_ui.status_lines(item)
        ui.show_flash(f"card_{item.follow_up_id}")
        # Buttons as wide as their words, side by side, wrapping when the screen is narrow.
        actions = st.container(horizontal=True, gap="small")
        _close(actions, item, skip=False)
        _reschedule(actions, item, today)
        _close(actions, item, skip=True)
        if item.kind in MAIL_KINDS and not answered(item):
            mail_ui.mail_popover(actions, item, smtp)
        if _needs_result(item):
            _result(actions, item, today)


def _popover_key(action: str, item: QueueItem) -> str:
    # Keyed to its follow-up: unkeyed, a popover left open after "Gedaan" reopened on the
    # card that moved into its place, ready to close another client's follow-up.
    return f"{action}_popover_{item.follow_up_id}"


@contextmanager
def _popover_form(
    column: st.delta_generator.DeltaGenerator, item: QueueItem, action: str, label: str, icon: str
) -> Iterator[ui.FieldErrors | None]:
    """A card's action: its popover, drawn only while open, holding one form; None while
    closed (ui.lazy_popover)."""
    popover = ui.lazy_popover(column, ui.t(label), icon=icon, key=_popover_key(action, item))
    if popover is None:
        yield None
        return
    with popover, st.form(f"{action}_{item.follow_up_id}", border=False):
        yield ui.FieldErrors()


_OPEN_POPOVER = re.compile(r"^(done|later|skip|result)_popover_(\d+)$")
_HANDLED_HERE = "follow_ups_handled_here"


def _handled_here(follow_up_id: int) -> None:
    """Remember that this tab closed the follow-up: a double click's second submit still
    carries the open popover, and its card gone is then no news."""
    st.session_state.setdefault(_HANDLED_HERE, set()).add(follow_up_id)


def left_meanwhile(items: list[QueueItem]) -> list[str]:
    """For each card whose popover was open and whose follow-up has since left the queue
    (done or skipped in another tab): what the coach typed there, maybe nothing."""
    in_queue = {item.follow_up_id for item in items}
    handled_here = st.session_state.get(_HANDLED_HERE, set())
    typed = []
    for key, is_open in st.session_state.to_dict().items():
        found = _OPEN_POPOVER.match(str(key))
        if not (is_open is True and found and int(found[2]) not in in_queue):
            continue
        ui.forget(str(key))  # said once
        if int(found[2]) not in handled_here:
            follow_up_id = found[2]
            text = st.session_state.get(f"done_note_{follow_up_id}") or st.session_state.get(
                f"skip_reason_{follow_up_id}"
            )
            typed.append(str(text or "").strip())
    return typed


def _needs_result(item: QueueItem) -> bool:
    """The month-6 result still to record by the coach (the client didn't answer it)."""
    return item.kind is FollowUpKind.MONTH6_RESULT and not answered(item)


def _answers(check: SelfCheckStatus, first_name: str) -> None:
    """What the client answered to their self-check, in their own words."""
    answers = check.answers
    if check.wants_contact:
        st.warning(ui.t("follow_ups.wants_contact", name=first_name), icon=":material/call:")
    lines = [
        ui.t(
            "follow_ups.answer_score",
            score=answers.get("goal_score", "–"),
            kept=ui.t(f"retained.{answers.get('kept') or 'unknown'}"),
        )
    ]
    for name in ("helps", "hard", "question"):
        if text := str(answers.get(name) or "").strip():
            lines.append(f"**{ui.t(f'follow_ups.answer_{name}')}** {ui.plain(text)}")
    st.markdown("  \n".join(lines))


def _close(column: st.delta_generator.DeltaGenerator, item: QueueItem, *, skip: bool) -> None:
    """'Gedaan' with an optional note, or 'Overslaan' with its reason: either way the
    follow-up leaves the queue."""
    action, label = ("skip", "follow_ups.skip") if skip else ("done", "follow_ups.done")
    icon = ":material/redo:" if skip else ":material/check:"
    with _popover_form(column, item, action, label, icon) as errors:
        if errors is None:
            return
        text = (
            st.text_input(
                ui.t("follow_ups.skip_reason"),
                max_chars=500,
                key=f"skip_reason_{item.follow_up_id}",
            )
            if skip
            else st.text_area(
                ui.t("follow_ups.done_note"), height=80, key=f"done_note_{item.follow_up_id}"
            )
        )
        errors.slot("reason" if skip else "note")
        if st.form_submit_button(ui.t(label), type="primary"):

            def close(session: DbSession) -> None:
                scope = {"coach_id": ui.coach_id(), "follow_up_id": item.follow_up_id}
                if skip:
                    skip_follow_up(session, **scope, reason=text, now=utc_now())
                else:
                    complete_follow_up(session, **scope, note=text, now=utc_now())
                _handled_here(item.follow_up_id)

            ui.save(
                close,
                errors,
                "follow_ups.skipped" if skip else "follow_ups.done_saved",
                clear=(_popover_key(action, item),),
            )


def _reschedule(column: st.delta_generator.DeltaGenerator, item: QueueItem, today: date) -> None:
    with _popover_form(
        column, item, "later", "follow_ups.reschedule", ":material/event:"
    ) as errors:
        if errors is None:
            return
        due = st.date_input(
            ui.t("follow_ups.reschedule_date"),
            value=max(today, item.due_on) + timedelta(days=7),
            format="DD-MM-YYYY",
            # Keyed: its default moves with the follow-up, and unkeyed a double click's
            # second submit read the new default and moved it another week.
            key=f"later_due_{item.follow_up_id}",
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
                # Closed after the move: left open, it would hang over the card's new place.
                clear=(_popover_key("later", item),),
            )


def _result(column: st.delta_generator.DeltaGenerator, item: QueueItem, today: date) -> None:
    with _popover_form(
        column, item, "result", "follow_ups.outcome_result", ":material/flag:"
    ) as errors:
        if errors is None:
            return
        retained = st.radio(
            ui.t("follow_ups.retained"),
            RETAINED_CHOICES,
            horizontal=True,
            format_func=lambda r: ui.t(f"retained.{r}"),
            index=None,  # the coach's answer, not a default "ja"
        )
        errors.slot("retained")
        score = ui.score_input(ui.t("follow_ups.retained_score"))
        errors.slot("score")
        if st.form_submit_button(ui.t("follow_ups.done"), type="primary"):

            def record(session: DbSession) -> None:
                if retained is None or score is None:
                    chosen = {"retained": retained, "score": score}
                    raise ValidationError(
                        {name: "validation.required" for name, v in chosen.items() if v is None}
                    )
                record_result(
                    session,
                    coach_id=ui.coach_id(),
                    trajectory_id=item.trajectory_id,
                    retained=retained,
                    score=score,
                    today=today,
                    now=utc_now(),
                )
                complete_follow_up(
                    session,
                    coach_id=ui.coach_id(),
                    follow_up_id=item.follow_up_id,
                    note="",
                    now=utc_now(),
                )
                _handled_here(item.follow_up_id)

            ui.save(
                record,
                errors,
                "follow_ups.outcome_saved",
                clear=(_popover_key("result", item),),
            )


# The side forms' expanders: a save closes its expander (a second click can't save the same
# thing twice, and reopened the form is empty) and says so just above them.
ADD_OPEN, OUTCOME_OPEN = "follow_ups_add_open", "follow_ups_outcome_open"
SIDE_FORMS = "follow_ups_side"


def add_form(choices: list[ClientChoice], today: date) -> None:
    """A follow-up of the coach's own, for any client."""
    errors = ui.FieldErrors()
    names = {c.client_id: c.name for c in choices}
    with st.form("follow_up_add"):
        client_id = st.selectbox(
            ui.t("follow_ups.add_client"), list(names), format_func=names.__getitem__
        )
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
                clear=("follow_up_title", ADD_OPEN),
                place=SIDE_FORMS,
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
        client_id = st.selectbox(
            ui.t("follow_ups.add_client"), list(names), format_func=names.__getitem__
        )
        if kind == "referral":
            referred = st.selectbox(
                ui.t("follow_ups.referred_client"), list(names), format_func=names.__getitem__
            )
        else:
            platform = st.text_input(ui.t("follow_ups.platform"), max_chars=80)
            errors.slot("platform")
            score = ui.score_input(ui.t("follow_ups.review_score"))
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
                    clear=(OUTCOME_OPEN,),
                    place=SIDE_FORMS,
                )
            else:
                ui.save(
                    lambda s: record_review(
                        s,
                        coach_id=ui.coach_id(),
                        client_id=client_id,
                        platform=platform,
                        score=score,
                        text=text,
                        consent=consent,
                        today=today,
                    ),
                    errors,
                    "follow_ups.outcome_saved",
                    clear=(OUTCOME_OPEN,),
                    place=SIDE_FORMS,
                )


def all_key(bucket: Bucket) -> str:
    """The session key that shows every card of `bucket`."""
    return f"follow_ups_all_{bucket}"


def rest_table(items: list[QueueItem], bucket: Bucket) -> None:
    """The rest of a long group as a compact list, and a button to see them all as cards."""
    language = ui.coach().language
    st.caption(ui.t("follow_ups.more", count=len(items)))
    # Each label and each date formatted once: a long overdue list repeats them, and these
    # rows were most of the page's time.
    due, name, kind = (
        ui.t(k) for k in ("follow_ups.col_due", "follow_ups.add_client", "overview.col_kind")
    )
    dates = {d: format_date(d, language, year=True) for d in {item.due_on for item in items}}
    kinds = {k: ui.t(f"follow_up_kind.{k}") for k in {item.kind for item in items}}
    ui.table(
        [
            {due: dates[item.due_on], name: item.client_name, kind: item.title or kinds[item.kind]}
            for item in items
        ],
        "follow_ups.group_empty",
    )
    st.button(
        ui.t("follow_ups.show_all", count=len(items)),
        icon=":material/unfold_more:",
        key=f"{all_key(bucket)}_button",
        on_click=lambda: st.session_state.update({all_key(bucket): True}),
    )
