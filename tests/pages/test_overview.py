"""Vandaag in AppTest: today's closing starts from here, a missing evaluation form is named."""

from collections.abc import Callable
from datetime import datetime, timedelta

from streamlit.testing.v1 import AppTest

from core.clients import list_clients
from core.config import load_settings
from core.database import prepare_database
from core.errors import ValidationError
from core.sessions import plan_session
from core.timefmt import DEFAULT_TIMEZONE, local_date, utc_now
from db.demo import DEMO_USERNAME
from db.models import Coach, SessionKind, TrajectoryStatus
from tests.conftest import TODAY

PAGE = "pages/overview.py"


def starts_later_today(now: datetime) -> list[datetime]:
    """In an hour, then every quarter until midnight in Amsterdam (Vandaag starts only today's
    closings), or in a minute when an hour already crosses midnight."""
    today = local_date(now, DEFAULT_TIMEZONE)
    starts = [now + timedelta(minutes=m) for m in range(70, 24 * 60, 15)]
    return [at for at in starts if local_date(at, DEFAULT_TIMEZONE) == today] or [
        now + timedelta(minutes=1)
    ]


def _plan_closing_soon(*, client_name: str) -> int:
    """A 90-minute closing later today for a demo client; returns its trajectory id."""
    factory = prepare_database(load_settings(), today=TODAY)
    now = utc_now()
    with factory.begin() as session:
        coach = session.query(Coach).filter_by(username=DEMO_USERNAME).one()
        row = next(
            r
            for r in list_clients(session, coach_id=coach.id, now=now, today=now.date())
            if r.name == client_name
        )
        assert row.trajectory_id is not None and row.status is TrajectoryStatus.ACTIVE
        for at in starts_later_today(now):
            try:  # the first time the demo's own sessions of today leave free
                with session.begin_nested():
                    plan_session(
                        session,
                        coach_id=coach.id,
                        trajectory_id=row.trajectory_id,
                        at=at,
                        kind=SessionKind.CLOSING_90,
                        duration_minutes=90,
                        now=now,
                    )
            except ValidationError:
                continue
            return row.trajectory_id
    raise AssertionError("no free 90 minutes left today for the closing")


def test_todays_closing_starts_from_vandaag_with_the_client_and_format_chosen(
    open_page: Callable[[str], AppTest],
) -> None:
    trajectory_id = _plan_closing_soon(client_name="Bram Postma")
    app = open_page(PAGE)
    start = next(b for b in app.button if b.label == "Start de afronding met Bram Postma")
    start.click().run()
    assert not app.exception
    chosen = app.selectbox(key="closing_choice").value
    assert chosen is not None and chosen.trajectory_id == trajectory_id
    assert app.radio[0].value == "single_90"  # the planned closing's own form


def test_a_closing_soon_without_the_form_back_leads_to_the_forms(
    open_page: Callable[[str], AppTest],
) -> None:
    _plan_closing_soon(client_name="Bram Postma")
    app = open_page(PAGE)
    assert any(h.value == "Evaluatieformulier nog niet terug" for h in app.header)
    row = next(m.value for m in app.markdown if m.value.startswith("**Bram Postma**"))
    assert row.endswith("nog geen geldige link verstuurd")
    next(b for b in app.button if b.label == "Naar formulieren").click().run()
    assert not app.exception
    assert app.session_state["client_section"] == "forms"  # the client's Formulieren part
    assert any(h.value == "Bram Postma" for h in app.title)


def test_a_long_list_to_log_shows_its_first_rows_and_the_rest_on_request(
    open_page: Callable[[str], AppTest],
) -> None:
    trajectory_id = _plan_closing_soon(client_name="Bram Postma")
    factory = prepare_database(load_settings(), today=TODAY)
    # A night three weeks ago: free in the demo agenda.
    weeks_ago = (utc_now() - timedelta(days=20)).replace(hour=22, minute=0, second=0)
    with factory.begin() as session:  # planned back then, never logged
        coach = session.query(Coach).filter_by(username=DEMO_USERNAME).one()
        for number in range(12):
            plan_session(
                session,
                coach_id=coach.id,
                trajectory_id=trajectory_id,
                at=weeks_ago + timedelta(minutes=35 * number + 1),
                kind=SessionKind.REGULAR,
                duration_minutes=30,
                now=weeks_ago,
            )
    app = open_page(PAGE)
    to_log = [b for b in app.button if b.label == "Vastleggen"]
    more = next(b for b in app.button if b.key == "overview_all_to_log_button")
    total = int(more.label.split()[3])  # "Toon ze alle 14"
    assert len(to_log) == 8 and total >= 12
    more.click().run()
    assert not app.exception
    assert len([b for b in app.button if b.label == "Vastleggen"]) == total
    assert not any(b.key == "overview_all_to_log_button" for b in app.button)
