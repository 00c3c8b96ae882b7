"""The Cliënten pages in AppTest: the list, adding a client, bad input, the client page."""

import re
from collections.abc import Callable
from datetime import time

import pytest
from streamlit.testing.v1 import AppTest

from core.config import load_settings
from core.database import prepare_database
from core.i18n import translate
from core.readiness import Flag
from db.models import SessionKind
from tests.conftest import TODAY
from tests.pages.conftest import as_shown, other_coachs_client

LIST = "pages/clients.py"
CLIENT = "pages/client.py"


def _planned_id(app: AppTest) -> int:
    """The id of the (one) planned session whose change form the page shows."""
    return next(
        int(m.group(1)) for k in app.session_state if (m := re.fullmatch(r"change_(\d+)_kind", k))
    )


def _names(app: AppTest) -> list[str]:
    return list(app.dataframe[0].value["Cliënt"])


def _add(app: AppTest, **fields: str) -> AppTest:
    values = {"new_name": "Iris Nieuw", "new_email": "", "new_goal": "Rust in mijn week"} | fields
    for key, value in values.items():
        widget = app.text_area(key=key) if key.endswith("goal") else app.text_input(key=key)
        widget.input(value)
    next(b for b in app.button if b.label == "Toevoegen").click()
    return app.run()


def test_the_list_shows_every_demo_client_and_filters(open_page: Callable[[str], AppTest]) -> None:
    app = open_page(LIST)
    assert not app.exception
    assert len(_names(app)) == 40
    app.text_input(key="clients_query").input("daan").run()
    assert all("daan" in name.lower() for name in _names(app)) and _names(app)
    app.text_input(key="clients_query").input("").run()
    app.button_group(key="clients_status").set_value("closing").run() if hasattr(
        app, "button_group"
    ) else None


def test_a_new_client_appears_in_the_list(open_page: Callable[[str], AppTest]) -> None:
    app = _add(open_page(LIST), new_name="Iris Nieuw", new_email="iris@example.org")
    assert not app.exception
    assert app.success[0].value == "Iris Nieuw is toegevoegd."
    assert "Iris Nieuw" in _names(app)
    assert app.text_input(key="new_name").value == ""  # the form starts empty again


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new_name": "   "}, "Vul een naam in."),
        (
            {"new_email": "iris@"},
            "Dit is geen geldig e-mailadres (bijvoorbeeld naam@voorbeeld.nl).",
        ),
        ({"new_goal": " "}, "Vul dit in."),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(
    open_page: Callable[[str], AppTest], fields: dict[str, str], message: str
) -> None:
    app = _add(open_page(LIST), **fields)
    assert not app.exception
    assert [e.value for e in app.error] == [message]
    assert len(_names(app)) == 40  # nothing written
    key, value = next(iter(fields.items()))
    typed = app.text_area(key=key) if key.endswith("goal") else app.text_input(key=key)
    assert typed.value == value  # what was typed is still there


def test_the_name_field_stops_at_120_characters(open_page: Callable[[str], AppTest]) -> None:
    # The browser stops typing at 120; the service refuses longer names from anywhere else.
    assert open_page(LIST).text_input(key="new_name").max_chars == 120


def test_a_duplicate_email_is_refused(open_page: Callable[[str], AppTest]) -> None:
    app = _add(open_page(LIST), new_name="Eerste", new_email="dubbel@example.org")
    app = _add(app, new_name="Tweede", new_email="DUBBEL@example.org")
    assert [e.value for e in app.error] == ["Er is al een cliënt met dit e-mailadres."]
    assert "Tweede" not in _names(app)


def test_a_name_with_markdown_is_shown_as_typed(open_page: Callable[[str], AppTest]) -> None:
    app = _add(open_page(LIST), new_name="**Vet** <b>x</b> [link](http://x)")
    assert "**Vet** <b>x</b> [link](http://x)" in _names(app)  # the table is plain text
    app.query_params["id"] = str(_client_id(app, "**Vet** <b>x</b> [link](http://x)"))
    app.switch_page(CLIENT).run()
    assert app.title[0].value == (
        r"\*\*Vet\*\* \<b\>x\<\/b\> \[link\]\(http\:" + "\u2060" + r"\/\/x\)"
    )  # every mark escaped, and a word joiner keeps the address from being linked


