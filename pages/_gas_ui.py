"""Goal attainment scaling (GAS): a trajectory's goals and their levels."""

import streamlit as st

from core.database import transaction
from core.gas import GAS_LEVELS, add_gas_goal, goals_t_score, list_gas_goals, set_gas_level
from core.numfmt import format_number
from pages import _ui as ui


def _set_level(goal_id: int, key: str) -> None:
    with transaction(ui.session_factory(), write=True) as session:
        set_gas_level(session, coach_id=ui.coach_id(), goal_id=goal_id, level=st.session_state[key])


def gas_panel(trajectory_id: int) -> None:
    """GAS goals: set them with an expected outcome and weight; score the level attained."""
    coach = ui.coach()
    st.caption(ui.t("gas.intro"))
    with ui.db_session() as session:
        goals = list_gas_goals(session, coach_id=coach.id, trajectory_id=trajectory_id)
    if not goals:
        st.caption(ui.t("gas.none"))
    for goal in goals:
        with st.container(border=True):
            st.markdown(
                f"**{ui.plain(goal.description)}** · {ui.t('gas.weight')} "
                f"{format_number(goal.weight, coach.language)}"
            )
            if goal.expected:
                st.caption(ui.plain(goal.expected))
            key = f"gas_level_{goal.goal_id}"
            st.selectbox(
                ui.t("gas.level"),
                [None, *GAS_LEVELS],
                index=[None, *GAS_LEVELS].index(goal.attained_level),
                key=key,
                format_func=lambda level: (
                    ui.t("gas.not_scored") if level is None else ui.t(f"gas.level_{level}")
                ),
                placeholder=ui.t("gas.not_scored"),  # what None reads as (see _trends_ui)
                on_change=_set_level,
                args=(goal.goal_id, key),
            )
    if (score := goals_t_score(goals)) is not None:
        st.success(ui.t("gas.t_score", score=format_number(score, coach.language)))
    errors = ui.FieldErrors()
    with st.form(f"gas_add_{trajectory_id}"):
        description = st.text_input(ui.t("gas.description"), max_chars=300, key="gas_description")
        errors.slot("description")
        expected = st.text_area(ui.t("gas.expected"), height=70, key="gas_expected")
        weight = st.number_input(ui.t("gas.weight"), 0.5, 10.0, 1.0, step=0.5)
        errors.slot("weight")
        if st.form_submit_button(ui.t("gas.add"), type="primary"):
            ui.save(
                lambda s: add_gas_goal(
                    s,
                    coach_id=coach.id,
                    trajectory_id=trajectory_id,
                    description=description,
                    expected=expected,
                    weight=float(weight),
                ),
                errors,
                "gas.added",
                clear=("gas_description", "gas_expected"),
            )
