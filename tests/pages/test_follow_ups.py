"""The follow-up page in AppTest: the queue, refusals, done, and a mail that really goes out."""

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from streamlit.testing.v1 import AppTest

from core.clients import list_client_choices
from core.config import load_settings
from core.database import prepare_database
from core.follow_ups import complete_follow_up
from core.timefmt import utc_now
from tests.conftest import TODAY
from tests.pages.conftest import open_popover, popover_keys
from tests.smtp import Inbox, free_port

PAGE = "pages/follow_ups.py"


def _in_form(app: AppTest, form_prefix: str, label: str):  # type: ignore[no-untyped-def]
    return next(
        b for b in app.button if b.label == label and str(b.form_id).startswith(form_prefix)
    )


def test_the_queue_groups_the_demo_follow_ups(open_page: Callable[[str], AppTest]) -> None:
    app = open_page(PAGE)
    assert not app.exception
    headings = [h.value for h in app.header]
    # The demo's clients who answered a self-check come first, then the calendar's groups.
    assert headings[0].startswith("Antwoorden van cliënten (")
    assert headings[1].startswith("Te laat (") and headings[2].startswith("Vandaag (")
    assert int(headings[1].split("(")[1].rstrip(")")) >= 1
    assert any(w.value.endswith("vraagt je om contact op te nemen.") for w in app.warning)


