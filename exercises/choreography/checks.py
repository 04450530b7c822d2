"""Checks shared by the public and hidden tests of the choreography exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, problems_raised, race_note

Check = Callable[[Outcome], None]


def accepted(detail: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", detail, "payment_processed(...) (the event's detail, as delivered)")

    return check


def rejected(at_least: int = 1) -> Check:
    """ContractBroken raised listing every problem."""
    return problems_raised("ContractBroken", at_least)


def claimed(returned: list[bool], order_ids: list[str]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", returned, "what claim_order returned, call by call")
        items = outcome.value["items"]
        stored = sorted(item.get("order_id") for item in items)
        expect(outcome, stored == sorted(order_ids), f"the table to hold exactly {sorted(order_ids)}", stored)

    return check


def stored_as(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "items.0", expected, "the item claim_order stored")

    return check


def exactly_one_claim(concurrency: int) -> Check:
    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned")
        expect(
            outcome,
            type(returned) is list
            and all(type(r) is bool for r in returned)
            and returned.count(True) == 1
            and returned.count(False) == concurrency - 1,
            f"exactly one True and {concurrency - 1} False from {concurrency} simultaneous claim_order "
            f"calls: only a conditional write refuses the others{race_note(outcome)}",
            returned,
        )
        expect(
            outcome, len(outcome.value["items"]) == 1, "exactly one item in the table", outcome.value["items"]
        )

    return check


def outcomes(expected: list[str], emails: int, order_ids: list[str] | None = None) -> Check:
    """The handler answered ``{"order_id", "outcome"}`` with these outcomes (any order), sent ``emails``."""

    def check(outcome: Outcome) -> None:
        answers = outcome.value["answers"]
        for answer in answers:
            returned = answer.get("returned")
            expect(
                outcome,
                type(returned) is dict
                and sorted(returned) == ["order_id", "outcome"]
                and type(returned["order_id"]) is str,
                'every delivery answered {"order_id": ..., "outcome": ...}',
                answer,
            )
        got = sorted(a["returned"]["outcome"] for a in answers)
        expect(outcome, got == sorted(expected), f"outcomes {sorted(expected)}{race_note(outcome)}", got)
        messages = outcome.value["messages"]
        expect(
            outcome,
            len(messages) == emails,
            f"{emails} confirmation message(s) on EMAIL_QUEUE_URL{race_note(outcome)}",
            messages,
        )
        if order_ids is not None:
            answered = sorted(a["returned"]["order_id"] for a in answers)
            expect(
                outcome, answered == sorted(order_ids), f"answers for orders {sorted(order_ids)}", answered
            )
            confirmed = sorted(str(m.get("order_id")) if type(m) is dict else "" for m in messages)
            wanted = sorted(set(order_ids))
            expect(outcome, confirmed == wanted, f"one confirmation for each of {wanted}", messages)

    return check


def confirmation(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "messages.0", expected, "the confirmation message's body")

    return check


def refused_without_effects(deliveries: int) -> Check:
    def check(outcome: Outcome) -> None:
        answers = outcome.value["answers"]
        kinds = [a.get("error_type") for a in answers]
        expect(
            outcome,
            kinds == ["ContractBroken"] * deliveries,
            f"the handler to raise ContractBroken for each of the {deliveries} delivery(ies), so Lambda "
            "retries it and then parks it",
            answers,
        )
        expect(outcome, outcome.value["messages"] == [], "no confirmation sent", outcome.value["messages"])
        expect(outcome, outcome.value["items"] == [], "nothing written to the table", outcome.value["items"])

    return check
