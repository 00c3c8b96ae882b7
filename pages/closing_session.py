"""Afrondingssessie: the live closing session (filled by the closing-session issue)."""

from pages import _ui as ui

ui.coming_soon("closing_session")
