"""The expected figures of Task 2 for the hidden tests, computed with the course's pricing module.

This is the reference computation, so it lives with the hidden tests and never ships to learners.
"""

from __future__ import annotations

import math

from patterns.lab import pricing

MESSAGES = 1_000_000
PER_CALL = 10  # messages per SendMessageBatch, ReceiveMessage and DeleteMessageBatch call


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
