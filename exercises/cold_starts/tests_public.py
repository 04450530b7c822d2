"""Public tests of the cold-starts exercise: run them with ``python -m exercises check cold-starts``."""

from exercises.grader.model import Test

from . import checks

FAST = {"service_s": 1.0, "cold_start_s": 0.5, "keep_alive_s": 10.0}
BURSTS = {"service_s": 0.2, "cold_start_s": 1.0, "keep_alive_s": 300.0, "memory_mb": 1024}

TESTS = [
    Test(
        "the environment that finished last serves",
        1,
        "choose",
        {
            "idle": [{"id": "a", "last_departure": 10.0}, {"id": "b", "last_departure": 30.0}],
            "now": 40.0,
            "keep_alive_s": 60.0,
        },
        checks.chose("b"),
    ),
    Test(
        "no environment when all have expired",
        1,
        "choose",
        {"idle": [{"id": "a", "last_departure": 10.0}], "now": 100.0, "keep_alive_s": 60.0},
        checks.chose(None),
    ),
    Test(
        "a hand-computed trace",
        2,
        "serve",
        {"arrivals": [0.0, 1.0, 5.0, 20.0], **FAST},
        checks.served_as(["cold", "cold", "warm", "cold"]),
    ),
    Test(
        "one provisioned environment serves first",
        2,
        "serve",
        {"arrivals": [0.0, 0.0, 3.0], **FAST, "provisioned": 1},
        checks.served_as(["provisioned", "cold", "provisioned"]),
    ),
    Test(
        "bursts of 4 need 4 provisioned environments for a p99 of 0.5 s",
        3,
        "cheapest",
        {"trace": "bursts of 4 every 10 min", **BURSTS, "p99_target_s": 0.5},
        checks.cheapest_is(4),
    ),
    Test(
        "a 90%-busy environment is cheaper provisioned, though on-demand meets the target",
        3,
        "cheapest",
        {
            "trace": "one a second",
            "service_s": 0.9,
            "cold_start_s": 1.0,
            "keep_alive_s": 60.0,
            "memory_mb": 1024,
            "p99_target_s": 5.0,
        },
        checks.cheapest_is(1),
    ),
]
