"""The live closing session: clock in the database, captures, stale tabs, the ending."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.closing import (
    ChecklistDraft,
    ClosingPart,
    EvaluationDraft,
    PlanDraft,
    StaleEdit,
    end_closing,
    list_closing_candidates,
    next_phase,
    pause_closing,
    previous_phase,
    protocol_completed,
    read_clock,
    read_closing,
    read_closing_summary,
    resume_closing,
    save_closing_field,
    start_closing,
)
from core.errors import NotFound
from core.question_bank import (
    ARTICLE_GROUPS,
    PHASE_GROUPS,
    add_question,
    asked_questions,
    list_questions,
    mark_asked,
    set_question_hidden,
)
from core.timeline import get_timeline
from core.timer import Agenda, Phase
from db.models import (
    CoachingSession,
    Evaluation,
    FollowUp,
    FollowUpKind,
    GoalScore,
    QuestionGroup,
    ScoreKind,
    SessionKind,
    SessionStatus,
    Source,
    Trajectory,
    TrajectoryStatus,
)
from tests.conftest import TODAY
from tests.factories import make_coach, make_trajectory, plan_session

START = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
FULL_PLAN: dict[str, Any] = {
    "main_change": "Ik zeg eerlijk wat haalbaar is",
    "relapse_situations": "Deadlines",
    "relapse_strategy": "Signalenlijst erbij",
    "accountability_person": "Mijn partner",
    "self_check_method": "Over drie maanden dit plan teruglezen",
}
FULL_CHECKLIST: dict[str, Any] = {
    "relationship_acknowledged": True,
    "successes_celebrated": True,
    "goodbye_explicit": True,
    "feedback_asked": True,
    "offered_follow_up": True,
}


def minutes(n: float) -> datetime:
    return START + timedelta(minutes=n)


def save(
    db: Session,
    coach_id: int,
    trajectory_id: int,
    part: ClosingPart,
    values: Mapping[str, object],
    seen: Mapping[str, object] | None = None,
) -> None:
    """Save fields as one tab does, each checked against what that tab showed."""
    for name, value in values.items():
        save_closing_field(
            db,
            coach_id=coach_id,
            trajectory_id=trajectory_id,
            part=part,
            name=name,
            value=value,
            seen=(seen or {}).get(name),
            now=START,
        )


def client_form(db: Session, trajectory_id: int) -> None:
    """The client's evaluation form: a score and four answers."""
    db.add(
        Evaluation(
            trajectory_id=trajectory_id,
            source=Source.CLIENT,
            goal_score=7,
            main_changes="Ik plan mijn week zelf",
            key_insight="Nee zeggen mag",
            most_valuable="De rust in de sessies",
            could_be_better="Meer huiswerk",
        )
    )
    db.flush()


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
    client_form(db, trajectory.id)
    view = read_closing(db, coach_id=coach_id, session_id=session_id, now=START)
    assert view.evaluation.from_client_form and view.evaluation.goal_score == 7


def test_one_coach_edit_keeps_every_other_answer_of_the_client(db: Session) -> None:
    coach_id, session_id, trajectory = started(db)
    client_form(db, trajectory.id)
    save(
        db,
        coach_id,
        trajectory.id,
        ClosingPart.EVALUATION,
        {"could_be_better": "Meer huiswerk, en eerder aan de borging"},
        seen={"could_be_better": "Meer huiswerk"},
    )
    evaluation = read_closing(db, coach_id=coach_id, session_id=session_id, now=START).evaluation
    assert evaluation.goal_score == 7
    assert evaluation.main_changes == "Ik plan mijn week zelf"
    assert evaluation.key_insight == "Nee zeggen mag"
    assert evaluation.most_valuable == "De rust in de sessies"
    assert evaluation.could_be_better == "Meer huiswerk, en eerder aan de borging"
    assert evaluation.client_wrote == {"could_be_better": "Meer huiswerk"}
    timeline = get_timeline(
        db, coach_id=coach_id, trajectory_id=trajectory.id, timezone="Europe/Amsterdam"
    )
    in_session = next(e for e in timeline if e.what == "timeline.evaluation_coach")
    assert in_session.values["score"] == 7
    assert ("timeline.answer_main_changes", "Ik plan mijn week zelf") in in_session.answers
    # An answer the coach empties stays empty: the client's text does not come back.
    save(
        db,
        coach_id,
        trajectory.id,
        ClosingPart.EVALUATION,
        {"most_valuable": ""},
        seen={"most_valuable": "De rust in de sessies"},
    )
    evaluation = read_closing(db, coach_id=coach_id, session_id=session_id, now=START).evaluation
    assert evaluation.most_valuable == ""
    assert evaluation.client_wrote["most_valuable"] == "De rust in de sessies"


