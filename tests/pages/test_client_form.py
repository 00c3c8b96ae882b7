"""The client's form page in AppTest: no login, one neutral page for dead links, bad input."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.client_forms import create_form_link, revoke_form_link, save_form_draft
from core.config import load_settings
from core.database import prepare_database
from core.timefmt import utc_now
from db.demo import DEMO_USERNAME
from db.models import (
    Client,
    Coach,
    Evaluation,
    FollowUp,
    FollowUpKind,
    FormKind,
    Outcome,
    Source,
    Trajectory,
    TrajectoryStatus,
)
from tests.conftest import TODAY
from tests.pages.conftest import APP, live_texts

GOAL_AT_START = "Wat was je doel toen je begon? *"  # * = needed to send
MAIN_CHANGES = "Wat zijn de belangrijkste veranderingen voor jou? *"
DEAD = (
    "Deze link werkt niet",
    "Deze link is niet (meer) geldig. Wil je het formulier toch invullen? "
    "Vraag je coach dan om een nieuwe link.",
)


def _make_link(
    kind: FormKind = FormKind.EVALUATION,
    *,
    revoked: bool = False,
    days: int = 14,
    made_ago: int = 0,
) -> tuple[str, int]:
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        coach = session.scalar(select(Coach).where(Coach.username == DEMO_USERNAME))
        assert coach is not None
        trajectory = session.scalar(
            select(Trajectory)
            .join(Client, Client.id == Trajectory.client_id)
            .where(Client.coach_id == coach.id, Trajectory.status == TrajectoryStatus.ACTIVE)
            .order_by(Trajectory.id)
        )
        assert trajectory is not None
        link = create_form_link(
            session,
            coach_id=coach.id,
            trajectory_id=trajectory.id,
            kind=kind,
            valid_days=days,
            now=utc_now() - timedelta(days=made_ago),
        )
        if revoked:
            revoke_form_link(session, coach_id=coach.id, link_id=link.link_id, now=utc_now())
        return link.token, trajectory.id


def _open(token: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["t"] = token
    app.switch_page("pages/client_form.py")
    return app.run()


def _type(token: str, name: str, text: str) -> None:
    """What the form's text field does while the client types: keep the text as a draft."""
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        assert save_form_draft(session, token=token, name=name, value=text, now=utc_now())


def _fill(token: str, **answers: object) -> AppTest:
    defaults: dict[str, Any] = {"score": 8, "main": "Ik plan mijn week zelf", "recommend": 9}
    values = defaults | answers
    _type(token, "main_changes", str(values["main"]))
    app = _open(token)
    if values["score"] is not None:
        app.number_input[0].set_value(values["score"])
    if values["recommend"] is not None:
        app.number_input[1].set_value(values["recommend"])
    app.button[0].click()
    return app.run()


def test_a_valid_link_opens_the_form_without_any_login(app_env: Path) -> None:
    token, trajectory_id = _make_link()
    app = _open(token)
    assert not app.exception
    assert app.title[0].value == "Terugblik op je traject"
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        goal = session.get_one(Trajectory, trajectory_id).goal
    assert live_texts(app)[GOAL_AT_START] == goal  # the goal at the start, pre-filled
    assert "Gebruikersnaam" not in [t.label for t in app.text_input]  # no login form
    assert "app_coach" not in app.session_state  # the login gate loaded no account


def test_the_answers_arrive_once_and_the_client_is_thanked(app_env: Path) -> None:
    token, trajectory_id = _make_link()
    app = _fill(token)
    assert not app.exception
    assert app.title[0].value == "Dank je wel"
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        answers = session.scalars(
            select(Evaluation).where(
                Evaluation.trajectory_id == trajectory_id,
                Evaluation.source == Source.CLIENT,
                Evaluation.main_changes == "Ik plan mijn week zelf",
            )
        ).all()
    assert len(answers) == 1
    again = _open(token)  # the same link later, in another browser
    assert (again.title[0].value, again.info[0].value) == DEAD


@pytest.mark.parametrize("dead", ["unknown", "expired", "revoked"])
def test_every_dead_link_gets_the_same_neutral_page(app_env: Path, dead: str) -> None:
    token = {
        "unknown": lambda: "geraden" + "x" * 40,
        "expired": lambda: _make_link(days=1, made_ago=2)[0],
        "revoked": lambda: _make_link(revoked=True)[0],
    }[dead]()
    app = _open(token)
    assert not app.exception
    assert (app.title[0].value, app.info[0].value) == DEAD
    assert not live_texts(app)


@pytest.mark.parametrize(
    ("answers", "link"),
    [
        (
            {"main": "   "},
            "[Wat zijn de belangrijkste veranderingen voor jou?](#vraag-main_changes)",
        ),
        ({"score": None}, "[Hoe ver ben je gekomen?](#vraag-goal_score)"),
        (
            {"recommend": None},
            "[Hoe waarschijnlijk is het dat je Marieke van Dam aanraadt aan iemand?]"
            "(#vraag-recommend_score)",
        ),
    ],
)
def test_a_missing_answer_is_refused_beside_the_field_and_kept(
    app_env: Path, answers: dict[str, object], link: str
) -> None:
    token, _ = _make_link()
    app = _fill(token, **answers)
    assert not app.exception
    # One summary at the top linking to the empty question, and the message at the field.
    assert [e.value for e in app.error] == [
        f"Nog 1 vraag leeg:\n\n- {link}",
        "Vul dit in.",
        "Nog 1 vraag leeg: [Bekijk welke](#nog-te-doen)",  # under the send button
    ]
    assert app.title[0].value == "Terugblik op je traject"  # still the form, link still usable
    assert live_texts(app)[MAIN_CHANGES] == answers.get("main", "Ik plan mijn week zelf")