def _client_id(app: AppTest, name: str) -> int:
    from core.clients import list_client_choices

    factory = prepare_database(load_settings(), today=TODAY)
    with factory() as session:
        choices = list_client_choices(session, coach_id=app.session_state["app_coach"].id)
    return next(c.client_id for c in choices if c.name == name)


def test_the_client_page_logs_a_session_into_the_timeline(
    open_page: Callable[[str], AppTest],
) -> None:
    app = _add(open_page(LIST), new_name="Loes Log")
    app.query_params["id"] = str(_client_id(app, "Loes Log"))
    app.switch_page(CLIENT).run()
    assert not app.exception and app.title[0].value == "Loes Log"
    app.segmented_control(key="client_section").set_value("log").run()
    app.number_input(key="log_score").set_value(6)
    app.number_input(key="log_rating").set_value(9)
    app.text_area(key="log_takeaway").input("Eerst vragen wat er verwacht wordt")
    next(b for b in app.button if b.label == "Sessie vastleggen").click().run()
    assert not app.exception
    assert app.success[0].value == "Sessie vastgelegd."
    app.segmented_control(key="client_section").set_value("timeline").run()
    lines = [as_shown(m.value) for m in app.markdown] + [as_shown(c.value) for c in app.caption]
    assert any("Doelscore 6/10" in line for line in lines)
    assert any("Eerst vragen" in line for line in lines)


def test_another_coachs_client_is_not_found_by_url(open_page: Callable[[str], AppTest]) -> None:
    app = open_page(LIST)
    _, their_id, _ = other_coachs_client()
    app.query_params["id"] = str(their_id)
    app.switch_page(CLIENT).run()
    assert not app.exception
    assert app.warning[0].value == "Deze cliënt bestaat niet of hoort niet bij jouw praktijk."
    assert "Geheim" not in str([t.value for t in app.title])


def test_deleting_asks_for_the_name(open_page: Callable[[str], AppTest]) -> None:
    app = _add(open_page(LIST), new_name="Weg Ermee")
    app.query_params["id"] = str(_client_id(app, "Weg Ermee"))
    app.switch_page(CLIENT).run()
    app.segmented_control(key="client_section").set_value("privacy").run()
    app.text_input(key="delete_confirm").input("Verkeerd")
    next(b for b in app.button if b.label == "Definitief verwijderen").click().run()
    assert "De naam klopt niet" in app.error[0].value
    app.text_input(key="delete_confirm").input("Weg Ermee")
    next(b for b in app.button if b.label == "Definitief verwijderen").click().run()
    assert not app.exception
    assert "Weg Ermee" not in _names(app)


def test_gas_goals_are_set_and_scored_on_the_client_page(
    open_page: Callable[[str], AppTest],
) -> None:
    app = _add(open_page(LIST), new_name="Gerda Gas")
    app.query_params["id"] = str(_client_id(app, "Gerda Gas"))
    app.switch_page(CLIENT).run()
    app.segmented_control(key="client_section").set_value("gas").run()
    add = next(b for b in app.button if b.label == "GAS-doel toevoegen")
    add.click().run()
    assert [e.value for e in app.error] == ["Vul dit in."]
    app.text_input(key="gas_description").input("Twee avonden zonder werkmail")
    next(b for b in app.button if b.label == "GAS-doel toevoegen").click().run()
    assert app.success[0].value == "GAS-doel toegevoegd."
    level = next(s for s in app.selectbox if str(s.key).startswith("gas_level_"))
    level.set_value(1).run()
    assert not app.exception
    assert any(s.value == "GAS T-score: 60" for s in app.success)


