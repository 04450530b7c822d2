"""Hidden tests of the cold-starts exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

BURSTS = {"service_s": 0.2, "cold_start_s": 1.0, "keep_alive_s": 300.0, "memory_mb": 1024}

TESTS = [
    Test(
        "an environment expires exactly keep_alive_s after its last departure",
        1,
        "choose",
        {"idle": [{"id": "a", "last_departure": 40.0}], "now": 100.0, "keep_alive_s": 60.0},
        checks.chose(None),
    ),
    Test(
        "the idle list is in no particular order",
        1,
        "choose",
        {
            "idle": [
                {"id": "b", "last_departure": 30.0},
                {"id": "a", "last_departure": 10.0},
                {"id": "c", "last_departure": 20.0},
            ],
            "now": 89.999,
            "keep_alive_s": 60.0,
        },
        checks.chose("b"),
    ),
    Test(
        "no idle environment at all",
        1,
        "choose",
        {"idle": [], "now": 0.0, "keep_alive_s": 600.0},
        checks.chose(None),
    ),
    Test(
        "a request exactly keep_alive_s after the last departure starts cold",
        2,
        "serve",
        {"arrivals": [0.0, 11.0, 21.999], "service_s": 1.0, "cold_start_s": 0.0, "keep_alive_s": 10.0},
        checks.served_as(["cold", "cold", "warm"]),
    ),
    Test(
        "simultaneous arrivals each need an environment; a departure frees one at once",
        2,
        "serve",
        {"arrivals": [5.0, 5.0, 5.0, 6.0], "service_s": 1.0, "cold_start_s": 0.0, "keep_alive_s": 60.0},
        checks.served_as(["cold", "cold", "cold", "warm"]),
    ),
    Test(
        "an empty trace",
        2,
        "serve",
        {"arrivals": [], "service_s": 1.0, "cold_start_s": 0.5, "keep_alive_s": 60.0},
        checks.served_as([]),
    ),
    Test(
        "the most recently used environment is chosen, not the newest",
        2,
        "serve",
        {
            "arrivals": [0.0, 1.0, 10.2, 12.0, 16.1, 16.1],
            "service_s": 1.0,
            "cold_start_s": 9.0,
            "keep_alive_s": 5.0,
        },
        checks.served_as(["cold", "cold", "warm", "warm", "warm", "cold"]),
    ),
    Test(
        "a loose target needs no provisioned concurrency",
        3,
        "cheapest",
        {"trace": "bursts of 4 every 10 min", **BURSTS, "p99_target_s": 2.0},
        checks.cheapest_is(0),
    ),
    Test(
        "a target below the service time cannot be met",
        3,
        "cheapest",
        {"trace": "bursts of 4 every 10 min", **BURSTS, "p99_target_s": 0.1},
        checks.cheapest_is(None),
    ),
    Test(
        "uneven bursts: the largest burst decides",
        3,
        "cheapest",
        {
            "trace": "uneven bursts",
            "service_s": 0.25,
            "cold_start_s": 0.8,
            "keep_alive_s": 300.0,
            "memory_mb": 512,
            "p99_target_s": 0.5,
        },
        checks.cheapest_is(5),
    ),
]
