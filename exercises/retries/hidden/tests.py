"""Hidden tests of the retries exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

TESTS = [
    Test(
        "the cap holds for any attempt, even 10,000 (no overflow)",
        1,
        "full_jitter",
        {"attempts": [4, 5, 10_000], "base": 1.0, "cap": 30.0, "draws": [0.25]},
        checks.waits([4.0, 7.5, 7.5]),
    ),
    Test(
        "a negative attempt, a base of 0 and a cap below the base raise ValueError",
        1,
        "full_jitter_invalid",
        {},
        checks.waits(["ValueError", "ValueError", "ValueError"]),
    ),
    Test(
        "decorrelated jitter never waits more than the cap (draw 0.9)",
        2,
        "decorrelated",
        {"previous": [8.0, 100.0], "base": 0.1, "cap": 10.0, "draws": [0.9]},
        checks.waits([10.0, 10.0]),
    ),
    Test(
        "decorrelated jitter waits at least the base (draw 0.0)",
        2,
        "decorrelated",
        {"previous": [None, 2.0], "base": 0.5, "cap": 10.0, "draws": [0.0]},
        checks.waits([0.5, 0.5]),
    ),
    Test(
        "decorrelated jitter with a base of 0 or a cap below the base raises ValueError",
        2,
        "decorrelated_invalid",
        {},
        checks.waits(["ValueError", "ValueError"]),
    ),
    Test(
        "429 and every throttling code are retried, whatever the status",
        3,
        "retry",
        {
            "errors": [
                [429, "TooManyRequestsException"],
                [400, "ProvisionedThroughputExceededException"],
                [400, "RequestLimitExceeded"],
                [503, "SlowDown"],
                [400, "Throttling"],
            ]
        },
        checks.decisions([True, True, True, True, True]),
    ),
    Test(
        "5xx are retried; other 4xx are not",
        3,
        "retry",
        {
            "errors": [
                [500, "InternalServerError"],
                [502, "BadGateway"],
                [404, "ResourceNotFoundException"],
                [403, "AccessDeniedException"],
                [400, "ConditionalCheckFailedException"],
            ]
        },
        checks.decisions([True, True, False, False, False]),
    ),
]
