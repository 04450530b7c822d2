"""Checks shared by the public and hidden tests of the anti-patterns exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal

Check = Callable[[Outcome], None]


def returned(expected: object, what: str) -> Check:
    def check(outcome: Outcome) -> None:
        expect(
            outcome,
            type(outcome.value) is dict and "returned" in outcome.value,
            f"a return value, no exception ({what})",
        )
        expect_equal(outcome, "returned", expected, what)

    return check


def refused(what: str) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "raised", "ValueError", what)

    return check


def sizes(expected: list[int]) -> Check:
    return returned(expected, "the chunk sizes, a list of ints, largest first, the remainder last")


def writes(expected: list[dict[str, str]]) -> Check:
    return returned(
        expected, 'the writes, a list of {"bucket": str, "key": str}, in the order of the records'
    )


def billed(billed_ms: float, waiting_ms: float) -> Check:
    return returned(
        {"billed_ms": billed_ms, "waiting_ms": waiting_ms},
        'a dict {"billed_ms": float, "waiting_ms": float}: every caller is billed while it waits',
    )
