"""The deploy-test exercise: answers that merely imitate the right types score nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.imitations import imitating

pytestmark = [pytest.mark.integration, pytest.mark.instructor]


def test_deploy_test_imitations_score_nothing(tmp_path: Path) -> None:
    result = imitating(
        "deploy_test",
        "rollout.py",
        """
        _missing, _verdict = missing_resources, canary_verdict


        def missing_resources(declared, listed, found):
            return FakeList(_missing(declared, listed, found))  # a list subclass equal to everything


        def canary_verdict(*args):
            return FakeStr(_verdict(*args))  # a str subclass
        """,
        tmp_path,
    )
    assert result.results
    for outcome in result.results:
        assert outcome.points == 0, (outcome.name, outcome.message)


def test_a_tuple_or_str_items_that_are_not_str_score_nothing(tmp_path: Path) -> None:
    result = imitating(
        "deploy_test",
        "rollout.py",
        """
        _missing = missing_resources


        def missing_resources(declared, listed, found):
            return tuple(FakeStr(item) for item in _missing(declared, listed, found))
        """,
        tmp_path,
    )
    assert all(outcome.points == 0 for outcome in result.results if outcome.task == 1)
    assert all(outcome.points == 1 for outcome in result.results if outcome.task == 2)
