"""Checks shared by the public and hidden tests of the CQRS exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, race_note

Check = Callable[[Outcome], None]


def _one_true(outcome: Outcome, calls: int, what: str) -> list[bool]:
    returned = outcome.value.get("returned") if type(outcome.value) is dict else None
    expect(
        outcome,
        type(returned) is list
        and len(returned) == calls
        and all(type(r) is bool for r in returned)
        and sum(returned) == 1,
        f"a list of {calls} bools with exactly one True: {what}" + race_note(outcome),
        returned,
    )
    assert type(returned) is list
    return returned


def appended(returned: list[bool], stored: list[list[Any]]) -> Check:
    """append_event returned exactly ``returned`` (bools); the table holds exactly ``stored``."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what append_event returned, call by call")
        expect_equal(outcome, "stored", stored, "the stored events as [version, type, data], in order")

    return check


def one_append_wins(
    calls: int, together: list[list[Any]], *, before: list[bool], kept: list[list[Any]]
) -> Check:
    """Of ``calls`` simultaneous appends at one version exactly one returned True; the stored events are
    ``kept`` followed by the winner's event."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "before", before, "what the appends made one by one first returned")
        returned = _one_true(outcome, calls, "one append wins the version, the others are refused")
        winner = together[returned.index(True)]
        expect_equal(
            outcome, "stored", [*kept, winner], "the stored events: the winner's, nothing overwritten"
        )

    return check


def projected(returned: list[bool], view: dict[str, Any]) -> Check:
    """project returned exactly ``returned``; the view item is exactly ``view``."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what project returned, call by call")
        expect_equal(outcome, "view", view, "the view item (order_id, version, status, item_count)")

    return check


def projected_once(calls: int, *, before: list[bool], view: dict[str, Any]) -> Check:
    """Of ``calls`` simultaneous deliveries of one event exactly one returned True; the view is ``view``."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "before", before, "what the deliveries made one by one first returned")
        _one_true(outcome, calls, "the event is applied by one delivery")
        expect_equal(outcome, "view", view, "the view item after the simultaneous deliveries")

    return check
