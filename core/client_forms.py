"""Client forms without login: a personal single-use link to the evaluation form or the
borgingsplan homework.

The link carries 256 random bits; the database keeps only their SHA-256, so a copy of the
database opens no form. The public side takes nothing but the token: it never sees a
coach id, and an unknown, expired, revoked or used link gets the same neutral answer.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.clients import own_trajectory
from core.errors import NotFound, ValidationError
from core.validation import SCORE_SCALES, score_problem, text_problem
from db.models import (
    Client,
    Coach,
    Evaluation,
    FollowUp,
    FollowUpKind,
    FormAttempt,
    FormKind,
    FormLink,
    GoalScore,
    Language,
    Outcome,
    OutcomeKind,
    Retained,
    RetentionPlan,
    ScoreKind,
    Source,
    Trajectory,
)

log = logging.getLogger(__name__)

TOKEN_BYTES = 32
DEFAULT_VALID_DAYS = 14
MAX_VALID_DAYS = 90
MAX_ATTEMPTS_KEPT = 20  # visits to a dead link kept per link
# The links a coach makes from the client's page; a self-check link belongs to a follow-up.
FORM_KINDS = (FormKind.EVALUATION, FormKind.RETENTION_HOMEWORK)
# Which goal score a self-check gives, by the follow-up it answers.
SELF_CHECK_SCORES = {
    FollowUpKind.MONTH3_CHECKIN: ScoreKind.MONTH_3,
    FollowUpKind.MONTH6_RESULT: ScoreKind.MONTH_6,
}


class LinkState(StrEnum):
    """Where a link stands, as the coach sees it."""

    NOT_OPENED = "not_opened"
    OPENED = "opened"
    SUBMITTED = "submitted"
    EXPIRED = "expired"
    REVOKED = "revoked"


DEAD_STATES = (LinkState.SUBMITTED, LinkState.EXPIRED, LinkState.REVOKED)  # the link opens nothing


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewLink:
    """A link just made: the only moment its token is known in full."""

    link_id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class FormLinkRow:
    """A link as the coach's list shows it."""

    link_id: int
    kind: FormKind
    created_at: datetime
    expires_at: datetime
    state: LinkState
    attempts: int


def link_state(link: FormLink, now: datetime) -> LinkState:
    """Where the link stands now."""
    if link.submitted_at is not None:
        return LinkState.SUBMITTED
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.OPENED if link.opened_at is not None else LinkState.NOT_OPENED


