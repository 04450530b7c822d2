"""Checks shared by the public and hidden tests of the observability exercise (they run in the grader).

Types are compared before values: a list that imitates a list, a dict subclass, ``1.0`` for ``1`` or
``True`` for ``1`` fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal

Check = Callable[[Outcome], None]


def returns(expected: Any) -> Check:
    """The call returned exactly ``expected`` (same types at every level)."""

    def check(outcome: Outcome) -> None:
        expect(
            outcome,
            type(outcome.value) is dict and "returned" in outcome.value,
            f"a return value ({type(expected).__name__}), not an error",
            outcome.value,
        )
        expect_equal(outcome, "returned", expected, "the value returned")

    return check


def raises(name: str) -> Check:
    """The call raised ``name``."""

    def check(outcome: Outcome) -> None:
        expect(
            outcome,
            type(outcome.value) is dict and outcome.value.get("raised") == name,
            f"raises {name}",
            outcome.value,
        )

    return check
