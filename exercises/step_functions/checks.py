"""Checks shared by the public and hidden tests of the step-functions exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect, same

Check = Callable[[Outcome], None]


def _executed(outcome: Outcome) -> dict[str, object]:
    value = outcome.value if type(outcome.value) is dict else {}
    problems = value.get("problems")
    if type(problems) is list and problems:
        raise AssertionError(
            f"called {outcome.call}\n  got:      the definition was refused before it ran:\n    - "
            + "\n    - ".join(str(p) for p in problems)
            + "\n  expected: a valid ASL definition (see README.md)"
        )
    return value


def ended(status: str, error: str | None = None) -> Check:
    """The execution ended with ``status`` (and, when it failed, with the Fail state's ``error``)."""

    def check(outcome: Outcome) -> None:
        value = _executed(outcome)
        got = [value.get("status"), value.get("error")]
        expect(outcome, same(got, [status, error]), f"execution status {status} with error {error}", got)

    return check


def charged(attempts: int, waits_s: list[float]) -> Check:
    """ChargePayment ran ``attempts`` times, waiting ``waits_s`` seconds before each retry."""

    def check(outcome: Outcome) -> None:
        value = _executed(outcome)
        expect(
            outcome,
            same(value.get("charge_attempts"), attempts),
            f"{attempts} attempt(s) of ChargePayment ({attempts - 1} retries)",
            {"charge_attempts": value.get("charge_attempts"), "visited": value.get("visited")},
        )
        got = value.get("waits_s")
        close = (
            type(got) is list
            and len(got) == len(waits_s)
            and all(type(a) is float and abs(a - b) < 0.01 for a, b in zip(got, waits_s, strict=True))
        )
        expect(outcome, close, f"waits of {waits_s} s before the retries (virtual clock)", got)

    return check


def visited(states: list[str]) -> Check:
    """The execution went through exactly ``states``, in this order."""

    def check(outcome: Outcome) -> None:
        got = _executed(outcome).get("visited")
        expect(outcome, same(got, states), f"the states {states}, in order", got)

    return check


def notified(customer: str, reason: str) -> Check:
    """NotifyRejection ran once and could still tell ``customer`` (the catcher kept the order: ResultPath)."""

    def check(outcome: Outcome) -> None:
        got = _executed(outcome).get("notices")
        expected = [{"notified": customer, "reason": reason}]
        expect(
            outcome,
            same(got, expected),
            f"one notice {expected[0]} (a Catch without ResultPath replaces the order with the error)",
            got,
        )

    return check


def not_notified(outcome: Outcome) -> None:
    got = _executed(outcome).get("notices")
    expect(outcome, same(got, []), "no NotifyRejection: only a declined card is notified", got)
