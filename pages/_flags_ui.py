"""A readiness flag with its action: one click to where the coach puts it right."""

import streamlit as st

from core.readiness import FLAG_ACTION, Flag
from pages import _ui as ui

PLACES = {
    "client": "pages/client.py",
    "closing": "pages/closing_session.py",
    "follow_ups": "pages/follow_ups.py",
}


def action_link(flag: Flag, *, client_id: int, trajectory_id: int | None) -> None:
    """The link that acts on `flag` for this client (the planning opens with the kind)."""
    action = FLAG_ACTION[flag]
    params = {
        "client": {"id": str(client_id), "deel": action.section, "soort": action.kind},
        "closing": {"traject": str(trajectory_id or "")},
        "follow_ups": {},
    }[action.place]
    st.page_link(
        PLACES[action.place],
        label=ui.t(f"flag_action.{flag.value}"),
        icon=":material/east:",
        query_params={name: value for name, value in params.items() if value},
    )
