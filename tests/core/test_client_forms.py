"""Client form links: unguessable, expiring, revocable, single use — also under a race."""

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from core.client_forms import (
    MAX_ATTEMPTS_KEPT,
    REQUIRED_ANSWERS,
    Answers,
    EvaluationAnswers,
    HomeworkAnswers,
    LinkState,
    SelfCheckAnswers,
    create_form_link,
    list_form_links,
    note_dead_link_visit,
    open_form,
    revoke_form_link,
    save_form_draft,
    submit_form,
    token_hash,
)
from core.clients import list_clients
from core.closing import ClosingPart, read_plan, save_closing_field
from core.errors import NotFound, ValidationError
from core.readiness import Flag
from core.timeline import get_timeline, timeline_rows
from db.engine import make_session_factory
from db.models import (
    Client,
    Coach,
    Evaluation,
    FollowUpKind,
    FormKind,
    FormLink,
    GoalScore,
    Outcome,
    OutcomeKind,
    RetentionPlan,
    Source,
)
from tests.factories import add_follow_up, make_coach, make_practice, make_trajectory

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
TZ = "Europe/Amsterdam"
ANSWERS = EvaluationAnswers(
    goal_at_start="Rust in mijn week",
    goal_score=8,
    main_changes="Ik plan mijn week zelf",
    recommend_score=9,
    testimonial="Aanrader!",
    testimonial_consent=True,
)


def _link(db: Session, kind: FormKind = FormKind.EVALUATION, days: int = 14):  # type: ignore[no-untyped-def]
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=7)
    # A self-check answers a follow-up: here the month-6 result check.
    follow_up = (
        add_follow_up(db, trajectory, NOW.date(), FollowUpKind.MONTH6_RESULT).id
        if kind is FormKind.SELF_CHECK
        else None
    )
    link = create_form_link(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        kind=kind,
        valid_days=days,
        follow_up_id=follow_up,
        now=NOW,
    )
    return coach, trajectory, link


def _state(db: Session, coach_id: int, trajectory_id: int, when: datetime = NOW) -> LinkState:
    return list_form_links(db, coach_id=coach_id, trajectory_id=trajectory_id, now=when)[0].state


def test_a_token_is_long_random_and_only_its_hash_is_stored(db: Session) -> None:
    _, _, link = _link(db)
    assert len(link.token) >= 43  # 32 bytes, base64url
    stored = db.scalar(select(FormLink.token_hash).where(FormLink.id == link.link_id))
    assert stored == token_hash(link.token) and link.token not in str(stored)


def test_the_client_opens_and_submits_once(db: Session) -> None:
    coach, trajectory, link = _link(db)
    assert _state(db, coach.id, trajectory.id) is LinkState.NOT_OPENED
    form = open_form(db, token=link.token, now=NOW)
    assert form is not None and form.kind is FormKind.EVALUATION
    assert (form.client_first_name, form.goal) == ("Iris", "Rust in mijn week")
    assert _state(db, coach.id, trajectory.id) is LinkState.OPENED
    assert submit_form(db, token=link.token, answers=ANSWERS, now=NOW)
    assert _state(db, coach.id, trajectory.id) is LinkState.SUBMITTED
    evaluation = db.scalar(select(Evaluation).where(Evaluation.trajectory_id == trajectory.id))
    assert evaluation is not None and evaluation.source is Source.CLIENT
    assert (evaluation.goal_score, evaluation.recommend_score) == (8, 9)
    score = db.scalar(
        select(GoalScore).where(
            GoalScore.trajectory_id == trajectory.id, GoalScore.source == Source.CLIENT
        )
    )
    assert score is not None and score.score == 8
    testimonial = db.scalar(select(Outcome).where(Outcome.trajectory_id == trajectory.id))
    assert testimonial is not None and testimonial.kind is OutcomeKind.TESTIMONIAL
    # Used: the same link opens nothing now, and a second submit stores nothing.
    assert open_form(db, token=link.token, now=NOW) is None
    assert not submit_form(db, token=link.token, answers=ANSWERS, now=NOW)
    assert (
        db.scalar(
            select(func.count())
            .select_from(Evaluation)
            .where(Evaluation.trajectory_id == trajectory.id)
        )
        == 1
    )

    def attempts() -> int:
        return list_form_links(db, coach_id=coach.id, trajectory_id=trajectory.id, now=NOW)[
            0
        ].attempts

    # Opening and sending again are the page's runs, not visits: the page notes a visit once,
    # when the browser is not the one that sent the answers.
    assert attempts() == 0
    note_dead_link_visit(db, token=link.token, now=NOW)
    assert attempts() == 1


