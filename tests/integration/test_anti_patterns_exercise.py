"""The anti-patterns exercise grades honestly: imitations of the expected types score nothing."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]


def test_anti_patterns_imitations_score_nothing(tmp_path):
    result = imitating(
        "anti_patterns",
        "fixes.py",
        """
        _chunks, _writes, _bill = chunk_sizes, thumbnail_writes, synchronous_bill


        def chunk_sizes(records, per_record_ms, timeout_s, share):
            return FakeList(_chunks(records, per_record_ms, timeout_s, share))


        def thumbnail_writes(event, output_bucket):
            return [FakeDict(write) for write in _writes(event, output_bucket)]


        def synchronous_bill(own_ms):
            return {name: int(value) for name, value in _bill(own_ms).items()}  # 140 == 140.0
        """,
        tmp_path,
    )
    returning = [r for r in by_task(result, 1) if "refused" not in r.name]
    zero_with(returning, "imitates a list")
    zero_with([r for r in by_task(result, 2) if "refused" not in r.name], "imitates a dict")
    zero_with(by_task(result, 3), "an int, expected a float", "int")
    assert [r.points > 0 for r in by_task(result, 2) if "refused" in r.name] == [True, True]