def test_skipping_needs_a_reason_and_done_leaves_the_queue(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    before = int(app.header[0].value.split("(")[1].rstrip(")"))
    assert not [b for b in app.button if str(b.form_id).startswith("skip_")]  # closed: drawn later
    open_popover(app, "skip")
    _in_form(app, "skip_", "Overslaan").click().run()
    assert [e.value for e in app.error] == ["Vul dit in."]
    open_popover(app, "done")
    _in_form(app, "done_", "Gedaan").click().run()
    assert not app.exception
    assert app.success[0].value == "Follow-up afgerond."
    assert int(app.header[0].value.split("(")[1].rstrip(")")) == before - 1


def test_rescheduling_into_the_past_is_refused(open_page: Callable[[str], AppTest]) -> None:
    app = open_page(PAGE)
    open_popover(app, "later")
    picker = next(d for d in app.date_input if d.label == "Nieuwe datum")
    picker.set_value(date(2020, 1, 1))
    _in_form(app, "later_", "Verzetten").click().run()
    assert [e.value for e in app.error] == ["Kies vandaag of een dag in de toekomst."]
    # A good date moves it, and the popover closes rather than hang over its new place.
    next(d for d in app.date_input if d.label == "Nieuwe datum").set_value(date(2030, 1, 1))
    _in_form(app, "later_", "Verzetten").click().run()
    assert not app.exception and app.success[0].value == "Follow-up verzet."
    assert not [b for b in app.button if str(b.form_id).startswith("later_")]


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("AFRONDING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AFRONDING_SMTP_PORT", str(port))
    monkeypatch.setenv("AFRONDING_SMTP_FROM", "coach@example.org")
    monkeypatch.setenv("AFRONDING_SMTP_STARTTLS", "false")
    yield inbox
    controller.stop()


WEEK1_SUBJECT = "Even terugkijken op onze afronding"
MONTH3_SUBJECT = "Drie maanden later: hoe gaat het?"


def _open_mails(app: AppTest) -> None:
    """Open every mail popover of the page, so each draft is drawn."""
    for key in popover_keys(app, "mail"):
        app.session_state[key] = True
    app.run()


def _week1_mail(app: AppTest) -> str:
    """The key prefix of the first week-1 mail in the queue (its popover opened)."""
    _open_mails(app)
    subject = next(i for i in app.text_input if i.value == WEEK1_SUBJECT)
    return str(subject.key).removesuffix("_subject")


def test_a_mail_is_sent_from_the_page(open_page: Callable[[str], AppTest], smtp_env: Inbox) -> None:
    app = open_page(PAGE)
    prefix = _week1_mail(app)
    to = app.text_input(key=f"{prefix}_to").value
    app.button(key=f"{prefix}_send").click().run()
    assert not app.exception
    assert app.success[0].value == "De mail is verstuurd en de follow-up is afgerond."
    [(recipients, content)] = smtp_env.messages
    assert recipients == [to] and "Beste " in content
    assert all(b.key != f"{prefix}_send" for b in app.button)  # done, so gone from the queue


def test_a_mail_is_scheduled_for_its_due_day(
    open_page: Callable[[str], AppTest], smtp_env: Inbox
) -> None:
    app = open_page(PAGE)
    # A check-in due later: its mail can wait for that day (a day that has come offers
    # "now" once the chosen time has passed).
    _open_mails(app)
    keys = {str(b.key) for b in app.button}
    prefix = next(
        prefix
        for subject in app.text_input
        if subject.value == MONTH3_SUBJECT
        and f"{(prefix := str(subject.key).removesuffix('_subject'))}_schedule" in keys
        and any(
            b.label.startswith("Verstuur op ") and b.key == f"{prefix}_schedule" for b in app.button
        )
    )
    app.button(key=f"{prefix}_schedule").click().run()
    assert not app.exception
    assert "de deur uit" in app.success[0].value
    assert smtp_env.messages == []  # send-due sends it on the day
    assert any(m.value.startswith(":material/schedule_send: Mail gepland") for m in app.markdown)
    cancel = next(b for b in app.button if b.label == "Niet versturen")
    cancel.click().run()
    assert app.success[0].value == "De mail wordt niet verstuurd."


def test_a_refused_address_keeps_the_draft(
    open_page: Callable[[str], AppTest], smtp_env: Inbox
) -> None:
    app = open_page(PAGE)
    prefix = _week1_mail(app)
    app.text_input(key=f"{prefix}_to").input("iris@weigert.example")
    app.text_area(key=f"{prefix}_body").input("Mijn eigen tekst")
    app.button(key=f"{prefix}_send").click().run()
    assert not app.exception
    assert any("weigert dit adres" in w.value for w in app.warning)
    assert app.text_area(key=f"{prefix}_body").value == "Mijn eigen tekst"
    assert smtp_env.messages == []
    assert any("Nieuwe poging" in m.value for m in app.markdown)  # it is tried again later
    app.run()
    assert any(b.key == f"{prefix}_send" for b in app.button)  # still open in the queue


def test_without_a_mail_server_the_page_says_why_it_cannot_schedule(
    open_page: Callable[[str], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AFRONDING_SMTP_HOST", raising=False)
    app = open_page(PAGE)
    prefix = _week1_mail(app)
    assert all(b.key not in (f"{prefix}_send", f"{prefix}_schedule") for b in app.button)
    assert any("mailserver (SMTP)" in i.value for i in app.info)


def test_a_form_link_is_mailed_from_the_client_page(
    open_page: Callable[[str], AppTest], smtp_env: Inbox
) -> None:
    app = open_page("pages/clients.py")
    first = app.dataframe[0].value["Cliënt"].iloc[0]
    app.query_params["id"] = str(_first_client_id(app, first))
    app.switch_page("pages/client.py").run()
    app.segmented_control(key="client_section").set_value("forms").run()
    next(b for b in app.button if b.label == "Link maken").click().run()
    assert not app.exception
    next(b for b in app.button if b.label == "Versturen").click().run()
    assert any(s.value == "De link is gemaild." for s in app.success)
    [(_, content)] = smtp_env.messages
    assert "/formulier?t=" in content and "Subject: Je evaluatieformulier" in content


def _first_client_id(app: AppTest, name: str) -> int:
    with prepare_database(load_settings(), today=TODAY)() as session:
        choices = list_client_choices(session, coach_id=app.session_state["app_coach"].id)
    return next(c.client_id for c in choices if c.name == name)


def _cards(app: AppTest) -> int:
    """How many follow-ups show as a card (each has its own done popover)."""
    return len(popover_keys(app, "done"))


def test_a_long_group_shows_its_first_cards_and_the_rest_on_request(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    groups = [int(h.value.split("(")[1].rstrip(")")) for h in app.header if "(" in h.value]
    assert _cards(app) == sum(min(5, n) for n in groups) < sum(groups)
    show_all = next(b for b in app.button if str(b.key).startswith("follow_ups_all_"))
    rest = int(show_all.label.split()[3])  # "Toon ze alle 12 als kaart"
    assert show_all.label == f"Toon ze alle {rest} als kaart" and rest + 5 in groups
    show_all.click().run()
    assert _cards(app) == sum(min(5, n) for n in groups) + rest
    assert not any(b.key == show_all.key for b in app.button)


def test_a_follow_up_done_in_another_tab_is_said_and_the_note_kept(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    key = open_popover(app, "done")
    follow_up_id = int(key.rsplit("_", 1)[1])
    app.text_area(key=f"done_note_{follow_up_id}").input("Gebeld, gaat goed")
    with prepare_database(load_settings(), today=TODAY).begin() as session:  # the other tab
        complete_follow_up(
            session,
            coach_id=app.session_state["app_coach"].id,
            follow_up_id=follow_up_id,
            note="",
            now=utc_now(),
        )
    _in_form(app, "done_", "Gedaan").click().run()
    assert not app.exception
    assert "intussen elders afgerond" in app.warning[0].value
    assert [c.value for c in app.code] == ["Gebeld, gaat goed"]
    app.run()  # said once
    assert not any("intussen elders" in w.value for w in app.warning)
    # A follow-up done here says nothing of the kind, also when a double click's second
    # submit arrives with the popover still open in the browser.
    key = open_popover(app, "done")
    _in_form(app, "done_", "Gedaan").click().run()
    assert app.success[0].value == "Follow-up afgerond."
    app.session_state[key] = True
    app.run()
    assert not any("intussen elders" in w.value for w in app.warning)


def test_a_month6_result_needs_the_coachs_answer(open_page: Callable[[str], AppTest]) -> None:
    app = open_page(PAGE)
    open_popover(app, "result")
    retained = next(r for r in app.radio if str(r.form_id).startswith("result_"))
    assert retained.value is None  # no "ja" chosen for the coach
    _in_form(app, "result_", "Gedaan").click().run()
    assert [e.value for e in app.error] == ["Vul dit in.", "Vul dit in."]
    retained = next(r for r in app.radio if str(r.form_id).startswith("result_"))
    retained.set_value("partly")
    next(n for n in app.number_input if str(n.form_id).startswith("result_")).set_value(7)
    _in_form(app, "result_", "Gedaan").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == "Uitkomst vastgelegd."


def test_a_follow_up_of_the_coachs_own_needs_a_title_and_joins_the_queue(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    assert not [b for b in app.button if b.label == "Toevoegen"]  # closed: drawn once opened
    app.session_state["follow_ups_add_open"] = True
    app.run()
    add = next(b for b in app.button if b.label == "Toevoegen")
    add.click().run()
    assert "Vul dit in." in [e.value for e in app.error]
    app.text_input(key="follow_up_title").input("Boek over gewoontes opsturen")
    next(b for b in app.button if b.label == "Toevoegen").click().run()
    assert not app.exception
    assert "Follow-up toegevoegd." in [s.value for s in app.success]
    assert any("Boek over gewoontes opsturen" in m.value for m in app.markdown)
    # Saved, the form closes: a second click can't add the same follow-up again.
    assert not [b for b in app.button if b.label == "Toevoegen"]


def test_a_review_score_out_of_range_is_refused_in_dutch_and_nothing_is_saved(
    open_page: Callable[[str], AppTest],
) -> None:
    app = open_page(PAGE)
    app.session_state["follow_ups_outcome_open"] = True
    app.run()
    app.number_input[0].set_value(9)
    next(b for b in app.button if b.label == "Opslaan").click().run()
    assert not app.exception
    assert "Uitkomst vastgelegd." not in [s.value for s in app.success]
    assert "Een score ligt tussen 1 en 5." in [e.value for e in app.error]
    app.number_input[0].set_value(5)
    next(b for b in app.button if b.label == "Opslaan").click().run()
    assert "Uitkomst vastgelegd." in [s.value for s in app.success]
    assert not [b for b in app.button if b.label == "Opslaan"]  # closed once saved
