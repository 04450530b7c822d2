"""Checks shared by the public and hidden tests of the deploy-test exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect

Check = Callable[[Outcome], None]


def _returned(outcome: Outcome) -> object:
    return outcome.value.get("returned") if type(outcome.value) is dict else None


def ids_are(expected: list[str]) -> Check:
    """missing_resources returned exactly a list of exactly str, equal to ``expected`` in that order."""

    def check(outcome: Outcome) -> None:
        got = _returned(outcome)
        ok = type(got) is list and all(type(item) is str for item in got) and got == expected
        expect(outcome, ok, f"the list of str {expected!r} (declared order)", {"returned": got})

    return check


def verdict_is(expected: str) -> Check:
    """canary_verdict returned exactly the str ``expected``."""

    def check(outcome: Outcome) -> None:
        got = _returned(outcome)
        expect(outcome, type(got) is str and got == expected, f"the str {expected!r}", {"returned": got})

    return check
