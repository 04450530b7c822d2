"""Hidden tests of the cost exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

POINTS = [
    [128, 800.0, 0.00000171],
    [512, 200.0, 0.00000171],
    [1024, 110.0, 0.00000187],
    [2048, 100.0, 0.0000034],
]

TESTS = [
    Test(
        "ten samples, trim 0.2: two dropped at each end (floor of 2.0)",
        1,
        "mean",
        {"samples": [9.0, 1.0, 3.0, 100.0, 4.0, 5.0, 6.0, 2.0, 7.0, 8.0], "trim": 0.2},
        checks.mean_is(5.5),
    ),
    Test(
        "four samples, trim 0.2: floor(0.8) = 0, nothing dropped",
        1,
        "mean",
        {"samples": [1.0, 2.0, 3.0, 10.0], "trim": 0.2},
        checks.mean_is(4.0),
    ),
    Test("one sample is its own mean", 1, "mean", {"samples": [7.5], "trim": 0.2}, checks.mean_is(7.5)),
    Test(
        "balanced, weight 0.5: cost/max cost + duration/max duration",
        2,
        "choose",
        {"points": POINTS, "strategy": "balanced", "weight": 0.5},
        checks.memory_is(1024),
    ),
    Test(
        "balanced, weight 0: duration only",
        2,
        "choose",
        {"points": POINTS, "strategy": "balanced", "weight": 0.0},
        checks.memory_is(2048),
    ),
    Test(
        "cost with a tie in cost and duration: the smaller memory",
        2,
        "choose",
        {"points": [[256, 100.0, 0.000001], [128, 100.0, 0.000001]], "strategy": "cost", "weight": 0.5},
        checks.memory_is(128),
    ),
]
