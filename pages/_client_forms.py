"""The forms of the client pages: new client, import, log and plan a session, edit, AVG."""

from datetime import datetime, time, timedelta

import streamlit as st

from core.client_data import (
    WHOLE_FILE,
    ImportProblem,
    ImportRefused,
    delete_client,
    import_clients_csv,
    import_template,
)
from core.client_forms import (
    DEFAULT_VALID_DAYS,
    FORM_KINDS,
    create_form_link,
    form_url,
    list_form_links,
    revoke_form_link,
)
from core.clients import (
    ClientChoice,
    TrajectoryInput,
    add_client,
    client_email,
    start_trajectory,
    update_client,
)
from core.database import transaction
from core.errors import ValidationError
from core.follow_ups import Draft
from core.gas import GAS_LEVELS, add_gas_goal, goals_t_score, list_gas_goals, set_gas_level
from core.i18n import LANGUAGES
from core.kinds import FormKind, Language
from core.mail import MailFailed, send_mail
from core.numfmt import format_number
from core.progress import TrajectoryProgress
from core.question_bank import QuestionGroup, list_questions
from core.sessions import SESSION_KINDS, SessionLog, log_session, plan_session
from core.timefmt import format_date, utc_now, zone
from core.timeline import ClientDetail, TrajectorySummary
from pages import _trajectory_ui as trajectory_ui
from pages import _ui as ui


def _referrer_fields(
    prefix: str, choices: list[ClientChoice], errors: ui.FieldErrors
) -> tuple[int | None, str]:
    options = [None, *(c.client_id for c in choices)]
    names = {c.client_id: c.name for c in choices}
    referrer = st.selectbox(
        ui.t("clients.referred_by"),
        options,
        format_func=lambda cid: names[cid] if cid else ui.t("clients.no_referrer"),
        key=f"{prefix}_referrer",
    )
    source = st.text_input(ui.t("clients.referral_source"), max_chars=200, key=f"{prefix}_source")
    errors.slot("referral_source")
    return referrer, source


def _trajectory_fields(
    prefix: str, choices: list[ClientChoice], errors: ui.FieldErrors
) -> TrajectoryInput:
    goal = st.text_area(ui.t("clients.goal"), key=f"{prefix}_goal", height=80)
    errors.slot("goal")
    left, right = st.columns(2)
    started = left.date_input(
        ui.t("clients.started_on"), key=f"{prefix}_started", format="DD-MM-YYYY"
    )
    planned = right.number_input(
        ui.t("clients.planned_sessions"),
        min_value=1,
        max_value=60,
        value=8,
        key=f"{prefix}_planned",
    )
    errors.slot("planned_sessions")
    intensive = st.checkbox(ui.t("clients.intensive"), key=f"{prefix}_intensive")
    referrer, source = _referrer_fields(prefix, choices, errors)
    return TrajectoryInput(
        goal=goal,
        started_on=started,
        planned_sessions=int(planned),
        intensive=intensive,
        referred_by_client_id=referrer,
        referral_source=source,
    )


NEW_CLIENT_KEYS = (
    "new_name",
    "new_email",
    "new_phone",
    "new_notes",
    "new_goal",
    "new_started",
    "new_planned",
    "new_intensive",
    "new_referrer",
    "new_source",
)


def new_client_form(choices: list[ClientChoice]) -> None:
    """Add a client and their first trajectory in one short form."""
    errors = ui.FieldErrors()
    with st.form("new_client_form", border=False):
        name = st.text_input(ui.t("clients.name"), max_chars=120, key="new_name")
        errors.slot("name")
        left, right = st.columns(2)
        with left:
            email = st.text_input(ui.t("clients.email"), key="new_email")
            errors.slot("email")
        with right:
            phone = st.text_input(ui.t("clients.phone"), key="new_phone")
            errors.slot("phone")
        trajectory = _trajectory_fields("new", choices, errors)
        notes = st.text_area(ui.t("clients.notes"), key="new_notes", height=80)
        errors.slot("notes")
        submitted = st.form_submit_button(ui.t("clients.add"), type="primary")
    if submitted:
        ui.save(
            lambda session: add_client(
                session,
                coach_id=ui.coach_id(),
                name=name,
                email=email,
                phone=phone,
                notes=notes,
                trajectory=trajectory,
            ),
            errors,
            "clients.added",
            clear=NEW_CLIENT_KEYS,
            name=name.strip(),
        )


def import_panel() -> None:
    """Upload a CSV of clients; all or nothing, with line numbers for what is wrong."""
    st.caption(ui.t("clients.import_help"))
    ui.download(
        ui.t("clients.import_template"),
        import_template().encode(),
        file_name="afronding-clienten-voorbeeld.csv",
        mime="text/csv",
    )
    with st.form("clients_import_form", border=False):
        upload = st.file_uploader(
            ui.t("clients.import_file"), type=["csv", "txt"], key="clients_upload"
        )
        submitted = st.form_submit_button(ui.t("clients.import_submit"))
    if not submitted:
        return
    if upload is None:
        st.warning(ui.t("clients.import_choose"), icon=":material/upload_file:")
        return
    try:
        with ui.db_session(write=True) as session:
            count = import_clients_csv(session, coach_id=ui.coach_id(), data=upload.getvalue())
    except ImportRefused as refused:
        lines = [_import_problem(p) for p in refused.problems]
        st.error(
            ui.t("clients.import_refused") + "\n\n" + "\n".join(f"- {ui.plain(x)}" for x in lines)
        )
    else:
        ui.flash("clients.imported", count=count)
        st.rerun()