def test_an_empty_form_lists_every_missing_question_at_the_top(app_env: Path) -> None:
    token, _ = _make_link(FormKind.RETENTION_HOMEWORK)
    app = _open(token)
    assert all(label.endswith(" *") for label in live_texts(app))  # marked before sending
    app.button[0].click().run()
    summary, *at_fields, at_button = [e.value for e in app.error]
    assert summary.startswith("Nog 5 vragen leeg:")
    assert summary.count("](#vraag-") == 5 and at_fields == ["Vul dit in."] * 5
    assert at_button.endswith("(#nog-te-doen)")
    anchors = [h.proto.body for h in app.get("html") if "af-anchor" in h.proto.body]
    assert len(anchors) == 6 and 'id="nog-te-doen"' in anchors[0]
    assert 'id="vraag-main_change"' in anchors[1]


def test_the_homework_form_asks_the_five_plan_fields(app_env: Path) -> None:
    token, _ = _make_link(FormKind.RETENTION_HOMEWORK)
    app = _open(token)
    assert app.title[0].value == "Je borgingsplan"
    assert len(live_texts(app)) == 5


def test_what_the_client_typed_is_there_again_after_a_reload(app_env: Path) -> None:
    token, _ = _make_link()
    _type(token, "main_changes", "Ik zeg vaker nee, ook als het spannend is")
    first = _open(token)
    first.number_input[0].set_value(6).run()  # the score, kept as it changes
    again = _open(token)  # a reload, or the same link on another device
    assert live_texts(again)[MAIN_CHANGES] == "Ik zeg vaker nee, ook als het spannend is"
    assert again.number_input[0].value == 6


def test_the_coach_name_on_the_form_is_text_not_markdown(app_env: Path) -> None:
    token, _ = _make_link()
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        coach = session.scalar(select(Coach).where(Coach.username == DEMO_USERNAME))
        assert coach is not None
        coach.display_name = "![foto](https://evil.example/p.png) Anna"
    app = _open(token)
    shown = [m.value for m in app.markdown] + [n.label for n in app.number_input]
    shown += [c.label for c in app.checkbox]
    assert any("Anna" in text for text in shown)
    # Escaped, the name is drawn as typed; unescaped, the browser would fetch the image.
    assert not [text for text in shown if "![foto](https://" in text]
    thanked = _fill(token)
    assert "Anna" in thanked.success[0].value
    assert "![foto](https://" not in thanked.success[0].value


def _self_check_link() -> tuple[str, int]:
    """A month-6 self-check link for a closed demo trajectory: (token, follow-up id)."""
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        coach = session.scalar(select(Coach).where(Coach.username == DEMO_USERNAME))
        assert coach is not None
        follow_up = session.scalar(
            select(FollowUp)
            .join(Trajectory, Trajectory.id == FollowUp.trajectory_id)
            .join(Client, Client.id == Trajectory.client_id)
            .where(Client.coach_id == coach.id, FollowUp.kind == FollowUpKind.MONTH6_RESULT)
            .order_by(FollowUp.id)
        )
        assert follow_up is not None
        link = create_form_link(
            session,
            coach_id=coach.id,
            trajectory_id=follow_up.trajectory_id,
            kind=FormKind.SELF_CHECK,
            follow_up_id=follow_up.id,
            now=utc_now(),
        )
        return link.token, follow_up.id


def test_the_self_check_asks_how_the_change_holds_and_lands_as_the_result(app_env: Path) -> None:
    token, follow_up_id = _self_check_link()
    app = _open(token)
    assert app.title[0].value == "Hoe gaat het met je verandering?"
    assert any(m.value.startswith("Je doel was:") for m in app.markdown)
    submit = next(b for b in app.button if b.label == "Versturen")
    submit.click().run()  # nothing answered: the two needed answers are named
    assert "Nog 2 vragen leeg:" in app.error[0].value
    app.number_input[0].set_value(7)
    kept = app.radio[0]
    assert kept.label == "Heb je de verandering vastgehouden? *"
    assert kept.options == ["Ja", "Deels", "Nee"]
    kept.set_value("partly")
    app.checkbox[0].check()
    next(b for b in app.button if b.label == "Versturen").click().run()
    assert not app.exception
    assert app.title[0].value == "Dank je wel"
    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        follow_up = session.get_one(FollowUp, follow_up_id)
        outcome = session.scalars(
            select(Outcome)
            .where(Outcome.trajectory_id == follow_up.trajectory_id)
            .order_by(Outcome.id.desc())
        ).first()
    assert outcome is not None
    assert (outcome.retained, outcome.retained_score, outcome.source) == ("partly", 7, "client")