def test_a_visit_to_a_live_or_unknown_link_is_no_attempt(db: Session) -> None:
    coach, trajectory, link = _link(db)
    note_dead_link_visit(db, token=link.token, now=NOW)
    note_dead_link_visit(db, token="geraden-" + "x" * 40, now=NOW)
    rows = list_form_links(db, coach_id=coach.id, trajectory_id=trajectory.id, now=NOW)
    assert rows[0].attempts == 0


def test_a_testimonial_without_consent_is_not_an_outcome(db: Session) -> None:
    _, trajectory, link = _link(db)
    answers = EvaluationAnswers(**{**vars(ANSWERS), "testimonial_consent": False})
    assert submit_form(db, token=link.token, answers=answers, now=NOW)
    assert db.scalar(select(Outcome).where(Outcome.trajectory_id == trajectory.id)) is None


def test_expired_revoked_and_unknown_links_all_answer_the_same(db: Session) -> None:
    coach, trajectory, link = _link(db, days=14)
    later = NOW + timedelta(days=14, seconds=1)
    assert open_form(db, token=link.token, now=later) is None
    assert _state(db, coach.id, trajectory.id, later) is LinkState.EXPIRED
    other = create_form_link(
        db, coach_id=coach.id, trajectory_id=trajectory.id, kind=FormKind.EVALUATION, now=NOW
    )
    revoke_form_link(db, coach_id=coach.id, link_id=other.link_id, now=NOW)
    assert open_form(db, token=other.token, now=NOW) is None
    assert not submit_form(db, token=other.token, answers=ANSWERS, now=NOW)
    assert open_form(db, token="geraden-" + "x" * 40, now=NOW) is None


def test_bad_answers_are_refused_and_the_link_stays_usable(db: Session) -> None:
    _, _, link = _link(db)
    bad = EvaluationAnswers(
        goal_at_start="",
        goal_score=11,
        main_changes="",
        recommend_score=None,
        testimonial="x" * 5001,
    )
    with pytest.raises(ValidationError) as refused:
        submit_form(db, token=link.token, answers=bad, now=NOW)
    assert refused.value.errors == {
        "goal_at_start": "validation.required",
        "goal_score": "validation.score_range",
        "main_changes": "validation.required",
        "recommend_score": "validation.required",
        "testimonial": "validation.text_long",
    }
    assert submit_form(db, token=link.token, answers=ANSWERS, now=NOW)


@pytest.mark.parametrize("kind", FormKind)
def test_an_empty_form_is_refused_for_exactly_the_fields_marked_required(
    db: Session, kind: FormKind
) -> None:
    _, _, link = _link(db, kind)
    empties: dict[FormKind, Answers] = {
        FormKind.EVALUATION: EvaluationAnswers(goal_at_start="", goal_score=None, main_changes=""),
        FormKind.RETENTION_HOMEWORK: HomeworkAnswers("", "", "", "", ""),
        FormKind.SELF_CHECK: SelfCheckAnswers(goal_score=None, kept=""),
    }
    empty = empties[kind]
    with pytest.raises(ValidationError) as refused:
        submit_form(db, token=link.token, answers=empty, now=NOW)
    assert set(refused.value.errors) == REQUIRED_ANSWERS[kind]
    assert set(refused.value.errors.values()) == {"validation.required"}


