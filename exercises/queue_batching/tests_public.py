"""Public tests of the queue-batching exercise: run them with ``python -m exercises check queue_batching``."""

import json

from exercises.grader.model import Test

from . import checks


def order(order_id: str, amount: int) -> str:
    return json.dumps({"order_id": order_id, "amount_cents": amount})


TESTS = [
    Test(
        "a clean batch: every order applied once, an empty failure list",
        1,
        "handle",
        {"records": [["m1", order("a", 100)], ["m2", order("b", 250)]]},
        checks.reports([], [["m1", "a", 100], ["m2", "b", 250]]),
    ),
    Test(
        "a body that is not JSON is reported, the others applied",
        1,
        "handle",
        {"records": [["m1", order("a", 100)], ["m2", "{not json"], ["m3", order("c", 5)]]},
        checks.reports(["m2"], [["m1", "a", 100], ["m3", "c", 5]]),
    ),
    Test(
        "an order apply_order refuses is reported",
        1,
        "handle",
        {"records": [["m1", order("big", 2_000_000)], ["m2", order("b", 1)]]},
        checks.reports(["m1"], [["m2", "b", 1]]),
    ),
    Test(
        "batch size 10, 5 ms per message, 20 ms per invocation, 128 MB",
        2,
        "cost",
        {"batch_size": 10, "per_message_ms": 5.0, "per_invocation_ms": 20.0, "memory_mb": 128},
        checks.costs(
            {
                "invocations": 100_000,
                "billed_ms": 7_000_000,
                "gb_seconds": 875.0,
                "sqs_requests": 300_000,
                "lambda_usd": 0.0345833625,
                "sqs_usd": 0.12,
                "total_usd": 0.1545833625,
            }
        ),
    ),
    Test(
        "batch size 1, 5 ms per message, 20 ms per invocation, 128 MB",
        2,
        "cost",
        {"batch_size": 1, "per_message_ms": 5.0, "per_invocation_ms": 20.0, "memory_mb": 128},
        checks.costs(
            {
                "invocations": 1_000_000,
                "billed_ms": 25_000_000,
                "gb_seconds": 3125.0,
                "sqs_requests": 1_200_000,
                "lambda_usd": 0.2520834375,
                "sqs_usd": 0.48,
                "total_usd": 0.7320834375,
            }
        ),
    ),
]
