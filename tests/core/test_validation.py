"""Field checks shared by the services: each score is told its own scale."""

import pytest

from core.i18n import translate
from core.validation import SCORE_RANGE_MESSAGES, score_problem


@pytest.mark.parametrize(("low", "high"), sorted(SCORE_RANGE_MESSAGES))
def test_a_score_outside_its_scale_is_told_that_scale(low: int, high: int) -> None:
    assert score_problem(low, low=low, high=high) is None
    assert score_problem(high, low=low, high=high) is None
    key = score_problem(high + 1, low=low, high=high)
    assert key == score_problem(low - 1, low=low, high=high)
    assert translate(str(key), "nl").endswith(f"tussen {low} en {high}.")
    assert translate(str(key), "en").endswith(f"between {low} and {high}.")