def test_a_closing_with_one_edit_on_a_full_form_counts_as_full_protocol(db: Session) -> None:
    coach_id, session_id, trajectory = started(db)
    client_form(db, trajectory.id)
    save(
        db,
        coach_id,
        trajectory.id,
        ClosingPart.EVALUATION,
        {"could_be_better": "Eerder de borging"},
        seen={"could_be_better": "Meer huiswerk"},
    )
    save(db, coach_id, trajectory.id, ClosingPart.PLAN, FULL_PLAN)
    save(db, coach_id, trajectory.id, ClosingPart.CHECKLIST, FULL_CHECKLIST)
    summary = end_closing(
        db, coach_id=coach_id, session_id=session_id, now=minutes(90), today=TODAY
    )
    assert summary.full_protocol and summary.evaluation.goal_score == 7
    assert summary.evaluation.main_changes == "Ik plan mijn week zelf"
    closing_scores = db.scalars(
        select(GoalScore.score).where(
            GoalScore.session_id == session_id, GoalScore.kind == ScoreKind.CLOSING
        )
    ).all()
    assert closing_scores == [7]


def test_a_stale_tab_cannot_overwrite_a_field_changed_elsewhere(db: Session) -> None:
    coach_id, session_id, trajectory = started(db)
    save(db, coach_id, trajectory.id, ClosingPart.PLAN, {"main_change": "Tab één"})
    # The other tab still shows the empty field: its save is refused, nothing overwritten.
    with pytest.raises(StaleEdit):
        save(db, coach_id, trajectory.id, ClosingPart.PLAN, {"main_change": "Tab twee"})
    # A field nobody else changed saves fine from that same tab.
    save(db, coach_id, trajectory.id, ClosingPart.PLAN, {"relapse_situations": "Deadlines"})
    plan = read_closing(db, coach_id=coach_id, session_id=session_id, now=START).plan
    assert (plan.main_change, plan.relapse_situations) == ("Tab één", "Deadlines")
    with pytest.raises(StaleEdit):
        save(
            db,
            coach_id,
            trajectory.id,
            ClosingPart.CHECKLIST,
            {"feedback_asked": False},
            seen={"feedback_asked": True},
        )
    with pytest.raises(ValueError, match="no field"):
        save(db, coach_id, trajectory.id, ClosingPart.PLAN, {"main_chnage": "typo"})


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
    save(
        db,
        coach_id,
        trajectory.id,
        ClosingPart.EVALUATION,
        {"goal_score": 8, "main_changes": "Rust"},
    )
    save(
        db,
        coach_id,
        trajectory.id,
        ClosingPart.PLAN,
        {**FULL_PLAN, "self_check_on": date(2027, 3, 1)},
    )
    save(db, coach_id, trajectory.id, ClosingPart.CHECKLIST, FULL_CHECKLIST)
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
    # Ending again (a second tab, a double click) changes nothing and shows the same summary.
    again = end_closing(db, coach_id=coach_id, session_id=session_id, now=minutes(95), today=TODAY)
    assert again == summary
    assert len(db.scalars(select(GoalScore).where(GoalScore.session_id == session_id)).all()) == 1
    assert summary == read_closing_summary(
        db, coach_id=coach_id, session_id=session_id, now=minutes(300)
    )


def test_session_minus_one_leaves_the_trajectory_in_closing(db: Session) -> None:
    coach_id, session_id, _ = started(db, Agenda.MINUS_1)
    summary = end_closing(
        db, coach_id=coach_id, session_id=session_id, now=minutes(60), today=TODAY
    )
    assert summary.status is TrajectoryStatus.CLOSING and summary.follow_ups == []
    [candidate] = list_closing_candidates(db, coach_id=coach_id, now=minutes(60))
    assert candidate.suggested_agenda is Agenda.SESSION_0


def test_another_coach_cannot_drive_or_read_the_session(db: Session) -> None:
    _, session_id, trajectory = started(db)
    intruder = make_coach(db, "indringer")
    with pytest.raises(NotFound):
        read_closing(db, coach_id=intruder.id, session_id=session_id, now=START)
    with pytest.raises(NotFound):
        next_phase(db, coach_id=intruder.id, session_id=session_id, now=START)
    with pytest.raises(NotFound):
        save(db, intruder.id, trajectory.id, ClosingPart.PLAN, {"main_change": "x"})


def test_the_bank_holds_the_methods_25_questions_and_what_it_adds(db: Session) -> None:
    coach = make_coach(db)
    for language in ("nl", "en"):
        bank = list_questions(db, coach_id=coach.id, language=language)
        texts = {q.key: q.text for q in bank}
        assert not any(text.startswith("⟨") for text in texts.values())  # no missing text
        article = [q for q in bank if q.in_article_set]
        assert len(article) == 25 and {q.group for q in article} == set(ARTICLE_GROUPS)
        # Added: what could hold the client back, the triggers, the habits; the core themes.
        assert [q.key for q in bank if q.group is QuestionGroup.SECURING][5:] == [
            "questions.securing.6",
            "questions.securing.7",
            "questions.securing.8",
        ]
        core = [q for q in bank if q.group is QuestionGroup.CORE]
        assert len(core) == 4 and not any(q.in_article_set for q in core)
    assert PHASE_GROUPS[Phase.RETENTION] == (QuestionGroup.SECURING,)
    assert PHASE_GROUPS[Phase.EVALUATION][0] is QuestionGroup.CORE  # the four themes first
    dutch = {q.key: q.text for q in list_questions(db, coach_id=coach.id, language="nl")}
    assert "dicht" in dutch["questions.looking_back.2"]  # how close, not a grade for the goal
    assert "waarom niet" in dutch["questions.feedback.4"]  # the "why, or why not" half


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
    assert len(theirs) == 8 and key not in {q.key for q in theirs}
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