def _import_problem(problem: ImportProblem) -> str:
    message = ui.t(problem.message_key)
    if problem.line == WHOLE_FILE:
        return message
    if not problem.column:
        return ui.t("clients.import_line_only", line=problem.line, message=message)
    return ui.t("clients.import_line", line=problem.line, column=problem.column, message=message)


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
        score = st.number_input(ui.t("client.log_score"), 1, 10, None, key="log_score")
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


def details_forms(detail: ClientDetail, trajectory: TrajectorySummary) -> None:
    """Edit the client's details and the selected trajectory."""
    errors = ui.FieldErrors()
    with st.form(f"client_form_{detail.client_id}"):
        st.header(ui.t("client.details_client"))
        name = st.text_input(ui.t("clients.name"), detail.name, max_chars=120)
        errors.slot("name")
        email = st.text_input(ui.t("clients.email"), detail.email or "")
        errors.slot("email")
        phone = st.text_input(ui.t("clients.phone"), detail.phone or "")
        errors.slot("phone")
        notes = st.text_area(ui.t("clients.notes"), detail.notes or "")
        errors.slot("notes")
        choices: list[Language | None] = [None, *LANGUAGES]
        language = st.selectbox(
            ui.t("clients.language"),
            choices,
            index=choices.index(Language(detail.language) if detail.language else None),
            format_func=lambda code: (
                ui.t(f"language.{code}") if code else ui.t("clients.language_coach")
            ),
            help=ui.t("clients.language_help"),
        )
        if st.form_submit_button(ui.t("clients.save"), type="primary"):
            ui.save(
                lambda session: update_client(
                    session,
                    coach_id=ui.coach_id(),
                    client_id=detail.client_id,
                    name=name,
                    email=email,
                    phone=phone,
                    notes=notes,
                    language=language,
                ),
                errors,
                "clients.saved",
            )
    trajectory_ui.trajectory_form(trajectory)


def new_trajectory_form(client_id: int, choices: list[ClientChoice]) -> None:
    """Start a new trajectory for a returning client."""
    st.caption(ui.t("client.new_intro"))
    errors = ui.FieldErrors()
    with st.form(f"new_trajectory_{client_id}"):
        trajectory = _trajectory_fields("again", choices, errors)
        submitted = st.form_submit_button(ui.t("client.new_submit"), type="primary")
    if not submitted:
        return
    ui.save(
        lambda session: start_trajectory(
            session, coach_id=ui.coach_id(), client_id=client_id, trajectory=trajectory
        ),
        errors,
        "client.started",
        clear=("again_goal",),
    )


def delete_form(detail: ClientDetail) -> None:
    """Delete the client for good, after typing their name."""
    st.header(ui.t("client.delete_title"))
    st.warning(ui.t("client.delete_warning"), icon=":material/warning:")
    errors = ui.FieldErrors()
    with st.form(f"delete_form_{detail.client_id}"):
        typed = st.text_input(ui.t("client.delete_confirm"), key="delete_confirm")
        errors.slot("confirm_name")
        submitted = st.form_submit_button(ui.t("client.delete_submit"))
    if not submitted:
        return
    ui.save(
        lambda session: delete_client(
            session, coach_id=ui.coach_id(), client_id=detail.client_id, confirm_name=typed
        ),
        errors,
        "client.deleted",
        clear=("delete_confirm",),
        then="pages/clients.py",
        name=detail.name,
    )


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


def _set_level(goal_id: int, key: str) -> None:
    with transaction(ui.session_factory(), write=True) as session:
        set_gas_level(session, coach_id=ui.coach_id(), goal_id=goal_id, level=st.session_state[key])


def gas_panel(trajectory_id: int) -> None:
    """GAS goals: set them with an expected outcome and weight; score the level attained."""
    coach = ui.coach()
    st.caption(ui.t("gas.intro"))
    with ui.db_session() as session:
        goals = list_gas_goals(session, coach_id=coach.id, trajectory_id=trajectory_id)
    if not goals:
        st.caption(ui.t("gas.none"))
    for goal in goals:
        with st.container(border=True):
            st.markdown(
                f"**{ui.plain(goal.description)}** · {ui.t('gas.weight')} "
                f"{format_number(goal.weight, coach.language)}"
            )
            if goal.expected:
                st.caption(ui.plain(goal.expected))
            key = f"gas_level_{goal.goal_id}"
            st.selectbox(
                ui.t("gas.level"),
                [None, *GAS_LEVELS],
                index=[None, *GAS_LEVELS].index(goal.attained_level),
                key=key,
                format_func=lambda level: (
                    ui.t("gas.not_scored") if level is None else ui.t(f"gas.level_{level}")
                ),
                on_change=_set_level,
                args=(goal.goal_id, key),
            )
    if (score := goals_t_score(goals)) is not None:
        st.success(ui.t("gas.t_score", score=format_number(score, coach.language)))
    errors = ui.FieldErrors()
    with st.form(f"gas_add_{trajectory_id}"):
        description = st.text_input(ui.t("gas.description"), max_chars=300, key="gas_description")
        errors.slot("description")
        expected = st.text_area(ui.t("gas.expected"), height=70, key="gas_expected")
        weight = st.number_input(ui.t("gas.weight"), 0.5, 10.0, 1.0, step=0.5)
        errors.slot("weight")
        if st.form_submit_button(ui.t("gas.add"), type="primary"):
            ui.save(
                lambda s: add_gas_goal(
                    s,
                    coach_id=coach.id,
                    trajectory_id=trajectory_id,
                    description=description,
                    expected=expected,
                    weight=float(weight),
                ),
                errors,
                "gas.added",
                clear=("gas_description", "gas_expected"),
            )


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
