"""Evaluatietrends: scores and practice figures (filled by the trends issue)."""

from pages import _ui as ui

ui.coming_soon("trends")