def test_one_step_back_restores_the_previous_phase_and_its_time(db: Session) -> None:
    coach_id, session_id, _ = started(db)
    next_phase(db, coach_id=coach_id, session_id=session_id, now=minutes(5))  # → evaluation
    next_phase(db, coach_id=coach_id, session_id=session_id, now=minutes(20))  # tapped by mistake
    previous_phase(db, coach_id=coach_id, session_id=session_id, now=minutes(21))
    clock = read_clock(db, coach_id=coach_id, session_id=session_id, now=minutes(21))
    assert clock.current is not None and clock.current.phase is Phase.EVALUATION
    assert clock.current.elapsed_seconds == 15 * 60  # where it stood when it was left
    retention = next(p for p in clock.phases if p.phase is Phase.RETENTION)
    assert retention.elapsed_seconds == 0 and not retention.done
    later = read_clock(db, coach_id=coach_id, session_id=session_id, now=minutes(31))
    assert later.current is not None and later.current.elapsed_seconds == 25 * 60
    # Back from the first phase does nothing.
    for _ in range(3):
        previous_phase(db, coach_id=coach_id, session_id=session_id, now=minutes(32))
    first = read_clock(db, coach_id=coach_id, session_id=session_id, now=minutes(32))
    assert first.current is not None and first.current.phase is Phase.OPENING


def test_two_screens_stepping_from_the_same_phase_take_one_step(db: Session) -> None:
    coach_id, session_id, _ = started(db)
    ids = {"coach_id": coach_id, "session_id": session_id}
    # Both tabs show the opening; both click "next" at about the same time.
    next_phase(db, **ids, now=minutes(5), seen=Phase.OPENING)
    next_phase(db, **ids, now=minutes(5.1), seen=Phase.OPENING)
    clock = read_clock(db, **ids, now=minutes(6))
    assert clock.current is not None and clock.current.phase is Phase.EVALUATION
    # Likewise "back" from a screen still on the opening undoes nothing.
    previous_phase(db, **ids, now=minutes(7), seen=Phase.OPENING)
    clock = read_clock(db, **ids, now=minutes(7))
    assert clock.current is not None and clock.current.phase is Phase.EVALUATION
    previous_phase(db, **ids, now=minutes(8), seen=Phase.EVALUATION)
    clock = read_clock(db, **ids, now=minutes(8))
    assert clock.current is not None and clock.current.phase is Phase.OPENING


def test_the_start_form_offers_todays_planned_closing_first(db: Session) -> None:
    coach = make_coach(db)
    make_trajectory(db, coach, name="Anna Eerst", held=7)
    planned = make_trajectory(db, coach, name="Zoë Vandaag", held=3)
    later = make_trajectory(db, coach, name="Bram Later", held=6)
    for trajectory, when, kind in (
        (planned, START + timedelta(hours=2), SessionKind.CLOSING_90),
        (later, START + timedelta(days=6), SessionKind.CLOSING_MINUS_1),
    ):
        db.add(
            CoachingSession(
                trajectory_id=trajectory.id,
                kind=kind,
                status=SessionStatus.PLANNED,
                scheduled_at=when,
                duration_minutes=90,
            )
        )
    db.flush()
    candidates = list_closing_candidates(db, coach_id=coach.id, now=START)
    assert [c.client_name for c in candidates] == ["Zoë Vandaag", "Bram Later", "Anna Eerst"]
    first, second, third = candidates
    assert first.suggested_agenda is Agenda.SINGLE_90 and not first.in_last_sessions
    assert second.suggested_agenda is Agenda.MINUS_1 and third.in_last_sessions


@pytest.mark.parametrize("cancel", [True, False], ids=["cancelled", "kept"])
def test_ending_cancels_what_is_still_planned_unless_the_coach_keeps_it(
    db: Session, cancel: bool
) -> None:
    coach_id, session_id, trajectory = started(db)
    leftover = plan_session(db, trajectory, START + timedelta(days=14))
    end_closing(
        db,
        coach_id=coach_id,
        session_id=session_id,
        now=minutes(90),
        today=TODAY,
        cancel_remaining=cancel,
    )
    db.refresh(leftover)
    assert leftover.status is (SessionStatus.CANCELLED if cancel else SessionStatus.PLANNED)
