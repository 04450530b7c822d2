"""The deploy-test exercise: answers that merely imitate the right types score nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.instructor]

IMITATIONS = """
class FakeList(list):
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class FakeStr(str):
    pass
"""


def _imitating(overlay: str, tmp_path: Path):
    exercise = load_exercise(COURSE_ROOT / "exercises" / "deploy_test")
    solution = (exercise.solution_dir / "rollout.py").read_text(encoding="utf-8")
    (tmp_path / "rollout.py").write_text(solution + "\n\n" + IMITATIONS + textwrap.dedent(overlay))
    return grade_submission(exercise, tmp_path, include_hidden=True)


def test_deploy_test_imitations_score_nothing(tmp_path: Path) -> None:
    result = _imitating(
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
    result = _imitating(
        """
        _missing = missing_resources


        def missing_resources(declared, listed, found):
            return tuple(FakeStr(item) for item in _missing(declared, listed, found))
        """,
        tmp_path,
    )
    assert all(outcome.points == 0 for outcome in result.results if outcome.task == 1)
    assert all(outcome.points == 1 for outcome in result.results if outcome.task == 2)
