"""AppTest fixtures: the real app.py on a fresh demo database per test."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Metric, UnknownElement

from core.accounts import create_coach
from core.clients import TrajectoryInput, add_client
from core.config import load_settings
from core.database import prepare_database
from core.timeline import get_client_detail
from db.demo import DEMO_PASSWORD, DEMO_USERNAME
from pages._warm_up import UNSEEN_FIGURE
from tests.conftest import TODAY

APP = str(Path(__file__).parents[2] / "app.py")


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for a demo app on its own SQLite file."""
    database = tmp_path / "app.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("AFRONDING_DEMO", "1")
    monkeypatch.setenv("AFRONDING_COOKIE_KEY", "pages-Qw3Er7Ty1Ui9Op5As2Df8Gh4Jk6Lz0Xc")
    return database


def new_app() -> AppTest:
    """The app, run once: the login page."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    return app


def figures(app: AppTest) -> list[Metric]:
    """The figures a coach can see: Vandaag's, never the login page's unseen one."""
    return [m for m in app.metric if m.label != UNSEEN_FIGURE]


def log_in(app: AppTest, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> AppTest:
    """Fill in the login form and submit it; a second run draws the navigation."""
    app.text_input[0].input(username)
    app.text_input[1].input(password)
    app.button[0].click().run()
    assert not app.exception, app.exception  # the very first run after the login, too
    return app.run()


@pytest.fixture
def logged_in(app_env: Path) -> AppTest:
    """The app with the demo coach logged in."""
    return log_in(new_app())


@pytest.fixture
def open_page(logged_in: AppTest) -> Callable[[str], AppTest]:
    """Switch the logged-in app to a page file."""

    def switch(path: str) -> AppTest:
        return logged_in.switch_page(path).run()

    return switch


def live_texts(app: AppTest) -> dict[str, str]:
    """The page's live text fields, label → text shown (AppTest can't type in a component:
    tests store the typed text the way the browser's field does, then run the page)."""
    found: dict[str, str] = {}

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            if isinstance(child, UnknownElement) and child.type == "bidi_component":
                data = json.loads(child.proto.json)
                if "label" in data:  # a live text field, not another component
                    found[data["label"]] = data["value"]
            walk(child)

    walk(app._tree)
    return found


def popover_keys(app: AppTest, action: str) -> list[str]:
    """The keys of the page's popovers for `action` ("done", "mail", …), in page order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", "") == "popover":
                key = child.proto.popover.id.split("-", 2)[-1]
                if key.startswith(f"{action}_"):
                    found.append(key)
            walk(child)

    walk(app._tree)
    return found


def open_popover(app: AppTest, action: str, index: int = 0) -> str:
    """Open the page's `index`-th popover for `action`, as a click on it does; its key."""
    # A closed popover draws nothing (ui.lazy_popover): its form exists once it is open.
    key = popover_keys(app, action)[index]
    app.session_state[key] = True
    app.run()
    return key


def other_coachs_client() -> tuple[int, int, int]:
    """Another coach with one client named Geheim, in the app's database: (coach, client,
    trajectory) ids, for checking that nothing of theirs can be reached."""
    factory = prepare_database(load_settings(), today=TODAY)
    with factory.begin() as session:
        other = create_coach(
            session,
            username="ander",
            display_name="Andere Coach",
            email="a@example.org",
            password="Sterk-wachtwoord-7",
        )
        client_id = add_client(
            session,
            coach_id=other.id,
            name="Geheim",
            email="",
            phone="",
            notes="",
            trajectory=TrajectoryInput("Doel", TODAY, 8),
        )
        detail = get_client_detail(session, coach_id=other.id, client_id=client_id)
        return other.id, client_id, detail.trajectories[0].trajectory_id


def as_shown(markdown: str) -> str:
    """What a reader sees of escaped markdown: the marks without their backslashes."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "").replace("  \n", "\n")