def create_form_link(
    session: Session,
    *,
    coach_id: int,
    trajectory_id: int,
    kind: FormKind,
    valid_days: int = DEFAULT_VALID_DAYS,
    follow_up_id: int | None = None,
    now: datetime,
) -> NewLink:
    """A new personal link for the client of `trajectory_id`; a self-check link answers the
    follow-up `follow_up_id` of that trajectory."""
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise ValidationError({"valid_days": "forms.valid_days_range"})
    if (kind is FormKind.SELF_CHECK) != (follow_up_id is not None) or (
        follow_up_id is not None
        and session.scalar(select(FollowUp.trajectory_id).where(FollowUp.id == follow_up_id))
        != trajectory_id
    ):
        raise NotFound("follow_up")
    if follow_up_id is not None:
        revoke_open_self_checks(session, follow_up_id, now)  # one live link per follow-up
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = FormLink(
        trajectory_id=trajectory_id,
        follow_up_id=follow_up_id,
        kind=kind,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    session.add(link)
    session.flush()
    return NewLink(link.id, token, link.expires_at)


def list_form_links(
    session: Session, *, coach_id: int, trajectory_id: int, now: datetime
) -> list[FormLinkRow]:
    """The trajectory's links, newest first, with how often a dead link was tried."""
    own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    attempts = (
        select(FormAttempt.form_link_id, func.count().label("n"))
        .group_by(FormAttempt.form_link_id)
        .subquery()
    )
    rows = session.execute(
        select(FormLink, func.coalesce(attempts.c.n, 0))
        .outerjoin(attempts, attempts.c.form_link_id == FormLink.id)
        .where(FormLink.trajectory_id == trajectory_id)
        .order_by(FormLink.created_at.desc(), FormLink.id.desc())
    )
    return [
        FormLinkRow(link.id, link.kind, link.created_at, link.expires_at, link_state(link, now), n)
        for link, n in rows
    ]


def revoke_open_self_checks(
    session: Session, follow_up_id: int, now: datetime, keep: int | None = None
) -> None:  # called with a follow-up already checked to be the coach's
    """The follow-up's unanswered self-check links stop working (all but `keep`): a client
    answers a follow-up once, with the link of the newest mail."""
    session.execute(
        update(FormLink)
        .where(
            FormLink.follow_up_id == follow_up_id,
            FormLink.id != (keep or 0),
            FormLink.submitted_at.is_(None),
            FormLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def revoke_form_link(session: Session, *, coach_id: int, link_id: int, now: datetime) -> None:
    """Make a link stop working (a submitted form stays as it is)."""
    link = session.scalar(
        select(FormLink)
        .join(Trajectory, Trajectory.id == FormLink.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(FormLink.id == link_id, Client.coach_id == coach_id)
    )
    if link is None:
        raise NotFound("form_link")
    if link.revoked_at is None and link.submitted_at is None:
        link.revoked_at = now
        session.flush()


@dataclass(frozen=True)
class OpenForm:
    """What the client's form page needs: nothing about other clients or the practice."""

    kind: FormKind
    language: str
    coach_name: str
    client_first_name: str
    goal: str
    draft: dict[str, object]  # what the client typed so far, kept while they type


def _link(session: Session, token: str) -> FormLink | None:
    link = session.scalar(select(FormLink).where(FormLink.token_hash == token_hash(token)))
    if link is None:
        log.info("form opened with an unknown token")
    return link


def _live_link(session: Session, token: str, now: datetime) -> FormLink | None:
    link = _link(session, token)
    return None if link is None or link_state(link, now) in DEAD_STATES else link


def note_dead_link_visit(session: Session, *, token: str, now: datetime) -> None:
    """Count a visit to a link that no longer works, for the coach to see: once per visit,
    and never the client's own return to the form they sent (the page tells them apart)."""
    link = _link(session, token)
    if link is None or (state := link_state(link, now)) not in DEAD_STATES:
        return
    attempts = session.scalar(select(func.count()).where(FormAttempt.form_link_id == link.id))
    # Enough to tell the coach someone tried; a script hammering the link adds no more.
    if (attempts or 0) < MAX_ATTEMPTS_KEPT:
        session.add(FormAttempt(form_link_id=link.id, attempted_at=now, reason=state.value))
        session.flush()


def open_form(session: Session, *, token: str, now: datetime) -> OpenForm | None:
    """The form behind `token`, or None for any link that doesn't work (the reason stays here)."""
    link = _live_link(session, token, now)
    if link is None:
        return None
    if link.opened_at is None:
        link.opened_at = now
    row = session.execute(
        select(
            Coach.display_name,
            func.coalesce(Client.language, Coach.language),
            Client.name,
            Trajectory.goal,
        )
        .select_from(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .join(Coach, Coach.id == Client.coach_id)
        .where(Trajectory.id == link.trajectory_id)
    ).one()
    coach_name, language, client_name, goal = row
    session.flush()
    return OpenForm(
        link.kind,
        Language(language).value,
        coach_name,
        client_name.split()[0],
        goal,
        dict(link.draft or {}),
    )


def save_form_draft(
    session: Session, *, token: str, name: str, value: str | int | bool | None, now: datetime
) -> bool:
    """Keep one answer while the client types it; False when the link no longer works."""
    link = _live_link(session, token, now)
    if link is None:
        return False
    answers = FORM_ANSWERS[link.kind]
    if name not in {f.name for f in fields(answers)}:
        raise ValueError(f"{link.kind} has no field {name!r}")
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError({name: problem})
    link.draft = {**(link.draft or {}), name: value}  # a new dict: the JSON column sees it
    session.flush()
    return True


@dataclass(frozen=True)
class EvaluationAnswers:
    """The evaluation form, as the client fills it in before the closing."""

    goal_at_start: str
    goal_score: int | None
    main_changes: str
    key_insight: str = ""
    most_valuable: str = ""
    could_be_better: str = ""
    recommend_score: int | None = None  # 0–10
    recommend_reason: str = ""
    testimonial: str = ""
    testimonial_consent: bool = False


@dataclass(frozen=True)
class HomeworkAnswers:
    """The borgingsplan's five fields, drafted by the client between session −1 and 0."""

    main_change: str
    relapse_situations: str
    relapse_strategy: str
    accountability_person: str
    self_check_method: str


@dataclass(frozen=True)
class SelfCheckAnswers:
    """ "Hoe gaat het met je verandering?": the client's own check-in months after the end."""

    goal_score: int | None
    kept: str  # did the change last: a Retained value (yes / partly / no)
    helps: str = ""  # wat helpt je om het vast te houden
    hard: str = ""  # wat maakt het lastig
    question: str = ""  # een vraag voor de coach
    wants_contact: bool = False


Answers = EvaluationAnswers | HomeworkAnswers | SelfCheckAnswers
FORM_ANSWERS: dict[FormKind, type[Answers]] = {
    FormKind.EVALUATION: EvaluationAnswers,
    FormKind.RETENTION_HOMEWORK: HomeworkAnswers,
    FormKind.SELF_CHECK: SelfCheckAnswers,
}
ANSWER_KINDS = {answers: kind for kind, answers in FORM_ANSWERS.items()}


# The answers a form cannot be sent without; the client's form marks them before sending.
REQUIRED_ANSWERS: dict[FormKind, frozenset[str]] = {
    FormKind.EVALUATION: frozenset(
        {"goal_at_start", "goal_score", "main_changes", "recommend_score"}
    ),
    FormKind.RETENTION_HOMEWORK: frozenset(f.name for f in fields(HomeworkAnswers)),
    FormKind.SELF_CHECK: frozenset({"goal_score", "kept"}),
}
CHOICES = {"kept": tuple(Retained)}  # answers picked from a few options


def _problems(answers: Answers) -> dict[str, str]:
    required = REQUIRED_ANSWERS[ANSWER_KINDS[type(answers)]]
    checks: dict[str, str | None] = {}
    for name, value in vars(answers).items():
        if name in CHOICES:
            missing = not value and name in required
            unknown = bool(value) and value not in CHOICES[name]
            checks[name] = (
                "validation.required" if missing else ("forms.choose" if unknown else None)
            )
        elif isinstance(value, str):
            checks[name] = text_problem(value, required=name in required)
        elif name in SCORE_SCALES:
            low, high = SCORE_SCALES[name]
            missing = value is None and name in required
            checks[name] = (
                "validation.required" if missing else score_problem(value, low=low, high=high)
            )
    return {field: key for field, key in checks.items() if key}


def submit_form(
    session: Session,
    *,
    token: str,
    answers: Answers,
    now: datetime,
) -> bool:
    """Store the answers once. Bad input raises ValidationError and leaves the link usable;
    False when the link no longer works (also for the second of two tabs)."""
    errors = _problems(answers)
    if errors:
        raise ValidationError(errors)
    link = _live_link(session, token, now)
    if link is None or link.kind is not ANSWER_KINDS[type(answers)]:
        return False
    # One statement claims the link: of two simultaneous submits, exactly one gets the row.
    claimed = session.execute(
        update(FormLink)
        .where(
            FormLink.id == link.id,
            FormLink.submitted_at.is_(None),
            FormLink.revoked_at.is_(None),
            FormLink.expires_at > now,
        )
        .values(submitted_at=now, draft=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    if isinstance(answers, EvaluationAnswers):
        score = answers.goal_score or 0  # never 0 here: a missing score was refused above
        _store_evaluation(session, link.trajectory_id, answers, score, now)
    elif isinstance(answers, SelfCheckAnswers):
        _store_self_check(session, link, answers, now)
    else:
        _store_homework(session, link, answers)
    session.flush()
    return True


def _store_evaluation(
    session: Session, trajectory_id: int, answers: EvaluationAnswers, score: int, now: datetime
) -> None:
    session.add(
        Evaluation(
            trajectory_id=trajectory_id,
            source=Source.CLIENT,
            submitted_at=now,
            goal_at_start=answers.goal_at_start.strip(),
            goal_score=answers.goal_score,
            main_changes=answers.main_changes.strip(),
            key_insight=answers.key_insight.strip() or None,
            most_valuable=answers.most_valuable.strip() or None,
            could_be_better=answers.could_be_better.strip() or None,
            recommend_score=answers.recommend_score,
            recommend_reason=answers.recommend_reason.strip() or None,
            testimonial=answers.testimonial.strip() or None,
            testimonial_consent=answers.testimonial_consent,
        )
    )
    session.add(
        GoalScore(
            trajectory_id=trajectory_id,
            score=score,
            measured_at=now,
            kind=ScoreKind.CLOSING,
            source=Source.CLIENT,
        )
    )
    if answers.testimonial.strip() and answers.testimonial_consent:
        session.add(
            Outcome(
                trajectory_id=trajectory_id,
                kind=OutcomeKind.TESTIMONIAL,
                recorded_on=now.date(),
                text=answers.testimonial.strip(),
                consent=True,
            )
        )


def _store_homework(session: Session, link: FormLink, answers: HomeworkAnswers) -> None:
    """Keep the client's answers apart and fill only the plan fields still empty: what the
    coach already wrote stays, and the coach sees the client's version beside it."""
    given = {name: value.strip() for name, value in vars(answers).items()}
    link.answers = given
    trajectory_id = link.trajectory_id
    plan = session.scalar(select(RetentionPlan).where(RetentionPlan.trajectory_id == trajectory_id))
    if plan is None:
        plan = RetentionPlan(trajectory_id=trajectory_id)
        session.add(plan)
    for name, value in given.items():
        if not getattr(plan, name):
            setattr(plan, name, value)


def _store_self_check(
    session: Session, link: FormLink, answers: SelfCheckAnswers, now: datetime
) -> None:
    """The answers go with the link (the follow-up shows them); the score joins the client's
    scores; a month-6 answer is the trajectory's result, given by the client."""
    link.answers = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in vars(answers).items()
    }
    follow_up = session.get(FollowUp, link.follow_up_id) if link.follow_up_id else None
    kind = follow_up.kind if follow_up else FollowUpKind.SELF_CHECK
    if follow_up is not None:
        revoke_open_self_checks(session, follow_up.id, now, keep=link.id)
    score = answers.goal_score or 0  # never 0 here: a missing score was refused above
    session.add(
        GoalScore(
            trajectory_id=link.trajectory_id,
            score=score,
            measured_at=now,
            kind=SELF_CHECK_SCORES.get(kind, ScoreKind.SELF_CHECK),
            source=Source.CLIENT,
            note=answers.helps.strip() or None,
        )
    )
    if kind is FollowUpKind.MONTH6_RESULT:
        session.add(
            Outcome(
                trajectory_id=link.trajectory_id,
                kind=OutcomeKind.RESULT_RETAINED,
                recorded_on=now.date(),
                retained=Retained(answers.kept),
                retained_score=score,
                source=Source.CLIENT,
            )
        )


def form_url(base: str, token: str) -> str:
    """The link a client opens: the app's address with the form page and the token."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme or "http", parts.netloc, "/formulier", f"t={token}", ""))
