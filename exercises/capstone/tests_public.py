"""Public tests of the capstone: run them with ``python -m exercises check capstone``."""

from exercises.grader.model import Test

from . import checks

DONE = {"confirmations": "SENT", "inventory": "RESERVED", "payments": "CHARGED", "shipments": "CREATED"}
PAYMENT_FAILS = {"charge_payment": {"kind": "error"}}

TESTS = [
    Test(
        "no fault: every step runs, nothing is compensated",
        1,
        "saga",
        {"faults": {}},
        checks.saga_ended("COMPLETED", None, [], DONE),
    ),
    Test(
        "the payment fails: it and the reservation are compensated, in that order",
        1,
        "saga",
        {"faults": PAYMENT_FAILS},
        checks.saga_ended(
            "COMPENSATED",
            "charge_payment",
            ["charge_payment", "reserve_inventory"],
            {"confirmations": None, "inventory": "RELEASED", "payments": "REFUNDED", "shipments": None},
        ),
    ),
    Test(
        "a completed order is announced as OrderCompleted",
        2,
        "event",
        {"outcome": {"status": "COMPLETED", "failed_step": None, "compensated": []}},
        checks.event_is(
            "OrderCompleted",
            {"order_id": "o-7", "status": "COMPLETED", "amount_cents": 1999, "failed_step": None},
        ),
    ),
    Test(
        "one order through the API: 201, and the read model shows it",
        3,
        "scenario",
        {"steps": [{"order": "o-1", "key": "k-1"}]},
        checks.all_of(
            checks.answers_were([{"status": 201, "body": {"order_id": "o-1", "status": "COMPLETED"}}]),
            checks.view_is({"o-1": {"amount_cents": 1999, "status": "COMPLETED"}}),
        ),
    ),
    Test(
        "twenty orders cost no more than the budget per 1,000 orders",
        3,
        "cost",
        {"orders": 20},
        checks.within_budget(20),
    ),
]

TESTS.append(
    Test(
        "an order's event makes its row in the read model",
        4,
        "projection",
        {"details": [{"order_id": "o-1", "status": "COMPLETED", "amount_cents": 1999, "failed_step": None}]},
        checks.all_of(
            checks.projected([{"applied": True}]),
            checks.view_is({"o-1": {"amount_cents": 1999, "status": "COMPLETED"}}),
        ),
    )
)
