"""Public tests of the saga exercise: run them with ``python -m exercises check saga``."""

from exercises.grader.model import Test

from . import checks

STEPS = ["reserve_inventory", "charge_payment", "create_shipment", "send_confirmation"]

TESTS = [
    Test(
        "shipping failed: compensate it, then payment, then inventory",
        1,
        "order",
        {"log": {"reserve_inventory": "DONE", "charge_payment": "DONE", "create_shipment": "FAILED"}},
        checks.ordered(["create_shipment", "charge_payment", "reserve_inventory"]),
    ),
    Test(
        "a step that only STARTED (the orchestrator crashed) is compensated too",
        1,
        "order",
        {"log": {"reserve_inventory": "DONE", "charge_payment": "STARTED"}},
        checks.ordered(["charge_payment", "reserve_inventory"]),
    ),
    Test(
        "a charge is refunded once",
        2,
        "compensations",
        {"existing": {"s-1": "CHARGED"}, "calls": ["s-1"]},
        checks.compensated(["undone"], {"s-1": "REFUNDED"}),
    ),
    Test(
        "two sagas are compensated independently",
        2,
        "compensations",
        {"existing": {"s-1": "CHARGED", "s-2": "CHARGED"}, "calls": ["s-2"]},
        checks.compensated(["undone"], {"s-1": "CHARGED", "s-2": "REFUNDED"}),
    ),
    Test(
        "no failure: every step runs once and nothing is undone",
        3,
        "run",
        {},
        checks.all_of(
            checks.saga_ended("COMPLETED", None, [], []),
            checks.calls_were([["do", step] for step in STEPS]),
        ),
    ),
    Test(
        "payment fails: it and the reservation are compensated, in that order",
        3,
        "run",
        {"failing": "charge_payment"},
        checks.all_of(
            checks.saga_ended("COMPENSATED", "charge_payment", ["charge_payment", "reserve_inventory"], []),
            checks.calls_were(
                [
                    ["do", "reserve_inventory"],
                    ["do", "charge_payment"],
                    ["undo", "charge_payment"],
                    ["undo", "reserve_inventory"],
                ]
            ),
        ),
    ),
    Test(
        "a compensation that fails once is retried",
        3,
        "run",
        {"failing": "create_shipment", "undo_failures": {"charge_payment": 1}},
        checks.saga_ended(
            "COMPENSATED", "create_shipment", ["create_shipment", "charge_payment", "reserve_inventory"], []
        ),
    ),
]
