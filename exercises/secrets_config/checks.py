"""Checks shared by the public and hidden tests of the secrets-config exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect_equal

Check = Callable[[Outcome], None]


def cache(answers: list[str], fetches: list[list[Any]]) -> Check:
    """Every answer (exact types: str) and every read of the store ([time, name], in order)."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "answers", answers, "the values get/refresh returned, step by step (strs)")
        expect_equal(outcome, "fetches", fetches, "when the store was read: [time, name] per fetch")

    return check


def refresh(returned: Any, reads: list[bool], calls: list[str]) -> Check:
    """What ``call_with_refresh`` returned (a dict with ``result`` and ``refreshed``, a bool) or raised,
    how it read the secret and what it presented."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "reads", reads, "read()'s force argument, call by call (bools)")
        expect_equal(outcome, "calls", calls, "the secrets presented to the downstream, in order")
        expect_equal(outcome, "returned", returned, "call_with_refresh's answer")

    return check
