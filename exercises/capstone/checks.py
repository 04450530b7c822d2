"""Checks shared by the public and hidden tests of the capstone (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal
from patterns.capstone import BUDGET_USD_PER_1000_ORDERS

Check = Callable[[Outcome], None]


def saga_ended(
    status: str, failed_step: str | None, compensated: list[str], records: dict[str, Any]
) -> Check:
    def check(outcome: Outcome) -> None:
        expected = {"status": status, "failed_step": failed_step, "compensated": compensated}
        expect_equal(outcome, "returned", expected, "run_order(...)")
        expect_equal(outcome, "records", records, "each service's record of the order afterwards")
        own = dict.fromkeys(("run_order", "order_event", "place_order", "project"), "order_system")
        expect_equal(
            outcome, "defined_in", own, "each function defined in order_system.py itself (not imported)"
        )

    return check


def event_is(detail_type: str, detail: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned.Source", "capstone.orders", "order_event(...)['Source']")
        expect_equal(outcome, "returned.DetailType", detail_type, "order_event(...)['DetailType']")
        expect_equal(outcome, "returned.EventBusName", "shop-bus", "order_event(...)['EventBusName']")
        expect_equal(outcome, "detail", detail, "json.loads(order_event(...)['Detail'])")

    return check


def answers_were(expected: list[Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "answers", expected, "the API's answers, request by request")

    return check


def statuses_were(expected: list[int]) -> Check:
    def check(outcome: Outcome) -> None:
        answers = outcome.value.get("answers")
        statuses = (
            [a.get("status") for a in answers]
            if type(answers) is list and all(type(a) is dict for a in answers)
            else answers
        )
        expect(
            outcome,
            type(statuses) is list
            and len(statuses) == len(expected)
            and all(type(s) is int and s == e for s, e in zip(statuses, expected, strict=False)),
            f"HTTP statuses {expected} (ints)",
            statuses,
        )

    return check


def view_is(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "view", expected, "the read model (order id -> row)")

    return check


def services_are(expected: dict[str, Any]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "services", expected, "each service's records (service -> order id -> status)")

    return check


def events_were(count: int) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "events", count, "events delivered to the projection")

    return check


def within_budget(orders: int) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "completed", orders, "orders COMPLETED in the read model")
        cost = outcome.value.get("per_1000_usd")
        expect(
            outcome,
            type(cost) is float and 0 < cost <= BUDGET_USD_PER_1000_ORDERS,
            f"a measured cost per 1,000 orders of at most ${BUDGET_USD_PER_1000_ORDERS}",
            outcome.value,
        )

    return check


def projected(expected: list[dict[str, bool]]) -> Check:
    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, "what project returned, event by event")

    return check


def all_of(*checks: Check) -> Check:
    def check(outcome: Outcome) -> None:
        for each in checks:
            each(outcome)

    return check
