"""Checks shared by the public and hidden tests of the circuit-breaker exercise (they run in the grader).

Every comparison is of exact types first (``support.expect_equal``): ``1`` is not ``1.0``, a dict
subclass is not a dict, ``None`` is not a missing key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect_equal

Check = Callable[[Outcome], None]

POLICY: dict[str, Any] = {
    "failure_rate": 0.5,
    "window_s": 10.0,
    "min_calls": 4,
    "open_for_s": 15.0,
    "probe_lease_s": 5.0,
}


def state(**changes: Any) -> dict[str, Any]:
    """A breaker state: closed, version 0, an empty window at 0.0, with ``changes``."""
    base: dict[str, Any] = {
        "state": "closed",
        "version": 0,
        "window_start": 0.0,
        "calls": 0,
        "failures": 0,
        "opened_at": None,
        "probe_until": None,
    }
    base.update(changes)
    return base


def admits(decision: str, write: dict[str, Any] | None, given: dict[str, Any]) -> Check:
    """``admit`` returned exactly ``{"decision": decision, "write": write}`` and left its input alone."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", {"decision": decision, "write": write}, "what admit returned")
        expect_equal(
            outcome, "state_after_call", given, "the state you were given, after the call (unchanged)"
        )

    return check


def records(expected: dict[str, Any] | None, given: dict[str, Any]) -> Check:
    """``record`` returned exactly ``expected`` (a state, or None) and left its input alone."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "what record returned")
        expect_equal(
            outcome, "state_after_call", given, "the state you were given, after the call (unchanged)"
        )

    return check


def runs(decisions: list[str], final: dict[str, Any]) -> Check:
    """Used together, the transitions made exactly these decisions and left exactly this state."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "decisions", decisions, "the decisions, in order")
        expect_equal(outcome, "final", final, "the state at the end")

    return check
