"""Checks shared by the public and hidden tests of the cold-starts exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect_equal

Check = Callable[[Outcome], None]


def chose(expected: str | None) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "the environment chosen")

    return check


def served_as(expected: list[str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "how each request was served")

    return check


def cheapest_is(expected: Any) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "the cheapest provisioned concurrency meeting the target")

    return check
