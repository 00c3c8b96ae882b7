"""Follow-ups: the follow-up queue (filled by the follow-up issue)."""

from pages import _ui as ui

ui.coming_soon("follow_ups")
