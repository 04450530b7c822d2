"""Public tests of the cost exercise: run them with ``python -m exercises check cost``."""

from exercises.grader.model import Test

from . import checks

POINTS = [
    [128, 800.0, 0.00000171],
    [512, 200.0, 0.00000171],
    [1024, 110.0, 0.00000187],
    [2048, 100.0, 0.0000034],
]

TESTS = [
    Test(
        "five samples: the fastest and the slowest are dropped",
        1,
        "mean",
        {"samples": [10.0, 12.0, 11.0, 50.0, 1.0], "trim": 0.2},
        checks.mean_is(11.0),
    ),
    Test(
        "trim 0 keeps every sample",
        1,
        "mean",
        {"samples": [1.0, 2.0, 6.0], "trim": 0.0},
        checks.mean_is(3.0),
    ),
    Test(
        "cost: the cheapest, the faster of a tie",
        2,
        "choose",
        {"points": POINTS, "strategy": "cost", "weight": 0.5},
        checks.memory_is(512),
    ),
    Test(
        "speed: the fastest",
        2,
        "choose",
        {"points": POINTS, "strategy": "speed", "weight": 0.5},
        checks.memory_is(2048),
    ),
]
