"""Checks shared by the public and hidden tests of the cost exercise (they run in the grader)."""

from __future__ import annotations

import math
from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect

Check = Callable[[Outcome], None]


def _returned(outcome: Outcome) -> object:
    return outcome.value.get("returned") if type(outcome.value) is dict else None


def mean_is(expected: float) -> Check:
    """trimmed_mean returned exactly a float within one in a billion of ``expected``."""

    def check(outcome: Outcome) -> None:
        got = _returned(outcome)
        expect(
            outcome,
            type(got) is float and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12),
            f"the float {expected!r}",
            {"returned": got},
        )

    return check


def memory_is(expected: int) -> Check:
    """best_memory returned exactly the int ``expected`` (not a float, not a bool)."""

    def check(outcome: Outcome) -> None:
        got = _returned(outcome)
        expect(outcome, type(got) is int and got == expected, f"the int {expected} (MB)", {"returned": got})

    return check
