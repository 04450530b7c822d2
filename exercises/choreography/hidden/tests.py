"""Hidden tests of the choreography exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

PAYMENT = {
    "correlation_id": "corr-9",
    "order_id": "o-9",
    "payment_id": "pay-9",
    "amount_cents": 1250,
    "email": "grace@example.com",
}
V2 = {
    "correlation_id": "corr-9",
    "orderId": "o-9",
    "payment_id": "pay-9",
    "amount": "12.50",
    "email": "grace@example.com",
}

TESTS = [
    Test(
        "payment v2 (orderId, amount as a string) is refused with every problem listed",
        1,
        "contract",
        {"detail": V2},
        checks.rejected(at_least=2),
    ),
    Test(
        "a detail that is not an object is refused", 1, "contract", {"detail": [PAYMENT]}, checks.rejected()
    ),
    Test(
        "an extra field is tolerated (consumers ignore what they do not read)",
        1,
        "contract",
        {"detail": {**PAYMENT, "currency": "EUR"}},
        checks.accepted({**PAYMENT, "currency": "EUR"}),
    ),
    Test(
        "amount_cents as a string is refused",
        1,
        "contract",
        {"detail": {**PAYMENT, "amount_cents": "1250"}},
        checks.rejected(),
    ),
    Test(
        "eight simultaneous claims of one order: exactly one wins",
        2,
        "claim",
        {"payments": [PAYMENT] * 8, "concurrency": 8},
        checks.exactly_one_claim(8),
    ),
    Test(
        "the claim stores order_id, payment_id, correlation_id and status FULFILLED",
        2,
        "claim",
        {"payments": [PAYMENT]},
        checks.stored_as(
            {"correlation_id": "corr-9", "order_id": "o-9", "payment_id": "pay-9", "status": "FULFILLED"}
        ),
    ),
    Test(
        "eight simultaneous deliveries of one event: one fulfilled, seven duplicates, one email",
        3,
        "deliver",
        {"deliveries": [{"detail": PAYMENT, "id": "evt-9"}] * 8, "concurrency": 8},
        checks.outcomes(["fulfilled"] + ["duplicate"] * 7, emails=1),
    ),
    Test(
        "two orders, each delivered twice: two emails",
        3,
        "deliver",
        {
            "deliveries": [
                {"detail": PAYMENT, "id": "evt-9"},
                {"detail": {**PAYMENT, "order_id": "o-10", "payment_id": "pay-10"}, "id": "evt-10"},
                {"detail": PAYMENT, "id": "evt-9"},
                {"detail": {**PAYMENT, "order_id": "o-10", "payment_id": "pay-10"}, "id": "evt-10"},
            ]
        },
        checks.outcomes(
            ["fulfilled", "fulfilled", "duplicate", "duplicate"], emails=2, order_ids=["o-9", "o-10"] * 2
        ),
    ),
    Test(
        "a v2 event retried three times (as Lambda does) never writes or sends",
        3,
        "deliver",
        {"deliveries": [{"detail": V2, "id": "evt-v2"}] * 3},
        checks.refused_without_effects(3),
    ),
]