def test_planning_a_closing_of_90_minutes_sets_its_length(
    open_page: Callable[[str], AppTest],
) -> None:
    app = _add(open_page(LIST), new_name="Pim Plan")
    app.query_params["id"] = str(_client_id(app, "Pim Plan"))
    app.switch_page(CLIENT).run()
    app.segmented_control(key="client_section").set_value("plan").run()
    assert app.number_input(key="plan_duration").value == 60
    app.selectbox(key="plan_kind").set_value("closing_90").run()
    assert app.number_input(key="plan_duration").value == 90
    app.selectbox(key="plan_kind").set_value("closing_minus_1").run()
    assert app.number_input(key="plan_duration").value == 60
    app.selectbox(key="plan_kind").set_value("closing_90").run()
    app.time_input(key="plan_time").set_value(time(6, 0)).run()  # free in the demo agenda
    next(b for b in app.button if b.label == "Inplannen").click().run()
    assert not app.exception
    assert app.success[0].value == "Sessie ingepland."


@pytest.mark.parametrize("raw", ["99999999999999999999999", "2147483648", "١٢", "-1", "1e3"])
@pytest.mark.parametrize(
    ("page", "name", "said"),
    [
        (CLIENT, "id", "Deze cliënt bestaat niet"),
        ("pages/closing_session.py", "sessie", "Deze afrondingssessie bestaat niet"),
    ],
)
def test_an_id_in_the_address_that_cannot_be_one_is_not_found(
    open_page: Callable[[str], AppTest], page: str, name: str, said: str, raw: str
) -> None:
    app = open_page(LIST)
    app.query_params[name] = raw
    app.switch_page(page).run()
    assert not app.exception
    assert app.warning[0].value.startswith(said)


def test_a_planned_closing_of_the_wrong_length_is_fixed_on_the_client_page(
    open_page: Callable[[str], AppTest],
) -> None:
    app = _add(open_page(LIST), new_name="Petra Plan")
    app.query_params["id"] = str(_client_id(app, "Petra Plan"))
    app.switch_page(CLIENT).run()
    app.segmented_control(key="client_section").set_value("plan").run()
    app.selectbox(key="plan_kind").set_value(SessionKind.CLOSING_90).run()
    assert app.number_input(key="plan_duration").value == 90  # the kind's usual length
    app.number_input(key="plan_duration").set_value(45).run()
    app.time_input(key="plan_time").set_value(time(3, 15)).run()  # a moment nobody else has
    next(b for b in app.button if b.label == "Inplannen").click().run()
    assert not app.exception
    assert "45 min" in "".join(m.value for m in app.markdown)
    session_id = _planned_id(app)
    key = f"change_{session_id}"
    app.number_input(key=f"{key}_minutes").set_value(90)  # in its form: sent on saving
    next(b for b in app.button if b.label == "Wijziging opslaan").click().run()
    assert not app.exception
    assert app.success[0].value == "Sessie gewijzigd."
    shown = "".join(m.value for m in app.markdown)
    assert "90 min" in shown and "45 min" not in shown
    # A second session at the same moment is refused, naming the client it would overlap.
    app.selectbox(key="plan_kind").set_value(SessionKind.REGULAR).run()
    app.time_input(key="plan_time").set_value(time(3, 30)).run()
    next(b for b in app.button if b.label == "Inplannen").click().run()
    refusal = [e.value for e in app.error]
    assert any("Petra Plan" in text and "03:15" in text for text in refusal), refusal


def test_every_readiness_flag_carries_its_action(open_page: Callable[[str], AppTest]) -> None:
    app = open_page(LIST)
    attention = [m.value for m in app.markdown if " — " in m.value]
    links = [link.proto.label for link in app.get("page_link")]
    assert attention and len([x for x in links if x != "Terug naar cliënten"]) >= len(attention)
    actions = {translate(f"flag_action.{flag.value}", "nl") for flag in Flag}
    assert {x for x in links if x in actions}  # the list's rows link to their action
    client_id = _client_id(app, "Femke van der Veen")
    app.query_params["id"] = str(client_id)
    app.switch_page(CLIENT).run()
    flags = [m.value for m in app.markdown if m.value.startswith(":material/flag:")]
    shown = [link.proto.label for link in app.get("page_link") if link.proto.label in actions]
    assert flags and len(shown) == len(flags)
    form = next(link for link in app.get("page_link") if link.proto.label in shown[:1])
    assert (form.proto.label, form.proto.query_string) == (
        "Stuur het evaluatieformulier",
        f"id={client_id}&deel=forms",
    )  # opens the Formulieren part, where the link is made
    app.query_params["deel"] = "plan"
    app.query_params["soort"] = "closing_minus_1"  # "plan twee sessies"
    app.run()
    assert app.selectbox(key="plan_kind").value == "closing_minus_1"
    assert app.number_input(key="plan_duration").value == 60


