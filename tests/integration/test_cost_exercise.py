"""The cost exercise: answers that merely imitate the right types score nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.imitations import imitating

pytestmark = [pytest.mark.integration, pytest.mark.instructor]


def test_cost_imitations_score_nothing(tmp_path: Path) -> None:
    result = imitating(
        "cost",
        "tuning.py",
        """
        _mean, _best = trimmed_mean, best_memory


        def trimmed_mean(samples, trim=0.2):
            return FakeFloat(_mean(samples, trim))  # a float subclass equal to everything


        def best_memory(points, strategy, weight=0.5):
            return float(_best(points, strategy, weight))  # 512.0 == 512
        """,
        tmp_path,
    )
    assert result.results
    for outcome in result.results:
        assert outcome.points == 0, (outcome.name, outcome.message)


def test_an_int_where_a_float_is_expected_and_a_bool_subclass_score_nothing(tmp_path: Path) -> None:
    result = imitating(
        "cost",
        "tuning.py",
        """
        _mean, _best = trimmed_mean, best_memory


        def trimmed_mean(samples, trim=0.2):
            value = _mean(samples, trim)
            return int(value) if value == int(value) else value


        def best_memory(points, strategy, weight=0.5):
            return FakeInt(_best(points, strategy, weight))
        """,
        tmp_path,
    )
    by_name = {outcome.name: outcome for outcome in result.results}
    assert by_name["five samples: the fastest and the slowest are dropped"].points == 0
    assert all(outcome.points == 0 for outcome in result.results if outcome.task == 2)
