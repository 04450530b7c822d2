"""Checks shared by the public and hidden tests of the scheduled-webhook exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal

Check = Callable[[Outcome], None]


def signed(expected: str) -> Check:
    """``sign`` returned exactly this string."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "sign(...) (a str: 'v1=' + 64 hex digits)")

    return check


def statuses(expected: list[int], seen: list[str]) -> Check:
    """``check_request`` answered exactly these statuses (plain ints) and left exactly these ids seen."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "statuses", expected, "the statuses check_request returned (ints), in order")
        expect_equal(outcome, "seen", seen, "the ids in seen afterwards (sorted)")

    return check


def constant_time() -> Check:
    """A wrong signature is refused with 401, after comparing with ``hmac.compare_digest``."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "status", 401, "the status for a wrong signature")
        calls = outcome.value.get("compare_digest_calls") if type(outcome.value) is dict else None
        expect(
            outcome,
            type(calls) is int and calls >= 1,
            "the signature compared with hmac.compare_digest (at least one call)",
            {"compare_digest_calls": calls},
        )

    return check
