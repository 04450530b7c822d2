"""Hidden tests of the queue-batching exercise: edge cases of the same tasks (not shipped to learners)."""

import json

from exercises.grader.model import Test

from .. import checks
from . import expected


def order(order_id: object, amount: object) -> str:
    return json.dumps({"order_id": order_id, "amount_cents": amount})


TESTS = [
    Test(
        "the same message twice in a batch is applied once",
        1,
        "handle",
        {"records": [["m1", order("a", 100)], ["m1", order("a", 100)], ["m2", order("b", 7)]]},
        checks.reports([], [["m1", "a", 100], ["m2", "b", 7]]),
    ),
    Test(
        "a failing message twice in a batch is listed once",
        1,
        "handle",
        {"records": [["m1", "[]"], ["m2", order("b", 7)], ["m1", "[]"]]},
        checks.reports(["m1"], [["m2", "b", 7]]),
    ),
    Test(
        "wrong fields fail: empty id, negative amount, boolean amount, missing amount",
        1,
        "handle",
        {
            "records": [
                ["m1", order("", 1)],
                ["m2", order("b", -1)],
                ["m3", order("c", True)],
                ["m4", json.dumps({"order_id": "d"})],
                ["m5", order("e", 0)],
            ]
        },
        checks.reports(["m1", "m2", "m3", "m4"], [["m5", "e", 0]]),
    ),
    Test(
        "every record failing lists them all, in batch order",
        1,
        "handle",
        {"records": [["m3", "null"], ["m1", "7"], ["m2", order(5, 5)]]},
        checks.reports(["m3", "m1", "m2"], []),
    ),
    Test(
        "a batch size that does not divide a million leaves a smaller last batch",
        2,
        "cost",
        {"batch_size": 3, "per_message_ms": 2.5, "per_invocation_ms": 10.0, "memory_mb": 256},
        checks.costs(expected.expected_cost(3, 2.5, 10.0, 256)),
    ),
    Test(
        "fractional milliseconds round up per invocation",
        2,
        "cost",
        {"batch_size": 7, "per_message_ms": 0.3, "per_invocation_ms": 0.05, "memory_mb": 1024},
        checks.costs(expected.expected_cost(7, 0.3, 0.05, 1024)),
    ),
    Test(
        "the largest batch: 10,000 messages per invocation",
        2,
        "cost",
        {"batch_size": 10_000, "per_message_ms": 1.0, "per_invocation_ms": 100.0, "memory_mb": 512},
        checks.costs(expected.expected_cost(10_000, 1.0, 100.0, 512)),
    ),
]
