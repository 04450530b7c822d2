"""Checks shared by the public and hidden tests of the microservices exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, problems_raised, race_note

Check = Callable[[Outcome], None]


def accepted(copy: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", copy, "copy_from_record(...) (exactly the four fields of the copy)")

    return check


def rejected(at_least: int = 1) -> Check:
    """ContractBroken raised listing every problem."""
    return problems_raised("ContractBroken", at_least)


def applied(returned: list[bool], items: list[dict[str, Any]]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what apply_copy returned, call by call")
        expect_equal(outcome, "items", items, "the table's items afterwards")

    return check


def applied_once(calls: int, item: dict[str, Any]) -> Check:
    """``calls`` simultaneous deliveries of one version: exactly one True, and ``item`` stored."""

    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned")
        expect(
            outcome,
            type(returned) is list
            and all(type(r) is bool for r in returned)
            and returned.count(True) == 1
            and returned.count(False) == calls - 1,
            f"exactly one True and {calls - 1} False from {calls} simultaneous apply_copy calls with one "
            f"version: only a conditional write refuses the others{race_note(outcome)}",
            returned,
        )
        expect_equal(outcome, "items", [item], "the table's items afterwards")

    return check


def newest_stored(item: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect(
            outcome,
            outcome.value.get("items") == [item],
            f"the newest version stored, {item}, whatever order the calls ran in{race_note(outcome)}",
            outcome.value.get("items"),
        )

    return check


def answered(failures: list[list[str]], items: list[dict[str, Any]]) -> Check:
    """Each batch answered ``{"batchItemFailures": [{"itemIdentifier": id}, ...]}`` with these ids."""

    def check(outcome: Outcome) -> None:
        expected = [
            {"returned": {"batchItemFailures": [{"itemIdentifier": i} for i in ids]}} for ids in failures
        ]
        expect_equal(outcome, "answers", expected, "what the handler returned for each batch")
        expect_equal(outcome, "items", items, "the table's items afterwards")

    return check
