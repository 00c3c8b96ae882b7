"""Follow-ups: what to do after the closing — the queue, personal mails, outcomes."""

import streamlit as st

from core.agenda import list_agenda
from core.clients import list_client_choices
from core.follow_ups import Bucket, agenda_ics, group_queue, list_queue
from core.timefmt import local_date, utc_now
from pages import _follow_up_ui as fu
from pages import _ui as ui

# The next few as cards, the rest as a list: a queue is worked from the top, and each card's
# forms cost the page about 7 ms (71 cards took 550 ms). A button shows a whole group.
CARDS_PER_GROUP = 5
coach = ui.coach()
today = local_date(utc_now(), coach.timezone)
st.title(ui.t("follow_ups.title"))
st.caption(ui.t("follow_ups.intro"))
ui.show_flash()

with ui.db_session() as session:
    items = list_queue(session, coach_id=coach.id, now=utc_now())
    agenda = list_agenda(session, coach_id=coach.id, now=utc_now())
    choices = list_client_choices(session, coach_id=coach.id)
smtp = ui.settings().smtp

ui.download(
    ui.t("follow_ups.calendar"),
    # Built only when clicked: the calendar of a full queue costs more than the rest of the page.
    lambda: agenda_ics(
        items, agenda, timezone=coach.timezone, language=coach.language, now=utc_now()
    ),
    file_name="afronding-agenda.ics",
    mime="text/calendar",
    icon=":material/calendar_add_on:",
    disabled=not (items or agenda),
)
for typed in fu.left_meanwhile(items):
    # Not silently dropped: the follow-up was dealt with elsewhere, and what was typed here
    # stays on screen to copy.
    st.warning(ui.t("follow_ups.left_meanwhile"), icon=":material/sync_problem:")
    if typed:
        st.code(typed, language=None, wrap_lines=True)
if not items:
    st.info(ui.t("follow_ups.empty"), icon=":material/info:")
for bucket, group in group_queue(items, today).items():
    # Answers show only when there are some; the calendar groups always, once there is a queue.
    if not group and (bucket is Bucket.ANSWERED or (bucket is not Bucket.OVERDUE and not items)):
        continue
    st.header(f"{ui.t(f'bucket.{bucket}')} ({len(group)})")
    if not group:
        st.caption(ui.t("follow_ups.group_empty"))
    shown = len(group) if st.session_state.get(fu.all_key(bucket)) else CARDS_PER_GROUP
    for item in group[:shown]:
        fu.card(item, today=today, smtp=smtp)
    if len(group) > shown:
        fu.rest_table(group[shown:], bucket)

if choices:
    ui.show_flash(fu.SIDE_FORMS)
    # Drawn only while open: closed, their forms cost every run of the page (~10 ms).
    if add := ui.lazy_expander(
        ui.t("follow_ups.add_title"), key=fu.ADD_OPEN, icon=":material/add_task:"
    ):
        with add:
            fu.add_form(choices, today)
    if outcome := ui.lazy_expander(
        ui.t("follow_ups.outcome_title"), key=fu.OUTCOME_OPEN, icon=":material/emoji_events:"
    ):
        with outcome:
            fu.outcome_form(choices, today)
