"""Checks shared by the public and hidden tests of the api-crud exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, problems_raised, race_note, same

Check = Callable[[Outcome], None]


def validated(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "validate(...)")

    return check


def rejected(problems: int) -> Check:
    """InvalidItem raised listing every problem."""
    return problems_raised("InvalidItem", problems)


def updated(returned: list[dict[str, Any]], items: list[dict[str, Any]]) -> Check:
    """What each update_item call did (``{"stored": item}`` or ``{"stale": current}``) and the table after."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "each update_item call: its item, or StaleWrite(current)")
        expect_equal(outcome, "items", items, "the table afterwards")

    return check


def one_winner(concurrency: int) -> Check:
    """Of ``concurrency`` updates from the same version, at once, exactly one is stored."""

    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned") if type(outcome.value) is dict else None
        stored = [r for r in returned or [] if type(r) is dict and "stored" in r]
        stale = [r for r in returned or [] if type(r) is dict and same(r, {"stale": 2})]
        note = race_note(outcome)
        expect(
            outcome,
            len(stored) == 1 and len(stale) == concurrency - 1,
            f"exactly one update stored and {concurrency - 1} StaleWrite(2), from {concurrency} updates of "
            "version 1 that all read before any wrote: read, compare, then write stores every one; only a "
            f"conditional write refuses the others{note}",
            returned,
        )

    return check


def statuses(expected: list[int]) -> Check:
    def check(outcome: Outcome) -> None:
        got = [r.get("status", r.get("error")) for r in outcome.value["responses"]]
        expect(outcome, same(got, expected), f"status codes {expected} (ints)", got)

    return check


def response(index: int, status: int, body: dict[str, Any] | None = None, etag: str | None = None) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, f"responses.{index}.status", status, f"response {index}'s status")
        if body is not None:
            expect_equal(outcome, f"responses.{index}.body", body, f"response {index}'s body")
        if etag is not None:
            expect_equal(outcome, f"responses.{index}.etag", etag, f"response {index}'s ETag header")

    return check


def lists_problems(index: int) -> Check:
    def check(outcome: Outcome) -> None:
        body = outcome.value["responses"][index].get("body")
        problems = body.get("problems") if type(body) is dict else None
        expect(
            outcome,
            type(problems) is list and bool(problems) and all(type(p) is str for p in problems),
            'a 400 body {"problems": [...]} listing what is wrong (strings)',
            body,
        )

    return check


def table_is(items: list[dict[str, Any]]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "items", items, "the table afterwards")

    return check
