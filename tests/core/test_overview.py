"""Vandaag: what a coach sees first, on hand-made data and on the demo practice."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from core.client_forms import EvaluationAnswers, create_form_link, submit_form
from core.overview import get_overview, greeting_key, overview_tables
from db.models import FollowUpKind, FormKind, SessionKind
from tests.conftest import NOW, TODAY
from tests.factories import add_follow_up, make_coach, make_practice, make_trajectory, plan_session

AMSTERDAM = "Europe/Amsterdam"
ANSWERS = EvaluationAnswers(
    goal_at_start="Rust in mijn week",
    goal_score=8,
    main_changes="Ik plan mijn week zelf",
    recommend_score=9,
    testimonial="",
    testimonial_consent=False,
)


def test_today_follows_the_coachs_clock_not_utc(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=2)
    # 23:30 UTC on the 25th is 00:30 on the 26th in Amsterdam: today, for this coach.
    plan_session(db, trajectory, datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    overview = get_overview(db, coach_id=coach.id, timezone=AMSTERDAM, now=NOW)
    assert [s.scheduled_at for s in overview.sessions_today] == [
        datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    ]
    # 03:00 UTC on the 26th is still the evening of the 25th in New York.
    early = datetime(2026, 11, 26, 3, tzinfo=UTC)
    in_new_york = get_overview(db, coach_id=coach.id, timezone="America/New_York", now=early)
    assert in_new_york.today == TODAY - timedelta(days=1)


def test_the_week_ahead_lists_sessions_in_time_order_and_no_further(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, held=2)
    later = plan_session(db, trajectory, NOW + timedelta(days=3))
    sooner = plan_session(db, trajectory, NOW + timedelta(hours=5), SessionKind.CLOSING_90)
    plan_session(db, trajectory, NOW + timedelta(days=8))  # beyond the week
    overview = get_overview(db, coach_id=coach.id, timezone=AMSTERDAM, now=NOW)
    assert [s.session_id for s in overview.sessions] == [sooner.id, later.id]
    assert [s.session_id for s in overview.closings] == [sooner.id]


def test_follow_ups_are_overdue_due_today_or_coming(db: Session) -> None:
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach)
    overdue = add_follow_up(db, trajectory, TODAY - timedelta(days=3))
    today = add_follow_up(db, trajectory, TODAY, FollowUpKind.MONTH3_CHECKIN)
    add_follow_up(db, trajectory, TODAY + timedelta(days=30))  # not yet relevant
    overview = get_overview(db, coach_id=coach.id, timezone=AMSTERDAM, now=NOW)
    assert [f.follow_up_id for f in overview.overdue] == [overdue.id]
    assert [f.follow_up_id for f in overview.due_today] == [today.id]
    rows = overview_tables(overview, "nl")["follow_ups"]
    assert rows[0]["Wanneer"] == "3 dagen te laat · ma 23 nov"
    assert rows[1]["Wanneer"] == "vandaag"


def test_a_trajectory_in_its_last_two_sessions_without_a_closing_is_flagged(db: Session) -> None:
    coach = make_coach(db)
    make_trajectory(db, coach, name="Zonder afronding", planned=8, held=6)
    planned = make_trajectory(db, coach, name="Met afronding", planned=8, held=7)
    plan_session(db, planned, NOW + timedelta(days=2), SessionKind.CLOSING_90)
    make_trajectory(db, coach, name="Nog niet", planned=8, held=5)
    overview = get_overview(db, coach_id=coach.id, timezone=AMSTERDAM, now=NOW)
    assert [p.client_name for p in overview.nearing_end] == ["Zonder afronding"]


def test_long_or_intensive_trajectories_are_advised_two_closing_sessions(db: Session) -> None:
    coach = make_coach(db)
    make_trajectory(db, coach, name="Lang", planned=12, held=11)
    make_trajectory(db, coach, name="Intensief", planned=8, held=7, intensive=True)
    make_trajectory(db, coach, name="Kort", planned=6, held=5)
    overview = get_overview(db, coach_id=coach.id, timezone=AMSTERDAM, now=NOW)
    advice = {p.client_name: p.advise_two_sessions for p in overview.nearing_end}
    assert advice == {"Lang": True, "Intensief": True, "Kort": False}


def test_the_intermediate_evaluation_is_due_around_the_middle(db: Session) -> None:
    coach = make_coach(db)
    for held in (2, 3, 4, 5, 6):
        make_trajectory(db, coach, name=f"{held} van 8", planned=8, held=held)
    make_trajectory(db, coach, name="kort traject", planned=4, held=2)
    overview = get_overview(db, coach_id=coach.id, timezone=AMSTERDAM, now=NOW)
    assert [p.client_name for p in overview.intermediate_due] == ["3 van 8", "4 van 8", "5 van 8"]


def test_the_demo_practice_gives_the_coach_a_full_day(db: Session) -> None:
    demo = make_practice(db, coaches=1, clients_each=40)[0]
    overview = get_overview(db, coach_id=demo.id, timezone=AMSTERDAM, now=NOW)
    assert any(s.is_closing for s in overview.sessions_today)
    assert overview.overdue and overview.due_today
    assert overview.nearing_end and overview.intermediate_due
    tables = overview_tables(overview, "nl")
    assert str(tables["sessions"][0]["Wanneer"]).startswith("vandaag, ")


def test_a_closing_within_two_days_without_the_form_back_is_named(db: Session) -> None:
    coach = make_coach(db)
    no_link = make_trajectory(db, coach, name="Geen link", held=7)
    plan_session(db, no_link, NOW + timedelta(days=1), SessionKind.CLOSING_90)
    link_out = make_trajectory(db, coach, name="Link uit", held=7)
    plan_session(db, link_out, NOW + timedelta(hours=30), SessionKind.CLOSING_MINUS_1)
    plan_session(db, link_out, NOW + timedelta(days=2), SessionKind.CLOSING_0)  # one row each
    create_form_link(
        db, coach_id=coach.id, trajectory_id=link_out.id, kind=FormKind.EVALUATION, now=NOW
    )
    answered = make_trajectory(db, coach, name="Beantwoord", held=7)
    plan_session(db, answered, NOW + timedelta(days=1), SessionKind.CLOSING_90)
    token = create_form_link(
        db, coach_id=coach.id, trajectory_id=answered.id, kind=FormKind.EVALUATION, now=NOW
    ).token
    assert submit_form(db, token=token, answers=ANSWERS, now=NOW)
    later = make_trajectory(db, coach, name="Later", held=7)
    plan_session(db, later, NOW + timedelta(days=4), SessionKind.CLOSING_90)  # not yet
    overview = get_overview(db, coach_id=coach.id, timezone=AMSTERDAM, now=NOW)
    assert [(f.closing.client_name, f.link_out) for f in overview.forms_not_back] == [
        ("Geen link", False),
        ("Link uit", True),
    ]


def test_the_greeting_follows_the_local_hour() -> None:
    assert greeting_key(datetime(2026, 11, 26, 8, tzinfo=UTC), AMSTERDAM) == "overview.greeting"
    assert greeting_key(datetime(2026, 11, 26, 12, tzinfo=UTC), AMSTERDAM).endswith("afternoon")
    assert greeting_key(datetime(2026, 11, 26, 18, tzinfo=UTC), AMSTERDAM).endswith("evening")
