"""Checks shared by the public and hidden tests of the idempotency exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect_equal

Check = Callable[[Outcome], None]


def decision(expected: str) -> Check:
    """``decide`` returned exactly this string."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "decide's answer (a str)")

    return check


def scenario(answers: list[Any], work_calls: list[int], record_status: str | None) -> Check:
    """Every answer (exact types: 200 is an int, the result a dict), the work's calls, the record left."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "work_calls", work_calls, "the amounts work() was called with, in order")
        expect_equal(outcome, "answers", answers, "execute's answers, step by step")
        expect_equal(outcome, "record_status", record_status, "the key's record status at the end")

    return check
