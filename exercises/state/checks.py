"""Checks shared by the public and hidden tests of the state exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal

Check = Callable[[Outcome], None]


def read_as(expected: list[dict[str, Any] | None]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "each read_session(...), in order (None when not live)")

    return check


def counted(returned: list[int], stored: int) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what each count_visit call returned (ints)")
        expect_equal(outcome, "stored", stored, "the counter in the table afterwards")

    return check


def all_counted(visits: int) -> Check:
    """``visits`` simultaneous calls: every one counted, each got a distinct total."""

    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned") if type(outcome.value) is dict else None
        stalled = outcome.value.get("stalled") if type(outcome.value) is dict else None
        note = f" (the race: {stalled})" if type(stalled) is str else ""
        expect(
            outcome,
            type(returned) is list
            and all(type(r) is int for r in returned)
            and sorted(returned) == list(range(1, visits + 1)),
            f"the totals 1 to {visits} (ints, each once) from {visits} simultaneous calls that all read "
            "before any wrote: read, add one, write loses visits; an ADD applied by DynamoDB counts every one"
            + note,
            returned,
        )
        expect_equal(outcome, "stored", visits, "the counter in the table afterwards")

    return check


def cached_as(returned: list[list[Any]], loads: list[str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "each cached(...) as [value, came_from_cache] (a tuple)")
        expect_equal(outcome, "loads", loads, "the keys load was called with, in order")

    return check
