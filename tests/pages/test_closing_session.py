"""The live closing page in AppTest: start, capture as typed, end with follow-ups."""

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from core.closing import read_closing, save_plan, start_closing
from core.config import load_settings
from core.database import prepare_database
from core.timefmt import utc_now
from core.timer import Agenda
from tests.conftest import TODAY
from tests.pages.conftest import other_coachs_client

PAGE = "pages/closing_session.py"


def _button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in app.button if b.label == label)


def _started(open_page: Callable[[str], AppTest]) -> tuple[AppTest, int]:
    app = open_page(PAGE)
    assert not app.exception
    app.radio[0].set_value("single_90").run()  # one session of 90 minutes, all three pillars
    _button(app, "Start de afronding").click().run()
    assert not app.exception
    return app, int(app.query_params["sessie"])


def test_starting_puts_the_session_in_the_url_and_shows_the_clock(
    open_page: Callable[[str], AppTest],
) -> None:
    app, session_id = _started(open_page)
    assert session_id > 0
    assert any("closing-time" in str(h.proto) for h in app.get("html"))
    assert _button(app, "Volgende stap") and _button(app, "Pauze")
    assert [c.label for c in app.checkbox][:1]  # the question bank for the phase in focus


def test_a_field_is_saved_when_the_coach_leaves_it(open_page: Callable[[str], AppTest]) -> None:
    app, session_id = _started(open_page)
    _button(app, "Volgende stap").click().run()  # opening → evaluation
    key = next(t.key for t in app.text_area if t.label == "Belangrijkste veranderingen")
    app.text_area(key=key).input("Ik zeg eerder nee").run()
    assert not app.exception
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        coach_id = app.session_state["app_coach"].id
        view = read_closing(session, coach_id=coach_id, session_id=session_id, now=utc_now())
    assert view.evaluation.main_changes == "Ik zeg eerder nee"


def test_ending_shows_what_was_done_and_the_follow_ups(open_page: Callable[[str], AppTest]) -> None:
    app, _ = _started(open_page)
    _button(app, "Ja, afronden").click().run()
    assert not app.exception
    assert "sessie" not in app.query_params
    texts = [m.value for m in app.markdown] + [s.value for s in app.success]
    assert any("afgerond" in t or "in afronding" in t for t in texts)


def test_another_coachs_session_is_not_reachable_by_url(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    other_id, _, trajectory_id = other_coachs_client()
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        their_session = start_closing(
            session,
            coach_id=other_id,
            trajectory_id=trajectory_id,
            agenda=Agenda.SINGLE_90,
            minutes=None,
            now=utc_now(),
        )
    app.query_params["sessie"] = str(their_session)
    app.run()
    assert not app.exception
    assert app.warning[0].value == "Deze cliënt bestaat niet of hoort niet bij jouw praktijk."
    assert not any("Geheim" in str(m.value) for m in app.markdown)


def test_an_own_question_joins_the_bank_and_a_hidden_one_leaves(
    open_page: Callable[[str], AppTest],
) -> None:
    app, _ = _started(open_page)
    focus = next(k for k in app.session_state if str(k).startswith("closing_new_question_"))
    app.text_input(key=focus).input("Wat vier je vandaag met jezelf?")
    _button(app, "Toevoegen").click().run()
    assert not app.exception
    assert "Wat vier je vandaag met jezelf?" in [c.label for c in app.checkbox]
    first = app.checkbox[0].label
    hide = next(m for m in app.multiselect if str(m.key).startswith("closing_hidden_"))
    hide.select("questions.looking_back.1").run()
    assert first not in [c.label for c in app.checkbox]


def test_a_stale_tab_is_told_and_keeps_its_text(open_page: Callable[[str], AppTest]) -> None:
    app, session_id = _started(open_page)
    for _ in range(2):
        _button(app, "Volgende stap").click().run()  # to borging
    factory = prepare_database(load_settings(), today=TODAY)
    coach_id = app.session_state["app_coach"].id
    with factory.begin() as session:  # another tab saves the plan first
        view = read_closing(session, coach_id=coach_id, session_id=session_id, now=utc_now())
        save_plan(
            session,
            coach_id=coach_id,
            trajectory_id=view.trajectory_id,
            values={"main_change": "Uit het andere tabblad"},
            expected_version=view.plan.version,
        )
    key = next(t.key for t in app.text_area if t.label == "Situaties waarin terugval kan gebeuren")
    app.text_area(key=key).input("Deadlines en drukte thuis").run()
    assert not app.exception
    assert "ander tabblad" in app.warning[0].value
    assert app.text_area(key=key).value == "Deadlines en drukte thuis"
    with factory() as session:
        stored = read_closing(session, coach_id=coach_id, session_id=session_id, now=utc_now())
    assert stored.plan.main_change == "Uit het andere tabblad"
    assert stored.plan.relapse_situations == ""  # nothing silently overwritten
