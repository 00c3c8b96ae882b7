"""The live closing page in AppTest: start, capture as typed, end with follow-ups."""

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from core.closing import (
    ClosingPart,
    next_phase,
    read_clock,
    read_closing,
    save_closing_field,
    start_closing,
)
from core.config import load_settings
from core.database import prepare_database
from core.glance import read_glance
from core.timefmt import utc_now
from core.timer import Agenda, Phase
from db.models import Evaluation, Source
from tests.conftest import TODAY
from tests.pages.conftest import as_shown, other_coachs_client

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
    _button(app, "Volgende stap").click().run()  # opening → evaluation
    assert [c.label for c in app.checkbox][:1]  # the question bank for the phase in focus


def _part(app: AppTest, part: str) -> AppTest:
    app.button_group[0].set_value(part).run()
    assert not app.exception
    return app


def _texts(app: AppTest) -> str:
    return " ".join(str(m.value) for m in [*app.markdown, *app.caption])


def test_every_part_of_the_closing_shows_its_own_content(
    open_page: Callable[[str], AppTest],
) -> None:
    app, session_id = _started(open_page)
    factory = prepare_database(load_settings(), today=TODAY)
    coach_id = app.session_state["app_coach"].id
    with factory() as session:
        view = read_closing(session, coach_id=coach_id, session_id=session_id, now=utc_now())
        glance = read_glance(session, coach_id=coach_id, trajectory_id=view.trajectory_id)
    assert glance.first_score is not None and glance.latest_score is not None
    opening = _texts(app)  # the session opens on the opening: the trajectory at a glance
    assert "Het traject in één oogopslag" in opening
    assert f"Doelscore bij de start {glance.first_score} → nu {glance.latest_score}" in opening
    assert f"{glance.sessions_held} sessies gehouden" in opening
    assert "Belangrijkste veranderingen" not in [t.label for t in app.number_input]

    buffer = _texts(_part(app, "buffer"))
    assert "Ruimte voor wat er nog is" in buffer and "pauze" in buffer
    assert "Ruimte gegeven voor emotie" in [as_shown(c.label) for c in app.checkbox]

    goodbye = _texts(_part(app, "goodbye"))
    assert "Wat de cliënt bereikte" in goodbye
    assert view.evaluation.main_changes[:30] in goodbye  # achieved, from this trajectory's data
    for prompt in ("De samenwerking erkennen", "De deur openhouden", "Niet opdringerig"):
        assert prompt in goodbye
    assert "Een symbolisch gebaar (kaartje, laatste woorden)" in [
        as_shown(c.label) for c in app.checkbox
    ]
    assert "Zou de cliënt je aanbevelen? (0–10)" in [n.label for n in app.number_input]


def test_the_clients_answers_fill_the_evaluation_and_a_changed_one_shows_the_original(
    open_page: Callable[[str], AppTest],
) -> None:
    app, session_id = _started(open_page)
    factory = prepare_database(load_settings(), today=TODAY)
    coach_id = app.session_state["app_coach"].id
    with factory.begin() as session:
        view = read_closing(session, coach_id=coach_id, session_id=session_id, now=utc_now())
        session.add(
            Evaluation(
                trajectory_id=view.trajectory_id,
                source=Source.CLIENT,
                goal_score=7,
                main_changes="Ik plan mijn week zelf",
                could_be_better="Meer huiswerk",
            )
        )
        save_closing_field(
            session,
            coach_id=coach_id,
            trajectory_id=view.trajectory_id,
            part=ClosingPart.EVALUATION,
            name="could_be_better",
            value="Meer huiswerk en eerder borgen",
            seen="Meer huiswerk",  # the newest client form is what the coach saw
            now=utc_now(),
        )
    # The form came in while the page was open: looking at another part and back shows it.
    app.button_group[0].set_value("retention").run()
    app.button_group[0].set_value("evaluation").run()
    assert not app.exception
    assert app.number_input[0].value == 7  # the client's score, not hidden by the coach's edit
    captions = [c.value for c in app.caption]
    assert "Cliënt schreef: Meer huiswerk" in captions


def test_ending_shows_what_was_done_and_a_reload_shows_it_again(
    open_page: Callable[[str], AppTest],
) -> None:
    app, session_id = _started(open_page)
    _button(app, "Ja, afronden").click().run()
    assert not app.exception
    texts = [m.value for m in app.markdown] + [s.value for s in app.success]
    assert any("afgerond" in t or "in afronding" in t for t in texts)
    app.run()  # a reload of the same address: the summary, not the controls
    assert app.query_params["sessie"] == str(session_id)
    assert not [b for b in app.button if b.label in ("Volgende stap", "Ja, afronden")]
    assert any("afgerond" in s.value for s in app.success)
    _button(app, "Nieuwe afronding starten").click().run()
    assert "sessie" not in app.query_params


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
    assert app.warning[0].value.startswith("Deze afrondingssessie bestaat niet")
    assert not any("Geheim" in str(m.value) for m in app.markdown)
    assert not any("Geheim" in option for s in app.selectbox for option in s.options)
    assert app.query_params["sessie"] == str(their_session)  # still said after a rerun
    app.run()
    assert app.warning[0].value.startswith("Deze afrondingssessie bestaat niet")


