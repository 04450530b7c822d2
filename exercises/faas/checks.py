"""Checks shared by the public and hidden tests of the faas exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, problems_raised, race_note, same

Check = Callable[[Outcome], None]


def parsed_as(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "parse_registration(...)")

    return check


def rejected(at_least: int = 1) -> Check:
    """InvalidRegistration raised listing every problem."""
    return problems_raised("InvalidRegistration", at_least)


def saved(returned: list[bool], emails: list[str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what save_user returned, call by call")
        stored = [item.get("email") for item in outcome.value["items"]]
        expect(
            outcome,
            all(type(email) is str for email in stored) and same(sorted(stored), sorted(emails)),
            f"the table to hold exactly {sorted(emails)}",
            stored,
        )

    return check


def exactly_one_winner(concurrency: int) -> Check:
    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned")
        expect(
            outcome,
            type(returned) is list
            and len(returned) == concurrency
            and all(type(r) is bool for r in returned)
            and returned.count(True) == 1,
            f"exactly one True and {concurrency - 1} False (bools) from {concurrency} simultaneous save_user "
            "calls, every one of which read before any wrote: a read-then-write stores the user "
            f"{concurrency} times; only a conditional write refuses the others{race_note(outcome)}",
            returned,
        )
        expect(
            outcome, len(outcome.value["items"]) == 1, "exactly one item in the table", outcome.value["items"]
        )

    return check


def _statuses(outcome: Outcome) -> list[object]:
    return [r.get("status", r.get("error")) for r in outcome.value["responses"]]


def responses(statuses: list[int], messages: int) -> Check:
    def check(outcome: Outcome) -> None:
        got = _statuses(outcome)
        expect(outcome, same(got, statuses), f"status codes {statuses} (ints)", got)
        for response in outcome.value["responses"]:
            expect(
                outcome,
                response.get("content_type") == "application/json",
                "a Content-Type: application/json header on every response",
                response,
            )
        expect(
            outcome,
            len(outcome.value["messages"]) == messages,
            f"{messages} SNS message(s) published to TOPIC_ARN",
            outcome.value["messages"],
        )

    return check


def created_user(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "responses.0.body", expected, "the 201 response's body")
        expect_equal(outcome, "messages.0", expected, "the SNS message's body")

    return check


def bad_request_lists_problems(outcome: Outcome) -> None:
    body = outcome.value["responses"][0].get("body")
    problems = body.get("problems") if type(body) is dict else None
    expect(
        outcome,
        type(problems) is list and bool(problems) and all(type(p) is str for p in problems),
        'a 400 body {"problems": [...]} listing what is wrong (strings)',
        body,
    )


def concurrent_signups(concurrency: int) -> Check:
    def check(outcome: Outcome) -> None:
        got = _statuses(outcome)
        expected = [201] + [409] * (concurrency - 1)
        winners = [s for s in got if same(s, 201)]
        losers = [s for s in got if same(s, 409)]
        expect(
            outcome,
            len(winners) == 1 and len(losers) == concurrency - 1,
            f"one 201 and {concurrency - 1} 409 responses (ints: {sorted(expected)} in any order) from "
            f"{concurrency} simultaneous sign-ups, every one of which read before any wrote"
            f"{race_note(outcome)}",
            got,
        )
        expect(
            outcome, len(outcome.value["messages"]) == 1, "exactly one SNS message", outcome.value["messages"]
        )

    return check
