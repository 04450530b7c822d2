"""Hidden tests of the state exercise: every rule of the README, edge cases (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

ADA = {"session_id": "s-1", "user": "ada", "expires_at": 1_000}
GRACE = {"session_id": "s-2", "user": "grace", "expires_at": 3_000}

TESTS = [
    Test(
        "a session is expired at exactly its expiry time",
        1,
        "read",
        {"sessions": [ADA], "reads": [["s-1", 999.5], ["s-1", 1_000]]},
        checks.read_as([ADA, None]),
    ),
    Test(
        "each session has its own expiry",
        1,
        "read",
        {"sessions": [ADA, GRACE], "reads": [["s-1", 2_000], ["s-2", 2_000]]},
        checks.read_as([None, GRACE]),
    ),
    Test("the first visit creates the counter at 1", 2, "count", {"visits": 1}, checks.counted([1], 1)),
    Test(
        "eight simultaneous visits are all counted",
        2,
        "count",
        {"visits": 8, "concurrent": True},
        checks.all_counted(8),
    ),
    Test(
        "an entry exactly ttl_s old is loaded again",
        3,
        "cache",
        {"calls": [["lamp", 0], ["lamp", 10]], "ttl_s": 10},
        checks.cached_as([["lamp#1", False], ["lamp#2", False]], ["lamp", "lamp"]),
    ),
    Test(
        "a ttl of 0 caches nothing",
        3,
        "cache",
        {"calls": [["lamp", 0], ["lamp", 0]], "ttl_s": 0},
        checks.cached_as([["lamp#1", False], ["lamp#2", False]], ["lamp", "lamp"]),
    ),
    Test(
        "keys are cached apart",
        3,
        "cache",
        {"calls": [["lamp", 0], ["desk", 1], ["lamp", 2]], "ttl_s": 10},
        checks.cached_as([["lamp#1", False], ["desk#2", False], ["lamp#1", True]], ["lamp", "desk"]),
    ),
    Test(
        "a reload stores the new value's time",
        3,
        "cache",
        {"calls": [["lamp", 0], ["lamp", 12], ["lamp", 20]], "ttl_s": 10},
        checks.cached_as([["lamp#1", False], ["lamp#2", False], ["lamp#2", True]], ["lamp", "lamp"]),
    ),
]
