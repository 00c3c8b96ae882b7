"""Cliënten: the client list (filled by the client-list issue)."""

from pages import _ui as ui

ui.coming_soon("clients")
