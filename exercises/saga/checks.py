"""Checks shared by the public and hidden tests of the saga exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, race_note

Check = Callable[[Outcome], None]


def ordered(expected: list[str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "compensation_order(...)")

    return check


def refused_unknown_step(outcome: Outcome) -> None:
    expect(
        outcome,
        type(outcome.value) is dict and outcome.value.get("raised") == "ValueError",
        "ValueError for a step that is not a saga step",
    )


def compensated(returned: list[str], items: dict[str, str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what compensate returned, call by call")
        expect_equal(outcome, "items", items, "the table afterwards (saga id -> status)")

    return check


def exactly_one_undone(concurrency: int) -> Check:
    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned")
        note = race_note(outcome)
        expect(
            outcome,
            type(returned) is list
            and len(returned) == concurrency
            and all(type(r) is str for r in returned)
            and returned.count("undone") == 1
            and returned.count("duplicate") == concurrency - 1,
            f"exactly one 'undone' and {concurrency - 1} 'duplicate' from {concurrency} simultaneous calls, "
            f"every one of which read before any wrote: only a conditional write undoes once{note}",
            returned,
        )
        expect_equal(outcome, "items", {"s-1": "REFUNDED"}, "the table afterwards (saga id -> status)")

    return check


def saga_ended(status: str, failed_step: str | None, compensated: list[str], parked: list[str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned.status", status, "run_saga(...)['status']")
        expect_equal(outcome, "returned.failed_step", failed_step, "run_saga(...)['failed_step']")
        expect_equal(outcome, "returned.compensated", compensated, "run_saga(...)['compensated'], in order")
        expect_equal(outcome, "returned.parked", parked, "run_saga(...)['parked']")

    return check


def calls_were(expected: list[list[str]]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "calls", expected, "the do/undo calls, in order")

    return check


def effects_were(expected: dict[str, str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "effects", expected, "each service's effect afterwards")

    return check


def all_of(*checks: Check) -> Check:
    def check(outcome: Outcome) -> None:
        for each in checks:
            each(outcome)

    return check
