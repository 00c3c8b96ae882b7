"""The live closing session: clock in the database, captures, stale tabs, the ending."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.closing import (
    ChecklistDraft,
    EvaluationDraft,
    PlanDraft,
    StaleEdit,
    end_closing,
    list_closing_candidates,
    next_phase,
    pause_closing,
    protocol_completed,
    read_clock,
    read_closing,
    resume_closing,
    save_checklist,
    save_evaluation,
    save_plan,
    start_closing,
)
from core.errors import NotFound
from core.question_bank import (
    PHASE_GROUPS,
    add_question,
    asked_questions,
    list_questions,
    mark_asked,
    set_question_hidden,
)
from core.timer import Agenda, Phase
from db.models import (
    Evaluation,
    FollowUp,
    FollowUpKind,
    QuestionGroup,
    Source,
    Trajectory,
    TrajectoryStatus,
)
from tests.conftest import TODAY
from tests.factories import make_coach, make_trajectory

START = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
FULL_PLAN = {
    "main_change": "Ik zeg eerlijk wat haalbaar is",
    "relapse_situations": "Deadlines",
    "relapse_strategy": "Signalenlijst erbij",
    "accountability_person": "Mijn partner",
    "self_check_method": "Over drie maanden dit plan teruglezen",
}
FULL_CHECKLIST = {
    "relationship_acknowledged": True,
    "successes_celebrated": True,
    "goodbye_explicit": True,
    "feedback_asked": True,
    "offered_follow_up": True,
}


def minutes(n: float) -> datetime:
    return START + timedelta(minutes=n)


def started(db: Session, agenda: Agenda = Agenda.SINGLE_90) -> tuple[int, int, Trajectory]:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=7)
    session_id = start_closing(
        db, coach_id=coach.id, trajectory_id=trajectory.id, agenda=agenda, minutes=None, now=START
    )
    return coach.id, session_id, trajectory


def test_the_clock_lives_in_the_database(db: Session) -> None:
    coach_id, session_id, trajectory = started(db)
    next_phase(db, coach_id=coach_id, session_id=session_id, now=minutes(6))
    # A refresh or a second tab: the same phase and time, from the stored moments.
    clock = read_clock(db, coach_id=coach_id, session_id=session_id, now=minutes(10))
    assert clock.current is not None and clock.current.phase is Phase.EVALUATION
    assert clock.elapsed_seconds == 10 * 60
    assert (
        start_closing(
            db,
            coach_id=coach_id,
            trajectory_id=trajectory.id,
            agenda=Agenda.SINGLE_90,
            minutes=None,
            now=minutes(11),
        )
        == session_id
    )


def test_pause_and_resume_are_stored(db: Session) -> None:
    coach_id, session_id, _ = started(db)
    pause_closing(db, coach_id=coach_id, session_id=session_id, now=minutes(3))
    assert read_clock(db, coach_id=coach_id, session_id=session_id, now=minutes(9)).paused
    resume_closing(db, coach_id=coach_id, session_id=session_id, now=minutes(9))
    clock = read_clock(db, coach_id=coach_id, session_id=session_id, now=minutes(10))
    assert not clock.paused and clock.elapsed_seconds == 4 * 60


def test_the_coach_adjusts_the_phase_minutes(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=11, planned=12)
    session_id = start_closing(
        db,
        coach_id=coach.id,
        trajectory_id=trajectory.id,
        agenda=Agenda.MINUS_1,
        minutes={Phase.EVALUATION: 50},
        now=START,
    )
    view = read_closing(db, coach_id=coach.id, session_id=session_id, now=START)
    assert [(p.phase, p.planned_seconds / 60) for p in view.timer.phases] == [
        (Phase.OPENING, 5),
        (Phase.EVALUATION, 50),
        (Phase.BUFFER, 10),
    ]


def test_the_evaluation_is_prefilled_from_the_clients_form(db: Session) -> None:
    coach_id, session_id, trajectory = started(db)
    db.add(
        Evaluation(
            trajectory_id=trajectory.id,
            source=Source.CLIENT,
            goal_score=8,
            main_changes="Ik plan mijn week zelf",
        )
    )
    db.flush()
    view = read_closing(db, coach_id=coach_id, session_id=session_id, now=START)
    assert view.evaluation.from_client_form and view.evaluation.goal_score == 8
    save_evaluation(
        db,
        coach_id=coach_id,
        trajectory_id=trajectory.id,
        values={"goal_score": 7, "key_insight": "Eerst vragen"},
        now=START,
    )
    view = read_closing(db, coach_id=coach_id, session_id=session_id, now=START)
    assert not view.evaluation.from_client_form
    assert (view.evaluation.goal_score, view.evaluation.key_insight) == (7, "Eerst vragen")


def test_a_stale_tab_cannot_overwrite_the_plan(db: Session) -> None:
    coach_id, _, trajectory = started(db)
    version = save_plan(
        db,
        coach_id=coach_id,
        trajectory_id=trajectory.id,
        values={"main_change": "Tab één"},
        expected_version=0,
    )
    assert version == 1
    save_plan(
        db,
        coach_id=coach_id,
        trajectory_id=trajectory.id,
        values={"relapse_situations": "Deadlines"},
        expected_version=1,
    )
    with pytest.raises(StaleEdit):  # the other tab still holds version 1
        save_plan(
            db,
            coach_id=coach_id,
            trajectory_id=trajectory.id,
            values={"main_change": "Tab twee"},
            expected_version=1,
        )
    with pytest.raises(StaleEdit):
        save_checklist(
            db,
            coach_id=coach_id,
            trajectory_id=trajectory.id,
            values={"feedback_asked": True},
            expected_version=3,
        )


def test_the_full_protocol_needs_all_three_pillars() -> None:
    evaluation = EvaluationDraft(goal_score=8, main_changes="Veel")
    plan = PlanDraft(**FULL_PLAN)
    checklist = ChecklistDraft(**FULL_CHECKLIST)
    assert protocol_completed(evaluation, plan, checklist)
    assert not protocol_completed(EvaluationDraft(), plan, checklist)
    assert not protocol_completed(evaluation, PlanDraft(main_change="Alleen dit"), checklist)
    no_door = ChecklistDraft(**{**FULL_CHECKLIST, "offered_follow_up": False})
    assert not protocol_completed(evaluation, plan, no_door)


def test_ending_closes_the_trajectory_and_schedules_the_follow_ups(db: Session) -> None:
    coach_id, session_id, trajectory = started(db)
    save_evaluation(
        db,
        coach_id=coach_id,
        trajectory_id=trajectory.id,
        values={"goal_score": 8, "main_changes": "Rust"},
        now=START,
    )
    save_plan(
        db,
        coach_id=coach_id,
        trajectory_id=trajectory.id,
        values={**FULL_PLAN, "self_check_on": date(2027, 3, 1)},
        expected_version=0,
    )
    save_checklist(
        db,
        coach_id=coach_id,
        trajectory_id=trajectory.id,
        values=FULL_CHECKLIST,
        expected_version=0,
    )
    summary = end_closing(
        db, coach_id=coach_id, session_id=session_id, now=minutes(92), today=TODAY
    )
    assert summary.status is TrajectoryStatus.CLOSED and summary.full_protocol
    due = dict(
        db.execute(
            select(FollowUp.kind, FollowUp.due_on).where(FollowUp.trajectory_id == trajectory.id)
        ).all()
    )
    assert due == {
        FollowUpKind.WEEK1_MAIL: TODAY + timedelta(days=7),
        FollowUpKind.MONTH3_CHECKIN: TODAY + timedelta(days=91),
        FollowUpKind.MONTH6_RESULT: TODAY + timedelta(days=182),
        FollowUpKind.SELF_CHECK: date(2027, 3, 1),
    }
    assert read_closing(db, coach_id=coach_id, session_id=session_id, now=minutes(200)).ended


def test_session_minus_one_leaves_the_trajectory_in_closing(db: Session) -> None:
    coach_id, session_id, _ = started(db, Agenda.MINUS_1)
    summary = end_closing(
        db, coach_id=coach_id, session_id=session_id, now=minutes(60), today=TODAY
    )
    assert summary.status is TrajectoryStatus.CLOSING and summary.follow_ups == []
    [candidate] = list_closing_candidates(db, coach_id=coach_id)
    assert candidate.suggested_agenda is Agenda.SESSION_0


def test_another_coach_cannot_drive_or_read_the_session(db: Session) -> None:
    _, session_id, trajectory = started(db)
    intruder = make_coach(db, "indringer")
    with pytest.raises(NotFound):
        read_closing(db, coach_id=intruder.id, session_id=session_id, now=START)
    with pytest.raises(NotFound):
        next_phase(db, coach_id=intruder.id, session_id=session_id, now=START)
    with pytest.raises(NotFound):
        save_plan(
            db,
            coach_id=intruder.id,
            trajectory_id=trajectory.id,
            values={"main_change": "x"},
            expected_version=0,
        )


def test_the_bank_has_five_groups_of_five_in_both_languages(db: Session) -> None:
    coach = make_coach(db)
    for language in ("nl", "en"):
        closing = list_questions(
            db, coach_id=coach.id, language=language, groups=tuple(QuestionGroup)[:5]
        )
        assert len(closing) == 25 and not any(q.text.startswith("⟨") for q in closing)
    assert PHASE_GROUPS[Phase.RETENTION] == (QuestionGroup.SECURING,)


def test_own_questions_and_hidden_ones(db: Session) -> None:
    coach, other = make_coach(db), make_coach(db, "ander")
    key = add_question(
        db,
        coach_id=coach.id,
        group=QuestionGroup.SECURING,
        text="Wat zeg je tegen jezelf op een slechte dag?",
    )
    set_question_hidden(db, coach_id=coach.id, key="questions.securing.2", hidden=True)
    mine = list_questions(db, coach_id=coach.id, language="nl", groups=(QuestionGroup.SECURING,))
    assert [q.key for q in mine][-1] == key and "questions.securing.2" not in {q.key for q in mine}
    theirs = list_questions(db, coach_id=other.id, language="nl", groups=(QuestionGroup.SECURING,))
    assert len(theirs) == 5 and key not in {q.key for q in theirs}
    with pytest.raises(NotFound):
        set_question_hidden(db, coach_id=other.id, key=key, hidden=True)


def test_questions_are_ticked_per_session(db: Session) -> None:
    coach_id, session_id, _ = started(db)
    mark_asked(db, coach_id=coach_id, session_id=session_id, key="questions.feedback.2", asked=True)
    assert asked_questions(db, coach_id=coach_id, session_id=session_id) == {"questions.feedback.2"}
    mark_asked(
        db, coach_id=coach_id, session_id=session_id, key="questions.feedback.2", asked=False
    )
    assert asked_questions(db, coach_id=coach_id, session_id=session_id) == set()
