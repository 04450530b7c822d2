"""Hidden tests of the step-functions exercise: the other executions (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

TESTS = [
    Test(
        "three gateway failures: the third wait is capped at 3 s, then paid",
        2,
        "execute",
        {"scenario": "gateway fails three times"},
        checks.charged(4, [1.0, 2.0, 3.0]),
    ),
    Test(
        "a gateway that stays down is retried three times",
        2,
        "execute",
        {"scenario": "gateway down"},
        checks.charged(4, [1.0, 2.0, 3.0]),
    ),
    Test(
        "a declined card is not retried",
        2,
        "execute",
        {"scenario": "card declined"},
        checks.charged(1, []),
    ),
    Test(
        "exhausted retries end as PaymentFailed, without a notice",
        3,
        "execute",
        {"scenario": "gateway down"},
        checks.ended("FAILED", "PaymentFailed"),
    ),
    Test(
        "any other error is not retried and ends as PaymentFailed",
        3,
        "execute",
        {"scenario": "invalid order"},
        checks.ended("FAILED", "PaymentFailed"),
    ),
    Test(
        "only a declined card is notified",
        3,
        "execute",
        {"scenario": "invalid order"},
        checks.not_notified,
    ),
]
