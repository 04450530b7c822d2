"""Checks shared by the public and hidden tests of the queue-batching exercise (they run in the grader)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal

Check = Callable[[Outcome], None]

EXACT = ("invocations", "billed_ms", "sqs_requests")
DOLLARS = ("gb_seconds", "lambda_usd", "sqs_usd", "total_usd")


def reports(failed: list[str], applied: list[list[object]]) -> Check:
    """The handler returned exactly these failures (in order, once each) and applied exactly these orders."""

    def check(outcome: Outcome) -> None:
        expected = {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
        expect_equal(outcome, "returned", expected, "the handler's partial batch response")
        expect_equal(outcome, "applied", applied, "apply_order calls (message_id, order_id, amount_cents)")

    return check


def costs(expected: Mapping[str, float]) -> Check:
    """Every figure of cost_per_million as ``expected``: counts exactly, dollars and GB-s within 1e-6."""

    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned") if type(outcome.value) is dict else None
        expect(outcome, type(returned) is dict, "a dict with " + ", ".join(expected))
        assert type(returned) is dict
        for key in EXACT:
            got = returned.get(key)
            expect(
                outcome,
                type(got) is int and got == expected[key],
                f"{key} = {expected[key]} (an int: a count)",
                {key: got},
            )
        for key in DOLLARS:
            got = returned.get(key)
            expect(
                outcome,
                type(got) is float and math.isclose(got, expected[key], rel_tol=1e-6),
                f"{key} = {expected[key]!r} (a float, within one in a million)",
                {key: got},
            )

    return check
