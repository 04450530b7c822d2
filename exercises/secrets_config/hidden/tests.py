"""Hidden tests of the secrets-config exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks
from ..tests_public import get, refresh

TESTS = [
    Test(
        "at exactly max_age the entry has expired: get fetches",
        1,
        "cache",
        {"max_age_s": 60.0, "steps": [get(0.0, "v1"), get(60.0, "v2")]},
        checks.cache(["db:v1", "db:v2"], [[0.0, "db"], [60.0, "db"]]),
    ),
    Test(
        "refresh fetches whatever the cache holds and restarts the age",
        1,
        "cache",
        {"max_age_s": 60.0, "steps": [get(0.0, "v1"), refresh(30.0, "v2"), get(80.0, "v3"), get(90.0, "v4")]},
        checks.cache(["db:v1", "db:v2", "db:v2", "db:v4"], [[0.0, "db"], [30.0, "db"], [90.0, "db"]]),
    ),
    Test(
        "max_age 0 keeps nothing: every get fetches",
        1,
        "cache",
        {"max_age_s": 0.0, "steps": [get(0.0, "v1"), get(0.0, "v2"), get(1.0, "v3")]},
        checks.cache(["db:v1", "db:v2", "db:v3"], [[0.0, "db"], [0.0, "db"], [1.0, "db"]]),
    ),
    Test(
        "each name has its own entry",
        1,
        "cache",
        {"max_age_s": 100.0, "steps": [get(0.0, "v1", "db"), get(10.0, "v2", "api"), get(20.0, "v3", "db")]},
        checks.cache(["db:v1", "api:v2", "db:v1"], [[0.0, "db"], [10.0, "api"]]),
    ),
    Test(
        "refused twice: the second refusal propagates, no third try",
        2,
        "refresh",
        {"cached": "old", "fresh": "wrong"},
        checks.refresh("raised AuthenticationFailed", [False, True], ["old", "wrong"]),
    ),
    Test(
        "another error is not a refusal: no refresh, it propagates",
        2,
        "refresh",
        {"cached": "old", "fresh": "current", "failure": "timeout"},
        checks.refresh("raised TimeoutError", [False], ["old"]),
    ),
]
