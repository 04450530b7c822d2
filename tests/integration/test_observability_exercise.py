"""The observability exercise: the reference solution scores full marks, the stub nothing, and a
submission that imitates the right types (a list subclass, a dict that equals everything, a float for
an int, an int subclass) scores nothing on the tests it touches."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from tests.fixtures.imitations import imitating

pytestmark = [pytest.mark.integration, pytest.mark.instructor]


def test_the_solution_scores_full_marks_and_the_stub_nothing(tmp_path: Path) -> None:
    exercise = load_exercise(COURSE_ROOT / "exercises" / "observability")
    for source, full in (
        (exercise.solution_dir / "telemetry.py", True),
        (exercise.root / "telemetry.py", False),
    ):
        (tmp_path / "telemetry.py").write_text(source.read_text(encoding="utf-8"))
        result = grade_submission(exercise, tmp_path, include_hidden=True)
        assert len(result.results) == 10
        if full:
            assert all(r.points == r.max_points for r in result.results), [r.message for r in result.results]
        else:
            assert all(r.points == 0 for r in result.results)


def test_imitations_score_nothing(tmp_path: Path) -> None:
    result = imitating(
        "observability",
        "telemetry.py",
        """
        _follow, _emf, _bytes = follow_order, emf_document, ingested_bytes


        def follow_order(lines, correlation_id):
            return FakeList(FakeDict(record) for record in _follow(lines, correlation_id))


        def emf_document(namespace, metrics, dimensions, timestamp_ms):
            as_floats = {name: float(value) for name, value in metrics.items()}  # 1.0 for 1
            return FakeDict(_emf(namespace, as_floats, dimensions, timestamp_ms))


        def ingested_bytes(lines):
            return FakeInt(_bytes(lines))
        """,
        tmp_path,
    )
    touched = [r for r in result.results if "raises ValueError" not in r.name and "no metric" not in r.name]
    assert touched
    for r in touched:
        assert r.points == 0, (r.name, r.message)
        assert "imitates" in r.message, (r.name, r.message)
