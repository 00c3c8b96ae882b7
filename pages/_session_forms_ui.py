"""A trajectory's sessions: log one that was held, plan the next."""

from datetime import datetime, time, timedelta

import streamlit as st

from core.progress import TrajectoryProgress
from core.question_bank import QuestionGroup, list_questions
from core.sessions import SESSION_KINDS, SessionLog, log_session, plan_session
from core.timefmt import utc_now, zone
from pages import _ui as ui


def log_session_form(
    trajectory_id: int, progress: TrajectoryProgress | None, timezone: str
) -> None:
    """Record a held session with its short after-session check, in under a minute."""
    st.caption(ui.t("client.log_intro"))
    due = progress is not None and progress.intermediate_due
    if due:
        st.info(ui.t("client.intermediate_due"), icon=":material/flag:")
    groups = (QuestionGroup.INTERMEDIATE,) if due else (QuestionGroup.AFTER_SESSION,)
    coach = ui.coach()
    with ui.db_session() as session:
        prompts = list_questions(session, coach_id=coach.id, language=coach.language, groups=groups)
    st.markdown("\n".join(f"- {ui.plain(q.text)}" for q in prompts))
    default_kind = SESSION_KINDS[SESSION_KINDS.index("intermediate") if due else 0]
    now = utc_now().astimezone(zone(timezone))
    errors = ui.FieldErrors()
    # Defaults in the state, so a link from Vandaag can fill in a planned session instead.
    for key, default in (
        ("log_date", now.date()),
        ("log_time", time(now.hour)),
        ("log_duration", ui.usual_minutes(default_kind)),
        ("log_kind", default_kind),
    ):
        st.session_state.setdefault(key, default)
    with st.form(f"log_form_{trajectory_id}"):
        left, middle, right = st.columns(3)
        day = left.date_input(ui.t("client.log_date"), key="log_date", format="DD-MM-YYYY")
        at = middle.time_input(ui.t("client.log_time"), key="log_time", step=900)
        duration = right.number_input(
            ui.t("client.log_duration"), 5, 480, step=15, key="log_duration"
        )
        kind = st.selectbox(
            ui.t("client.log_kind"),
            SESSION_KINDS,
            format_func=lambda k: ui.t(f"session_kind.{k}"),
            key="log_kind",
        )
        score = ui.score_input(ui.t("client.log_score"), key="log_score")
        errors.slot("goal_score")
        notes = st.text_area(ui.t("client.log_notes"), key="log_notes", height=100)
        errors.slot("notes")
        st.markdown(f"**{ui.t('client.log_check')}**")
        rating = st.number_input(ui.t("client.log_rating"), 1, 10, None, key="log_rating")
        errors.slot("rating")
        takeaway = st.text_area(ui.t("client.log_takeaway"), key="log_takeaway", height=68)
        open_points = st.text_area(ui.t("client.log_open_points"), key="log_open_points", height=68)
        errors.slot("held_at")
        submitted = st.form_submit_button(ui.t("client.log_submit"), type="primary")
    if not submitted:
        return
    held_at = datetime.combine(day, at, zone(timezone))
    log = SessionLog(
        held_at=held_at,
        kind=kind,
        duration_minutes=int(duration),
        notes=notes,
        goal_score=score,
        rating=rating,
        takeaway=takeaway,
        open_points=open_points,
    )
    ui.save(
        lambda session: log_session(
            session, coach_id=ui.coach_id(), trajectory_id=trajectory_id, log=log, timezone=timezone
        ),
        errors,
        "client.logged",
        clear=("log_score", "log_notes", "log_rating", "log_takeaway", "log_open_points"),
    )


def plan_session_form(trajectory_id: int, timezone: str) -> None:
    """Put the next session or the closing in the agenda."""
    st.caption(ui.t("client.plan_intro"))
    errors = ui.FieldErrors()
    tomorrow = utc_now().astimezone(zone(timezone)).date() + timedelta(days=1)
    # No st.form here: choosing the kind sets its usual length at once (the coach may change it).
    kind = st.selectbox(
        ui.t("client.log_kind"),
        SESSION_KINDS,
        format_func=lambda k: ui.t(f"session_kind.{k}"),
        key="plan_kind",
        on_change=lambda: st.session_state.update(
            plan_duration=ui.usual_minutes(st.session_state["plan_kind"])
        ),
    )
    left, middle, right = st.columns(3)
    day = left.date_input(
        ui.t("client.log_date"), value=tomorrow, key="plan_date", format="DD-MM-YYYY"
    )
    at = middle.time_input(ui.t("client.log_time"), value=time(10), key="plan_time", step=900)
    # The length lives in the state (no default beside it): the kind's choice sets it.
    st.session_state.setdefault("plan_duration", ui.usual_minutes(kind))
    duration = right.number_input(ui.t("client.log_duration"), 5, 480, step=15, key="plan_duration")
    errors.slot("duration_minutes")
    errors.slot("at")
    submitted = st.button(ui.t("client.plan_submit"), type="primary", key="plan_submit")
    if not submitted:
        return
    ui.save(
        lambda session: plan_session(
            session,
            coach_id=ui.coach_id(),
            trajectory_id=trajectory_id,
            at=datetime.combine(day, at, zone(timezone)),
            kind=kind,
            duration_minutes=int(duration),
            now=utc_now(),
        ),
        errors,
        "client.planned",
    )
