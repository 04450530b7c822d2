"""Public tests of the choreography exercise: run them with ``python -m exercises check choreography``."""

from exercises.grader.model import Test

from . import checks

PAYMENT = {
    "correlation_id": "corr-1",
    "order_id": "o-1",
    "payment_id": "pay-1",
    "amount_cents": 5997,
    "email": "ada@example.com",
}
OTHER = {**PAYMENT, "correlation_id": "corr-2", "order_id": "o-2", "payment_id": "pay-2"}

TESTS = [
    Test(
        "a PaymentProcessed that keeps its contract is accepted",
        1,
        "contract",
        {"detail": PAYMENT},
        checks.accepted(PAYMENT),
    ),
    Test(
        "another event type is refused",
        1,
        "contract",
        {"detail": PAYMENT, "detail_type": "OrderValidated"},
        checks.rejected(),
    ),
    Test(
        "a detail without order_id is refused",
        1,
        "contract",
        {"detail": {k: v for k, v in PAYMENT.items() if k != "order_id"}},
        checks.rejected(),
    ),
    Test(
        "the first claim wins, a second claim of the order is refused",
        2,
        "claim",
        {"payments": [PAYMENT, PAYMENT]},
        checks.claimed([True, False], ["o-1"]),
    ),
    Test(
        "two different orders are both claimed",
        2,
        "claim",
        {"payments": [PAYMENT, OTHER]},
        checks.claimed([True, True], ["o-1", "o-2"]),
    ),
    Test(
        "the same event delivered twice: fulfilled, then duplicate, one email",
        3,
        "deliver",
        {"deliveries": [{"detail": PAYMENT, "id": "evt-1"}, {"detail": PAYMENT, "id": "evt-1"}]},
        checks.outcomes(["fulfilled", "duplicate"], emails=1),
    ),
    Test(
        "the confirmation message names the customer, order, payment and correlation id",
        3,
        "deliver",
        {"deliveries": [{"detail": PAYMENT, "id": "evt-1"}]},
        checks.confirmation(
            {"to": "ada@example.com", "order_id": "o-1", "payment_id": "pay-1", "correlation_id": "corr-1"}
        ),
    ),
    Test(
        "an event that breaks the contract raises, and nothing is written or sent",
        3,
        "deliver",
        {"deliveries": [{"detail": {**PAYMENT, "amount_cents": "59.97"}, "id": "evt-2"}]},
        checks.refused_without_effects(1),
    ),
]
