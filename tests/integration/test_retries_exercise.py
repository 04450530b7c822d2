"""The retries exercise: the reference solution scores full marks, and a submission that imitates the
right types (an int for a float, 1 and 0 for bools, subclasses) scores nothing on the tests it touches."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from tests.fixtures.imitations import by_task, imitating

pytestmark = [pytest.mark.integration, pytest.mark.instructor]


def test_the_solution_scores_full_marks(tmp_path: Path) -> None:
    exercise = load_exercise(COURSE_ROOT / "exercises" / "retries")
    (tmp_path / "backoff.py").write_text((exercise.solution_dir / "backoff.py").read_text(encoding="utf-8"))
    result = grade_submission(exercise, tmp_path, include_hidden=True)
    assert all(r.points == r.max_points for r in result.results), [
        (r.name, r.message) for r in result.results
    ]


def test_imitations_score_nothing(tmp_path: Path) -> None:
    result = imitating(
        "retries",
        "backoff.py",
        """
        _full, _decorrelated, _retry = full_jitter, decorrelated_jitter, should_retry


        def full_jitter(attempt, base, cap, rng):
            return FakeFloat(_full(attempt, base, cap, rng))


        def decorrelated_jitter(previous, base, cap, rng):
            wait = _decorrelated(previous, base, cap, rng)
            return int(wait) if wait == int(wait) else wait  # 10 for 10.0


        def should_retry(status, code):
            return int(_retry(status, code))  # 1 and 0: equal to True and False, not bools
        """,
        tmp_path,
    )
    task_1 = [r for r in by_task(result, 1) if "raise" not in r.name]
    assert task_1
    assert all(r.points == 0 for r in task_1), [(r.name, r.message) for r in task_1]
    capped = [r for r in by_task(result, 2) if "never waits more than the cap" in r.name]
    assert capped
    assert all(r.points == 0 for r in capped), [(r.name, r.message) for r in capped]
    task_3 = by_task(result, 3)
    assert task_3
    assert all(r.points == 0 for r in task_3)
    assert all("bool" in r.message for r in task_3), [r.message for r in task_3]