def test_an_own_question_joins_the_bank_and_a_hidden_one_leaves(
    open_page: Callable[[str], AppTest],
) -> None:
    app, _ = _started(open_page)
    _button(app, "Volgende stap").click().run()  # opening → evaluation
    focus = next(k for k in app.session_state if str(k).startswith("closing_new_question_"))
    app.text_input(key=focus).input("Wat vier je vandaag met jezelf?")
    _button(app, "Toevoegen").click().run()
    assert not app.exception
    assert "✎ Wat vier je vandaag met jezelf?" in [as_shown(c.label) for c in app.checkbox]
    first = app.checkbox[0].label
    hide = next(m for m in app.multiselect if str(m.key).startswith("closing_hidden_"))
    hide.select("questions.core.1").run()
    assert first not in [as_shown(c.label) for c in app.checkbox]


def test_a_stale_tab_is_told_and_keeps_what_it_entered(open_page: Callable[[str], AppTest]) -> None:
    app, session_id = _started(open_page)
    _button(app, "Volgende stap").click().run()  # to the evaluation
    factory = prepare_database(load_settings(), today=TODAY)
    coach_id = app.session_state["app_coach"].id
    with factory.begin() as session:  # another tab enters the score first
        view = read_closing(session, coach_id=coach_id, session_id=session_id, now=utc_now())
        save_closing_field(
            session,
            coach_id=coach_id,
            trajectory_id=view.trajectory_id,
            part=ClosingPart.EVALUATION,
            name="goal_score",
            value=9,
            seen=view.evaluation.goal_score,
            now=utc_now(),
        )
    app.number_input[0].set_value(6).run()
    assert not app.exception
    assert "ander tabblad" in app.warning[0].value
    assert [c.value for c in app.code] == ["6"]  # what this tab entered stays in view
    with factory() as session:
        stored = read_closing(session, coach_id=coach_id, session_id=session_id, now=utc_now())
    assert stored.evaluation.goal_score == 9  # nothing silently overwritten
    _button(app, "Laad de nieuwste versie").click().run()
    assert app.number_input[0].value == 9
    assert [c.value for c in app.code] == ["6"]  # kept beside the newest version


def test_a_step_from_a_tab_behind_the_clock_is_not_taken_twice(
    open_page: Callable[[str], AppTest],
) -> None:
    app, session_id = _started(open_page)
    factory = prepare_database(load_settings(), today=TODAY)
    coach_id = app.session_state["app_coach"].id
    with factory.begin() as session:  # another tab steps on from the opening first
        next_phase(
            session, coach_id=coach_id, session_id=session_id, now=utc_now(), seen=Phase.OPENING
        )
    _button(app, "Volgende stap").click().run()  # this tab still showed the opening
    assert not app.exception
    with factory() as session:
        clock = read_clock(session, coach_id=coach_id, session_id=session_id, now=utc_now())
    assert clock.current is not None and clock.current.phase is Phase.EVALUATION


def test_volgende_then_terug_at_once_are_two_steps(open_page: Callable[[str], AppTest]) -> None:
    app, session_id = _started(open_page)
    _button(app, "Volgende stap").click().run()
    _button(app, "Terug").click().run()  # a coach who pressed on too soon, within a second
    assert not app.exception
    with prepare_database(load_settings(), today=TODAY)() as session:
        clock = read_clock(
            session,
            coach_id=app.session_state["app_coach"].id,
            session_id=session_id,
            now=utc_now(),
        )
    assert clock.current is not None and clock.current.phase is Phase.OPENING


def test_two_closings_in_one_tab_keep_their_own_fields(
    open_page: Callable[[str], AppTest],
) -> None:
    app, first = _started(open_page)
    _button(app, "Volgende stap").click().run()  # to the evaluation
    app.number_input[0].set_value(6).run()
    del app.query_params["sessie"]  # the same tab opens the next client's closing
    app.switch_page(PAGE).run()
    choice = app.selectbox(key="closing_choice")
    waiting = [i for i, label in enumerate(choice.options) if "loopt nu" not in label]
    choice.select_index(waiting[0]).run()
    app.radio[0].set_value("single_90").run()
    _button(app, "Start de afronding").click().run()
    second = int(app.query_params["sessie"])
    assert second != first
    _button(app, "Volgende stap").click().run()
    app.number_input[0].set_value(7).run()
    app.query_params["sessie"] = str(first)  # straight back to the first, by its address
    app.run()
    app.number_input[0].set_value(5).run()
    assert not app.exception
    assert not [w.value for w in app.warning if "ander tabblad" in w.value]  # no false warning
    factory = prepare_database(load_settings(), today=TODAY)
    coach_id = app.session_state["app_coach"].id
    with factory() as session:
        scores = [
            read_closing(session, coach_id=coach_id, session_id=s, now=utc_now()).evaluation
            for s in (first, second)
        ]
    assert [s.goal_score for s in scores] == [5, 7]
