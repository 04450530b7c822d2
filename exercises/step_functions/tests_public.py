"""Public tests of the step-functions exercise: run them with ``python -m exercises check step_functions``."""

from exercises.grader.model import Test

from . import checks  # the grader loads this folder as a package

TESTS = [
    Test("an order without faults is paid", 1, "execute", {"scenario": "paid"}, checks.ended("SUCCEEDED")),
    Test(
        "the paid path is ChargePayment then Paid",
        1,
        "execute",
        {"scenario": "paid"},
        checks.visited(["ChargePayment", "Paid"]),
    ),
    Test(
        "a gateway that fails twice is retried after 1 s, then 2 s, and the order is paid",
        2,
        "execute",
        {"scenario": "gateway fails twice"},
        checks.charged(3, [1.0, 2.0]),
    ),
    Test(
        "a declined card ends as PaymentDeclined",
        3,
        "execute",
        {"scenario": "card declined"},
        checks.ended("FAILED", "PaymentDeclined"),
    ),
    Test(
        "a declined card is notified to the customer",
        3,
        "execute",
        {"scenario": "card declined"},
        checks.notified("grace@example.com", "PaymentDeclinedError"),
    ),
]
