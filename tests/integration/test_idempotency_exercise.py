"""The idempotency exercise grades honestly: imitations of the expected types score nothing, and the
seed's order (work first, record after) fails the duplicate that arrives during the work."""

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "idempotency")
SOLUTION = COURSE_ROOT / "exercises" / "idempotency" / "solution" / "keyed.py"


def test_idempotency_imitations_score_nothing(tmp_path):
    result = imitating(
        "idempotency",
        "keyed.py",
        """
        _decide, _execute = decide, execute


        def decide(existing, digest, now):
            return FakeStr(_decide(existing, digest, now))


        def execute(records, key, payload, **options):
            answer = _execute(records, key, payload, **options)
            return {**answer, "status": float(answer["status"])}  # 200.0 == 200
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a str")
    zero_with(by_task(result, 2), "a float, expected an int")


def test_work_before_the_record_charges_a_concurrent_duplicate(tmp_path):
    """Seed 003's order: do the work, then write the record. The duplicate during the work runs it too."""
    source = SOLUTION.read_text(encoding="utf-8")
    seed_order = source.replace(
        "    try:\n        result = work(payload)",
        "    records.pop(key, None)\n    try:\n        result = work(payload)",
    )
    assert seed_order != source
    (tmp_path / "keyed.py").write_text(seed_order, encoding="utf-8")
    result = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    failed = {r.name for r in result.results if r.points == 0}
    assert "a duplicate arriving while the work runs is told 409" in failed
    assert result.score < result.max_score
