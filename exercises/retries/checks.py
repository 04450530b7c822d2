"""Checks shared by the public and hidden tests of the retries exercise (they run in the grader)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect

Check = Callable[[Outcome], None]


def _results(outcome: Outcome, count: int) -> list[Any]:
    results = outcome.value.get("results") if type(outcome.value) is dict else None
    expect(outcome, type(results) is list and len(results) == count, f"a list of {count} results", results)
    assert type(results) is list
    return results


def waits(expected: Sequence[float | str]) -> Check:
    """Each call returned exactly a float close to the expected wait, or raised the named error."""

    def check(outcome: Outcome) -> None:
        for index, (got, want) in enumerate(zip(_results(outcome, len(expected)), expected, strict=True)):
            if isinstance(want, str):
                expect(
                    outcome,
                    type(got) is dict and got.get("raised") == want,
                    f"call {index}: raises {want}",
                    got,
                )
                continue
            value = got.get("returned") if type(got) is dict else None
            expect(
                outcome,
                type(value) is float and math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-12),
                f"call {index}: returns {want!r} (a float)",
                got,
            )

    return check


def decisions(expected: Sequence[bool]) -> Check:
    """Each call returned exactly ``True`` or ``False`` as expected (bools, not 1 and 0)."""

    def check(outcome: Outcome) -> None:
        for index, (got, want) in enumerate(zip(_results(outcome, len(expected)), expected, strict=True)):
            expect(outcome, type(got) is bool and got is want, f"call {index}: {want} (a bool)", got)

    return check