def test_the_homework_fills_the_borgingsplan(db: Session) -> None:
    _, trajectory, link = _link(db, FormKind.RETENTION_HOMEWORK)
    homework = HomeworkAnswers(
        "Eerst vragen", "Deadlines", "Lijstje erbij", "Mijn partner", "Over drie maanden teruglezen"
    )
    assert not submit_form(db, token=link.token, answers=ANSWERS, now=NOW)  # wrong form
    assert submit_form(db, token=link.token, answers=homework, now=NOW)
    plan = db.scalar(select(RetentionPlan).where(RetentionPlan.trajectory_id == trajectory.id))
    assert plan is not None and plan.accountability_person == "Mijn partner"


def test_the_homework_never_overwrites_what_the_coach_wrote(db: Session) -> None:
    coach, trajectory, link = _link(db, FormKind.RETENTION_HOMEWORK)
    save_closing_field(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        part=ClosingPart.PLAN,
        name="main_change",
        value="Samen aangescherpt in sessie −1",
        seen=None,
        now=NOW,
    )
    homework = HomeworkAnswers(
        "Eerst vragen", "Deadlines", "Lijstje erbij", "Mijn partner", "Over drie maanden teruglezen"
    )
    assert submit_form(db, token=link.token, answers=homework, now=NOW)
    plan = read_plan(db, trajectory.id)
    assert plan.main_change == "Samen aangescherpt in sessie −1"  # the coach's text stays
    assert plan.relapse_situations == "Deadlines"  # empty fields take the client's answer
    assert plan.client_wrote == {"main_change": "Eerst vragen"}  # shown beside it


def test_the_form_keeps_what_is_typed_until_it_is_sent(db: Session) -> None:
    _, _, link = _link(db)
    assert save_form_draft(db, token=link.token, name="main_changes", value="Half af", now=NOW)
    assert open_form(db, token=link.token, now=NOW).draft == {"main_changes": "Half af"}  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="no field"):
        save_form_draft(db, token=link.token, name="coach_id", value="1", now=NOW)
    assert submit_form(db, token=link.token, answers=ANSWERS, now=NOW)
    assert not save_form_draft(db, token=link.token, name="main_changes", value="x", now=NOW)


def test_links_are_the_coachs_own(db: Session) -> None:
    coach, trajectory, link = _link(db)
    other = make_coach(db, "ander")
    with pytest.raises(NotFound):
        create_form_link(
            db, coach_id=other.id, trajectory_id=trajectory.id, kind=FormKind.EVALUATION, now=NOW
        )
    with pytest.raises(NotFound):
        revoke_form_link(db, coach_id=other.id, link_id=link.link_id, now=NOW)
    with pytest.raises(NotFound):
        list_form_links(db, coach_id=other.id, trajectory_id=trajectory.id, now=NOW)
    with pytest.raises(ValidationError):
        create_form_link(
            db,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            kind=FormKind.EVALUATION,
            valid_days=0,
            now=NOW,
        )


