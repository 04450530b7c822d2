"""Checks shared by the public and hidden tests of the queue-batching exercise (they run in the grader)."""

from __future__ import annotations

import math
from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal
from patterns.lab import pricing

Check = Callable[[Outcome], None]

MESSAGES = 1_000_000
PER_CALL = 10
EXACT = ("invocations", "billed_ms", "sqs_requests")
DOLLARS = ("gb_seconds", "lambda_usd", "sqs_usd", "total_usd")


def reports(failed: list[str], applied: list[list[object]]) -> Check:
    """The handler returned exactly these failures (in order, once each) and applied exactly these orders."""

    def check(outcome: Outcome) -> None:
        expected = {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
        expect_equal(outcome, "returned", expected, "the handler's partial batch response")
        expect_equal(outcome, "applied", applied, "apply_order calls (message_id, order_id, amount_cents)")

    return check


def expected_cost(
    batch_size: int, per_message_ms: float, per_invocation_ms: float, memory_mb: int
) -> dict[str, float]:
    """What a million messages cost by the README's rules, computed with the course's pricing module."""
    full, rest = divmod(MESSAGES, batch_size)
    sizes = [batch_size] * full + ([rest] if rest else [])
    billed_ms = sum(pricing.billed_duration_ms(per_invocation_ms + per_message_ms * size) for size in sizes)
    gb_s = pricing.gb_seconds(memory_mb, billed_ms)
    requests = 2 * math.ceil(MESSAGES / PER_CALL) + sum(math.ceil(size / PER_CALL) for size in sizes)
    lambda_usd = pricing.lambda_request_cost(len(sizes)) + pricing.lambda_duration_cost(gb_s)
    sqs_usd = pricing.sqs_cost(requests)
    return {
        "invocations": len(sizes),
        "billed_ms": billed_ms,
        "gb_seconds": gb_s,
        "sqs_requests": requests,
        "lambda_usd": lambda_usd,
        "sqs_usd": sqs_usd,
        "total_usd": lambda_usd + sqs_usd,
    }


def costs(batch_size: int, per_message_ms: float, per_invocation_ms: float, memory_mb: int) -> Check:
    """Every figure of cost_per_million: counts exactly, dollars and GB-s within one in a million."""
    expected = expected_cost(batch_size, per_message_ms, per_invocation_ms, memory_mb)

    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned")
        expect(outcome, isinstance(returned, dict), "a dict with " + ", ".join(expected))
        assert isinstance(returned, dict)
        for key in EXACT:
            got = returned.get(key)
            expect(
                outcome,
                isinstance(got, int | float) and not isinstance(got, bool) and got == expected[key],
                f"{key} = {expected[key]}",
                {key: got},
            )
        for key in DOLLARS:
            got = returned.get(key)
            expect(
                outcome,
                isinstance(got, int | float)
                and not isinstance(got, bool)
                and math.isclose(got, expected[key], rel_tol=1e-6),
                f"{key} = {expected[key]!r} (within one in a million)",
                {key: got},
            )

    return check
