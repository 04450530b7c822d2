"""Hidden tests of the fan-out exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

TESTS = [
    Test(
        "chunks out of order: True when the last one missing arrives",
        1,
        "count",
        {"total": 4, "deliveries": [3, 1, 0, 2]},
        checks.counted([False, False, False, True], 4),
    ),
    Test(
        "a job of one chunk: its first call returns True",
        1,
        "count",
        {"total": 1, "deliveries": [0]},
        checks.counted([True], 1),
    ),
    Test(
        "the last chunk delivered again after the end returns False and counts nothing",
        1,
        "count",
        {"total": 2, "deliveries": [1, 0, 0, 1]},
        checks.counted([False, True, False, False], 2),
    ),
    Test(
        "six chunks finishing at the same moment: one True, six counted",
        1,
        "count_together",
        {"total": 6, "before": [], "together": [0, 1, 2, 3, 4, 5]},
        checks.one_trigger(6, 6),
    ),
    Test(
        "the last chunk and its duplicate at the same moment: one True, counted once",
        1,
        "count_together",
        {"total": 2, "before": [0], "together": [1, 1]},
        checks.one_trigger(2, 2, before=[False]),
    ),
    Test(
        "four duplicates of the last chunk and two others at once: one True",
        1,
        "count_together",
        {"total": 4, "before": [0], "together": [3, 3, 1, 3, 2, 3]},
        checks.one_trigger(6, 4, before=[False]),
    ),
    Test(
        "four finishers at the same moment: one report",
        2,
        "finish",
        {"amounts": [100, 200, 300, 400], "together": True},
        checks.finished_once(4),
    ),
    Test(
        "three finishes in turn: the first report stays",
        2,
        "finish",
        {"amounts": [7, 8, 9]},
        checks.finished([True, False, False], 7),
    ),
]
