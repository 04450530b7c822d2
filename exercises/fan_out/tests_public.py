"""Public tests of the fan-out exercise: run them with ``python -m exercises check fan-out``."""

from exercises.grader.model import Test

from . import checks

TESTS = [
    Test(
        "three chunks in order: only the last call returns True",
        1,
        "count",
        {"total": 3, "deliveries": [0, 1, 2]},
        checks.counted([False, False, True], 3),
    ),
    Test(
        "a chunk delivered twice is counted once",
        1,
        "count",
        {"total": 3, "deliveries": [0, 0, 2, 1]},
        checks.counted([False, False, False, True], 3),
    ),
    Test(
        "the last two chunks finish at the same moment: exactly one True",
        1,
        "count_together",
        {"total": 3, "before": [0], "together": [1, 2]},
        checks.one_trigger(2, 3, before=[False]),
    ),
    Test(
        "a job is finished once; a second finish is refused and changes nothing",
        2,
        "finish",
        {"amounts": [100, 999]},
        checks.finished([True, False], 100),
    ),
]
