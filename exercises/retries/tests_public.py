"""Public tests of the retries exercise: run them with ``python -m exercises check retries``."""

from exercises.grader.model import Test

from . import checks

TESTS = [
    Test(
        "full jitter doubles the ceiling from base 0.1 s and stops at the cap (draw 0.5)",
        1,
        "full_jitter",
        {"attempts": [0, 1, 2, 3, 10], "base": 0.1, "cap": 10.0, "draws": [0.5]},
        checks.waits([0.05, 0.1, 0.2, 0.4, 5.0]),
    ),
    Test(
        "full jitter can wait nothing at all (draw 0.0)",
        1,
        "full_jitter",
        {"attempts": [0, 5], "base": 1.0, "cap": 20.0, "draws": [0.0]},
        checks.waits([0.0, 0.0]),
    ),
    Test(
        "decorrelated jitter grows from the previous wait (draw 0.5)",
        2,
        "decorrelated",
        {"previous": [None, 0.1, 1.0, 5.0], "base": 0.1, "cap": 10.0, "draws": [0.5]},
        checks.waits([0.2, 0.2, 1.55, 7.55]),
    ),
    Test(
        "throttling and 503 are retried, a validation error is not",
        3,
        "retry",
        {"errors": [[400, "ThrottlingException"], [503, "ServiceUnavailable"], [400, "ValidationException"]]},
        checks.decisions([True, True, False]),
    ),
]