def test_two_simultaneous_submits_store_one(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with factory.begin() as session:
        coach = make_coach(session, "gelijktijdig")
        trajectory = make_trajectory(session, coach, held=7)
        link = create_form_link(
            session,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            kind=FormKind.EVALUATION,
            now=NOW,
        )
        coach_id, trajectory_id = coach.id, trajectory.id
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        with factory.begin() as session:
            barrier.wait(timeout=10)
            results.append(submit_form(session, token=link.token, answers=ANSWERS, now=NOW))

    # PostgreSQL runs the two really at once; SQLite's single test connection, one by one.
    concurrent = engine.dialect.name == "postgresql"
    threads = [threading.Thread(target=submit) for _ in range(2)] if concurrent else []
    try:
        if concurrent:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        else:
            barrier = threading.Barrier(1)
            submit()
            submit()
        assert sorted(results) == [False, True]
        with factory() as session:
            stored = session.scalar(
                select(func.count())
                .select_from(Evaluation)
                .where(Evaluation.trajectory_id == trajectory_id)
            )
        assert stored == 1
    finally:
        with factory.begin() as session:
            session.execute(delete(Client).where(Client.coach_id == coach_id))
            session.execute(delete(Coach).where(Coach.id == coach_id))


def test_the_evaluation_flag_clears_only_while_a_link_is_out_or_an_answer_is_in(
    db: Session,
) -> None:
    coach = make_practice(db, coaches=1, clients_each=20)[0]
    today = NOW.date()
    flagged = [
        r
        for r in list_clients(db, coach_id=coach.id, now=NOW, today=today)
        if Flag.NO_EVALUATION_FORM in r.flags
    ]
    assert flagged and flagged[0].trajectory_id is not None
    client_id, trajectory_id = flagged[0].client_id, flagged[0].trajectory_id

    def flagged_at(when: datetime) -> bool:
        [row] = list_clients(
            db, coach_id=coach.id, now=when, today=when.date(), client_id=client_id
        )
        return Flag.NO_EVALUATION_FORM in row.flags

    link = create_form_link(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory_id,
        kind=FormKind.EVALUATION,
        valid_days=3,
        now=NOW,
    )
    assert not flagged_at(NOW)  # a link is out
    assert flagged_at(NOW + timedelta(days=4))  # it expired unanswered: the warning is back
    assert submit_form(db, token=link.token, answers=ANSWERS, now=NOW + timedelta(days=1))
    assert not flagged_at(NOW + timedelta(days=4))  # the answer came back: for good


def test_visits_to_a_dead_link_are_kept_up_to_a_limit(db: Session) -> None:
    coach, trajectory, link = _link(db)
    revoke_form_link(db, coach_id=coach.id, link_id=link.link_id, now=NOW)
    for _ in range(MAX_ATTEMPTS_KEPT + 30):
        assert open_form(db, token=link.token, now=NOW) is None
        assert not save_form_draft(db, token=link.token, name="main_changes", value="x", now=NOW)
        note_dead_link_visit(db, token=link.token, now=NOW)
    shown = list_form_links(db, coach_id=coach.id, trajectory_id=trajectory.id, now=NOW)[0]
    assert shown.attempts == MAX_ATTEMPTS_KEPT


def test_the_timeline_shows_each_answer_under_its_question(db: Session) -> None:
    coach, trajectory, link = _link(db)
    assert submit_form(db, token=link.token, answers=ANSWERS, now=NOW)
    private = make_trajectory(db, coach, name="Zonder toestemming", held=7)
    token = create_form_link(
        db, coach_id=coach.id, trajectory_id=private.id, kind=FormKind.EVALUATION, now=NOW
    ).token
    answers = dataclasses.replace(ANSWERS, testimonial="Alleen voor jou", testimonial_consent=False)
    assert submit_form(db, token=token, answers=answers, now=NOW)

    def details(trajectory_id: int) -> list[str]:
        events = get_timeline(db, coach_id=coach.id, trajectory_id=trajectory_id, timezone=TZ)
        [row] = [
            r
            for r in timeline_rows(events, language="nl", timezone=TZ)
            if str(r["Wat"]).startswith("Evaluatieformulier")
        ]
        return str(row["Details"]).splitlines()

    assert details(trajectory.id) == [
        "Doel bij de start: Rust in mijn week",
        "Belangrijkste veranderingen: Ik plan mijn week zelf",
        "Zou je aanbevelen (0–10): 9",
        "Testimonial, mag gebruikt worden: Aanrader!",
    ]
    assert details(private.id)[-1] == (
        "Testimonial, alleen voor jou (geen toestemming om te gebruiken): Alleen voor jou"
    )
