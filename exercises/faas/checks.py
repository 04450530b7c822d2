"""Checks shared by the public and hidden tests of the faas exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal

Check = Callable[[Outcome], None]


def parsed_as(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "parse_registration(...)")

    return check


def rejected(at_least: int = 1) -> Check:
    def check(outcome: Outcome) -> None:
        problems = outcome.value.get("problems") if isinstance(outcome.value, dict) else None
        expect(
            outcome,
            isinstance(problems, list) and len(problems) >= at_least and all(problems),
            f"InvalidRegistration raised with at least {at_least} problem(s) listed",
        )

    return check


def saved(returned: list[bool], emails: list[str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what save_user returned, call by call")
        stored = sorted(item.get("email") for item in outcome.value["items"])
        expect(outcome, stored == sorted(emails), f"the table to hold exactly {sorted(emails)}", stored)

    return check


def exactly_one_winner(concurrency: int) -> Check:
    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned")
        expect(
            outcome,
            isinstance(returned, list)
            and returned.count(True) == 1
            and returned.count(False) == concurrency - 1,
            f"exactly one True and {concurrency - 1} False from {concurrency} simultaneous save_user calls",
            returned,
        )
        expect(
            outcome, len(outcome.value["items"]) == 1, "exactly one item in the table", outcome.value["items"]
        )

    return check


def responses(statuses: list[int], messages: int) -> Check:
    def check(outcome: Outcome) -> None:
        got = [r.get("status") for r in outcome.value["responses"]]
        expect(outcome, got == statuses, f"status codes {statuses}", got)
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
    expect(
        outcome,
        isinstance(body, dict) and isinstance(body.get("problems"), list) and bool(body["problems"]),
        'a 400 body {"problems": [...]} listing what is wrong',
        body,
    )


def concurrent_signups(concurrency: int) -> Check:
    def check(outcome: Outcome) -> None:
        got = sorted(r.get("status") for r in outcome.value["responses"])
        expected = [201] + [409] * (concurrency - 1)
        expect(outcome, got == expected, f"one 201 and {concurrency - 1} 409 responses", got)
        expect(
            outcome, len(outcome.value["messages"]) == 1, "exactly one SNS message", outcome.value["messages"]
        )

    return check
