"""Checks shared by the public and hidden tests of the fan-out exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, race_note

Check = Callable[[Outcome], None]


def _done_count(outcome: Outcome, expected: int) -> None:
    item = outcome.value.get("item") if type(outcome.value) is dict else None
    got = item.get("done_count") if type(item) is dict else None
    expect(
        outcome,
        type(got) is int and got == expected,
        f"the job item's done_count to be {expected} (each chunk counted once, no count lost)"
        + race_note(outcome),
        {"done_count": got},
    )


def counted(returned: list[bool], done: int) -> Check:
    """record_chunk_done returned exactly ``returned`` (bools), and done_count is ``done``."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what record_chunk_done returned, call by call")
        _done_count(outcome, done)

    return check


def one_trigger(calls: int, done: int, *, before: list[bool] | None = None) -> Check:
    """Of ``calls`` simultaneous calls exactly one returned True (all bools), and done_count is ``done``."""

    def check(outcome: Outcome) -> None:
        if before is not None:
            expect_equal(outcome, "before", before, "what the calls made one by one first returned")
        returned = outcome.value.get("returned") if type(outcome.value) is dict else None
        expect(
            outcome,
            type(returned) is list
            and len(returned) == calls
            and all(type(r) is bool for r in returned)
            and sum(returned) == 1,
            f"a list of {calls} bools with exactly one True: one call triggers the aggregation"
            + race_note(outcome),
            returned,
        )
        _done_count(outcome, done)

    return check


def finished(returned: list[bool], amount: int) -> Check:
    """finish_job returned exactly ``returned``; the item is COMPLETE with ``amount``."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what finish_job returned, call by call")
        expect_equal(outcome, "item.job_status", "COMPLETE", "the job item's job_status")
        expect_equal(outcome, "item.amount_cents", amount, "the job item's amount_cents (the first report)")

    return check


def finished_once(calls: int) -> Check:
    """Of ``calls`` simultaneous finish_job calls exactly one returned True, and its amount is stored."""

    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned") if type(outcome.value) is dict else None
        expect(
            outcome,
            type(returned) is list
            and len(returned) == calls
            and all(type(r) is bool for r in returned)
            and sum(returned) == 1,
            f"a list of {calls} bools with exactly one True: one report written" + race_note(outcome),
            returned,
        )
        assert type(returned) is list
        winner = returned.index(True)
        expect_equal(outcome, "item.job_status", "COMPLETE", "the job item's job_status")
        expect_equal(
            outcome, "item.amount_cents", 100 * (winner + 1), "the amount of the call that returned True"
        )

    return check
