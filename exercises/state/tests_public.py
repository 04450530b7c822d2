"""Public tests of the state exercise: run them with ``python -m exercises check state``."""

from exercises.grader.model import Test

from . import checks

ADA = {"session_id": "s-1", "user": "ada", "expires_at": 1_000}

TESTS = [
    Test(
        "a live session is read",
        1,
        "read",
        {"sessions": [ADA], "reads": [["s-1", 500]]},
        checks.read_as([ADA]),
    ),
    Test(
        "an expired session still in the table is not read",
        1,
        "read",
        {"sessions": [ADA], "reads": [["s-1", 1_500]]},
        checks.read_as([None]),
    ),
    Test(
        "a missing session is None",
        1,
        "read",
        {"sessions": [], "reads": [["s-9", 1]]},
        checks.read_as([None]),
    ),
    Test("three visits count 1, 2, 3", 2, "count", {"visits": 3}, checks.counted([1, 2, 3], 3)),
    Test(
        "a value is loaded once and served from the cache while it is young",
        3,
        "cache",
        {"calls": [["lamp", 0], ["lamp", 5]], "ttl_s": 10},
        checks.cached_as([["lamp#1", False], ["lamp#1", True]], ["lamp"]),
    ),
    Test(
        "an old entry is loaded again",
        3,
        "cache",
        {"calls": [["lamp", 0], ["lamp", 15]], "ttl_s": 10},
        checks.cached_as([["lamp#1", False], ["lamp#2", False]], ["lamp", "lamp"]),
    ),
]