def test_closing_a_trajectory_on_its_page_says_what_it_means_and_asks_first(
    open_page: Callable[[str], AppTest],
) -> None:
    from core.agenda import list_planned_sessions
    from core.follow_ups import list_queue
    from core.timefmt import utc_now
    from core.timeline import get_client_detail

    app = _add(open_page(LIST), new_name="Sanne Stop")
    client_id = _client_id(app, "Sanne Stop")
    app.query_params["id"] = str(client_id)
    app.switch_page(CLIENT).run()
    app.segmented_control(key="client_section").set_value("plan").run()
    app.time_input(key="plan_time").set_value(time(3, 45)).run()
    next(b for b in app.button if b.label == "Inplannen").click().run()
    app.segmented_control(key="client_section").set_value("details").run()
    status = next(s for s in app.selectbox if s.label == "Status")
    status.set_value("closed")
    save = [b for b in app.button if b.label == "Opslaan"][-1]  # the trajectory's form
    save.click().run()
    assert not app.exception
    shown = " ".join(w.value for w in app.warning)
    assert "geen follow-ups gepland" in shown and "zonder volledig protocol" in shown
    coach_id = app.session_state["app_coach"].id
    factory = prepare_database(load_settings(), today=TODAY)

    def trajectory_status() -> str:
        with factory() as session:
            detail = get_client_detail(session, coach_id=coach_id, client_id=client_id)
        return detail.trajectories[0].status

    assert trajectory_status() == "active"  # nothing saved before the coach confirms
    boxes = {c.label: c for c in app.checkbox}
    assert boxes["Annuleer de nog geplande sessie van dit traject"].value is True
    boxes["Plan toch de persoonlijke mail na een week en de check-in na drie maanden"].check().run()
    next(b for b in app.button if b.label == "Ja, sla op").click().run()
    assert not app.exception
    assert trajectory_status() == "closed"
    with factory() as session:
        queue = [
            q.kind
            for q in list_queue(session, coach_id=coach_id, now=utc_now())
            if q.client_id == client_id
        ]
        trajectory_id = (
            get_client_detail(session, coach_id=coach_id, client_id=client_id)
            .trajectories[0]
            .trajectory_id
        )
        left = list_planned_sessions(session, coach_id=coach_id, trajectory_id=trajectory_id)
    assert sorted(queue) == ["month3_checkin", "week1_mail"] and left == []


def test_planning_starts_with_the_coachs_usual_length_and_a_new_kind_takes_its_own(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page("pages/settings.py")
    app.number_input(key="settings_session_minutes").set_value(45)
    next(b for b in app.button if b.label == "Opslaan").click().run()
    assert not app.exception
    app = _add(app.switch_page(LIST).run(), new_name="Lotte Lengte")
    app.query_params["id"] = str(_client_id(app, "Lotte Lengte"))
    app.switch_page(CLIENT).run()
    app.segmented_control(key="client_section").set_value("plan").run()
    assert app.number_input(key="plan_duration").value == 45  # the coach's usual session
    app.time_input(key="plan_time").set_value(time(4, 15)).run()
    next(b for b in app.button if b.label == "Inplannen").click().run()
    assert "45 min" in "".join(m.value for m in app.markdown)
    session_id = _planned_id(app)
    # Changing only the kind in the change form: the length follows the new kind.
    app.selectbox(key=f"change_{session_id}_kind").set_value(SessionKind.CLOSING_90)
    next(b for b in app.button if b.label == "Wijziging opslaan").click().run()
    assert not app.exception
    assert "Afronding (90 min) · 90 min" in "".join(m.value for m in app.markdown)


def test_a_usual_length_out_of_range_is_refused_in_dutch(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page("pages/settings.py")
    app.number_input(key="settings_session_minutes").set_value(241)
    next(b for b in app.button if b.label == "Opslaan").click().run()
    assert [e.value for e in app.error] == ["Kies een lengte tussen 15 en 240 minuten."]
    assert app.session_state["app_coach"].session_minutes == 60  # nothing saved
