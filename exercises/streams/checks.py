"""Checks shared by the public and hidden tests of the streams exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal

Check = Callable[[Outcome], None]


def responded(failed: str | None, processed: list[str]) -> Check:
    """batch_response returned the stream-shaped response reporting ``failed`` (or none), and ``process``
    was called on exactly ``processed``, in that order."""
    answer: dict[str, Any] = {"batchItemFailures": [] if failed is None else [{"itemIdentifier": failed}]}

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", answer, "what batch_response returned")
        expect_equal(outcome, "processed", processed, "the records process was called on, in order")

    return check


def windowed(orders: int, amount_cents: dict[str, int]) -> Check:
    """window_state returned ``{"state": {"orders": n, "amount_cents": {...}}}``, the event intact."""

    def check(outcome: Outcome) -> None:
        expected = {"state": {"orders": orders, "amount_cents": amount_cents}}
        expect_equal(outcome, "returned", expected, "what window_state returned")
        expect(
            outcome,
            outcome.value.get("state_unchanged") is True if type(outcome.value) is dict else False,
            "the event's state left as it was (Lambda hands the same state to a retried batch)",
            outcome.value.get("state_unchanged") if type(outcome.value) is dict else outcome.value,
        )

    return check


def sharded(shards: int) -> Check:
    """shards_needed returned exactly ``shards`` (an int)."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", shards, "what shards_needed returned")

    return check
