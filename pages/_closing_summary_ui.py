"""What an ended closing recorded, with the borgingsplan homework to offer."""

import streamlit as st

from core.closing import (
    CHECKLIST_ITEMS,
    EVALUATION_CAPTURE,
    PLAN_FIELDS,
    ClosingSummary,
    ClosingView,
)
from core.kinds import FormKind, TrajectoryStatus
from core.timefmt import format_date
from pages import _form_links_ui as form_links_ui
from pages import _trajectory_ui as trajectory_ui
from pages import _ui as ui


def summary(view: ClosingView, result: ClosingSummary) -> None:
    """What ending the session did: the trajectory's state and the follow-ups planned."""
    coach = ui.coach()
    st.header(ui.t("closing.summary_title"))
    if result.status is TrajectoryStatus.CLOSING:
        message = "closing.summary_closing"
    else:
        message = (
            "closing.summary_closed_full" if result.full_protocol else "closing.summary_closed"
        )
    st.success(ui.t(message), icon=":material/celebration:")
    if result.status is TrajectoryStatus.CLOSING:
        _offer_homework(view)
    elif result.no_room_for_emotion:
        st.warning(ui.t("closing.summary_no_emotion"), icon=":material/favorite:")
    if gaps := result.gaps:
        missing = ", ".join(ui.t(f"closing.{gap}") for gap in gaps)
        st.info(ui.t("closing.summary_gaps", missing=missing), icon=":material/checklist:")
    self_check = result.plan.self_check_on
    captured = [
        *((name, getattr(result.evaluation, name)) for name in EVALUATION_CAPTURE),
        *((name, getattr(result.plan, name)) for name in PLAN_FIELDS),
        ("self_check_on", format_date(self_check, coach.language, year=True) if self_check else ""),
        ("coach_notes", result.checklist.coach_notes),
    ]
    with st.container(border=True):
        for name, value in captured:
            if value not in (None, ""):
                st.markdown(f"**{ui.t(f'closing.{name}')}** · {ui.plain(str(value))}")
        done = ui.t(
            "closing.checklist_done", done=result.checklist_done, total=len(CHECKLIST_ITEMS)
        )
        st.markdown(f"**{ui.t('phase.goodbye')}** · {done}")
    if result.follow_ups:
        st.markdown(f"**{ui.t('closing.summary_follow_ups')}**")
        for kind, due in result.follow_ups:
            st.markdown(
                f"- {format_date(due, coach.language, year=True)} · "
                f"{ui.t(f'follow_up_kind.{kind}')}"
            )
    trajectory_ui.plan_pdf_button(view.trajectory_id, view.client_name)
    if st.button(ui.t("closing.summary_new"), icon=":material/add:"):
        st.query_params.pop("sessie", None)
        st.rerun()


def _offer_homework(view: ClosingView) -> None:
    """After session −1: the borgingsplan as homework, by a personal link."""
    st.info(ui.t("closing.summary_homework"), icon=":material/assignment:")
    if st.button(
        ui.t("closing.summary_homework_button"), type="primary", icon=":material/add_link:"
    ):
        form_links_ui.make_form_link(view.trajectory_id, FormKind.RETENTION_HOMEWORK)
    if made := st.session_state.get(f"form_link_url_{view.trajectory_id}"):
        form_links_ui.mail_form_link(view.trajectory_id, *made, client_name=view.client_name)
