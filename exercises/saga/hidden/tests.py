"""Hidden tests of the saga exercise: failure at each step, duplicate compensation calls, failures in
compensations (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

STEPS = ["reserve_inventory", "charge_payment", "create_shipment", "send_confirmation"]
NOTHING_IN_EFFECT = {
    "reserve_inventory": "undone",
    "charge_payment": "undone",
    "create_shipment": "undone",
    "send_confirmation": "none",
}

TESTS = [
    Test(
        "a compensation already done after a crash is not run again",
        1,
        "order",
        {
            "log": {
                "reserve_inventory": "DONE",
                "charge_payment": "COMPENSATED",
                "create_shipment": "COMPENSATED",
            }
        },
        checks.ordered(["reserve_inventory"]),
    ),
    Test("an empty log needs no compensation", 1, "order", {"log": {}}, checks.ordered([])),
    Test(
        "a step name that is not a saga step is refused",
        1,
        "order",
        {"log": {"reserve_inventory": "DONE", "charge_card": "DONE"}},
        checks.refused_unknown_step,
    ),
    Test(
        "a duplicate compensation call changes nothing the second time",
        2,
        "compensations",
        {"existing": {"s-1": "CHARGED"}, "calls": ["s-1", "s-1"]},
        checks.compensated(["undone", "duplicate"], {"s-1": "REFUNDED"}),
    ),
    Test(
        "compensating a step that never ran leaves a tombstone",
        2,
        "compensations",
        {"existing": {}, "calls": ["s-9"]},
        checks.compensated(["nothing_to_undo"], {"s-9": "REFUNDED"}),
    ),
    Test(
        "eight simultaneous compensations of one saga: exactly one undoes it",
        2,
        "compensations",
        {"existing": {"s-1": "CHARGED"}, "calls": ["s-1"] * 8, "concurrency": 8},
        checks.exactly_one_undone(8),
    ),
    Test(
        "the first step fails: only it is compensated",
        3,
        "run",
        {"failing": "reserve_inventory"},
        checks.all_of(
            checks.saga_ended("COMPENSATED", "reserve_inventory", ["reserve_inventory"], []),
            checks.calls_were([["do", "reserve_inventory"], ["undo", "reserve_inventory"]]),
        ),
    ),
    Test(
        "the last step fails: all four compensations, in reverse order",
        3,
        "run",
        {"failing": "send_confirmation"},
        checks.all_of(
            checks.saga_ended("COMPENSATED", "send_confirmation", list(reversed(STEPS)), []),
            checks.calls_were([["do", s] for s in STEPS] + [["undo", s] for s in reversed(STEPS)]),
        ),
    ),
    Test(
        "a step that timed out after taking effect is undone too",
        3,
        "run",
        {"failing": "create_shipment", "kind": "timeout"},
        checks.effects_were(NOTHING_IN_EFFECT),
    ),
    Test(
        "a compensation that keeps failing is parked and the others still run",
        3,
        "run",
        {"failing": "create_shipment", "undo_failures": {"charge_payment": -1}},
        checks.all_of(
            checks.saga_ended(
                "PARKED", "create_shipment", ["create_shipment", "reserve_inventory"], ["charge_payment"]
            ),
            checks.calls_were(
                [["do", "reserve_inventory"], ["do", "charge_payment"], ["do", "create_shipment"]]
                + [["undo", "create_shipment"]]
                + [["undo", "charge_payment"]] * 3
                + [["undo", "reserve_inventory"]]
            ),
        ),
    ),
    Test(
        "attempts is honoured: two failures with attempts=2 park the compensation",
        3,
        "run",
        {"failing": "charge_payment", "undo_failures": {"reserve_inventory": 2}, "attempts": 2},
        checks.saga_ended("PARKED", "charge_payment", ["charge_payment"], ["reserve_inventory"]),
    ),
]
