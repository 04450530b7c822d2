"""Integration tests of the choreography pattern against moto: both compositions, failures, duplicates,
contracts, and the accounting (every order fulfilled once or parked, nothing lost)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.choreography.adapters import deploy_flow, drain_queue, table_items
from patterns.choreography.demo import (
    breaking_change,
    compare,
    demo_order,
    duplicate_delivery,
    place_order,
)
from patterns.choreography.service import WORK_MS, chain
from patterns.lab.events import api_gateway_rest_event, eventbridge_event
from patterns.lab.sandbox import Backend, aws_sandbox

pytestmark = pytest.mark.integration


def test_by_events_the_caller_gets_202_and_the_order_is_fulfilled_under_one_correlation_id(sandbox):
    flow = deploy_flow(sandbox, "ev", "events")
    run = place_order(sandbox, flow)
    assert run.status_code == 202
    assert run.trail == ("OrderValidated", "PaymentProcessed", "OrderFulfilled")
    assert (run.emails, run.charged, run.fulfilled, run.failed_events) == (1, True, True, 0)
    items = table_items(sandbox, flow.tables)
    assert {step: [i["correlation_id"] for i in records] for step, records in items.items()} == {
        step.name: [run.correlation_id] for step in chain()
    }
    assert run.bill.invocations == 3
    assert run.bill.waiting_ms == 0.0
    assert run.bill.events == 3


def test_in_the_chain_each_caller_is_billed_for_its_callees_whole_time(sandbox):
    flow = deploy_flow(sandbox, "rr", "invoke")
    before = len(sandbox.lambdas.reports)
    run = place_order(sandbox, flow)
    assert run.status_code == 201
    assert (run.emails, run.charged, run.fulfilled) == (1, True, True)
    assert run.trail == ()
    fulfil, payment, validate = sandbox.lambdas.reports[before:]  # innermost first
    assert [r.function_name for r in (fulfil, payment, validate)] == [
        "rr-fulfil",
        "rr-payment",
        "rr-validate",
    ]
    # nested invocations: each caller's duration contains its callee's whole invocation
    assert payment.duration_ms >= fulfil.duration_ms + (fulfil.init_ms or 0.0)
    assert validate.duration_ms >= payment.duration_ms + (payment.init_ms or 0.0)
    assert run.bill.waiting_ms == pytest.approx(
        fulfil.duration_ms + (fulfil.init_ms or 0) + payment.duration_ms + (payment.init_ms or 0)
    )
    # the modelled provider work is slept inside the handlers: a floor the chain cannot beat
    floor = WORK_MS["payment"] + WORK_MS["fulfil_once"]
    assert run.caller_ms >= floor
    assert run.bill.waiting_ms >= floor + WORK_MS["fulfil_once"]
    assert run.end_to_end_ms == run.caller_ms


def test_adding_steps_makes_the_chains_callers_wait_for_every_step_below_them(sandbox):
    flow = deploy_flow(sandbox, "rr7", "invoke", steps=7)
    run = place_order(sandbox, flow)
    assert run.status_code == 201
    assert run.bill.invocations == 7
    # callee k's invocation holds the work of k and everything after it; callers wait for each callee
    work = [WORK_MS[step.handler] for step in chain(7)]
    floor = sum(sum(work[k:]) for k in range(1, 7))
    assert run.bill.waiting_ms >= floor
    assert run.caller_ms >= sum(work)


def test_a_failing_payment_fails_the_chains_caller_and_parks_the_event_by_events(sandbox):
    invoke = deploy_flow(sandbox, "rr", "invoke", failing_step="payment")
    run = place_order(sandbox, invoke)
    assert run.status_code == 502
    assert (run.charged, run.fulfilled, run.emails) == (False, False, 0)
    assert run.error_types == ("StepFailedError",)

    events = deploy_flow(sandbox, "ev", "events", failing_step="payment")
    started = sandbox.clock.elapsed
    run = place_order(sandbox, events)
    assert run.status_code == 202
    assert run.error_types == ("StepFailedError",) * 3  # the delivery and Lambda's two retries
    assert (run.charged, run.fulfilled, run.emails, run.failed_events) == (False, False, 0, 1)
    assert run.trail == ("OrderValidated",)
    assert sandbox.clock.elapsed - started == pytest.approx(180.0)  # retried after 60 s, then 120 s
    assert run.end_to_end_ms >= 180_000


def test_a_failing_fulfil_after_the_charge_still_fails_the_chains_caller(sandbox):
    flow = deploy_flow(sandbox, "rr", "invoke", failing_step="fulfil")
    run = place_order(sandbox, flow)
    assert run.status_code == 502
    assert (run.charged, run.fulfilled, run.emails) == (True, False, 0)


def test_an_invalid_order_gets_400_and_starts_nothing(sandbox):
    flow = deploy_flow(sandbox, "ev", "events")
    answer = sandbox.lambdas.invoke(
        flow.function("validate"),
        api_gateway_rest_event("POST", "/orders", body=json.dumps({"order_id": "x"})),
    )
    sandbox.settle()
    assert answer.payload["statusCode"] == 400
    assert json.loads(answer.payload["body"])["problems"]
    assert len(sandbox.lambdas.async_invocations) == 0


def test_nothing_is_lost_every_order_is_fulfilled_once_or_parked(sandbox):
    good = deploy_flow(sandbox, "ok", "events")
    bad = deploy_flow(sandbox, "bad", "events", failing_step="fulfil")
    orders = [demo_order() for _ in range(4)]
    good_runs = [place_order(sandbox, good, order) for order in orders[:2]]
    bad_runs = [place_order(sandbox, bad, order) for order in orders[2:]]
    assert [r.emails for r in good_runs] == [1, 1]
    assert [r.failed_events for r in bad_runs] == [1, 1]
    assert all(r.charged and not r.fulfilled for r in bad_runs)
    assert drain_queue(sandbox, good.failed_queue_url) == []


def test_seed_fulfil_sends_one_email_per_delivery_and_the_fix_sends_one(sandbox):
    naive = duplicate_delivery(sandbox, "fulfil")
    fixed = duplicate_delivery(sandbox, "fulfil_once")
    assert (naive.outcomes, naive.emails, naive.fulfilment_records) == (("fulfilled", "fulfilled"), 2, 1)
    assert (fixed.outcomes, fixed.emails, fixed.fulfilment_records) == (("duplicate", "fulfilled"), 1, 1)


def test_simultaneous_deliveries_are_decided_by_the_conditional_write(sandbox):
    naive = duplicate_delivery(sandbox, "fulfil", deliveries=6, concurrent=True)
    fixed = duplicate_delivery(sandbox, "fulfil_once", deliveries=6, concurrent=True)
    assert naive.emails == 6
    assert fixed.emails == 1
    assert fixed.outcomes == ("duplicate",) * 5 + ("fulfilled",)


def test_a_breaking_change_fails_the_consumer_without_contracts_and_the_producer_with_them(sandbox):
    unchecked = breaking_change(sandbox, check_contracts=False)
    assert (unchecked.payment_attempts, unchecked.fulfil_attempts) == (1, 3)
    assert unchecked.fulfil_errors == ("KeyError",)
    assert unchecked.parked == ("v2n-fulfil",)
    checked = breaking_change(sandbox, check_contracts=True)
    assert (checked.payment_attempts, checked.fulfil_attempts) == (3, 0)
    assert checked.payment_errors == ("ContractViolationError",)
    assert checked.parked == ("v2c-payment",)
    assert "'order_id' is a required property" in checked.first_problem
    assert unchecked.emails == checked.emails == 0


def test_compare_runs_warm_orders_through_both_compositions(sandbox):
    rows = compare(sandbox, orders=2)
    assert [(r.composition, r.status_code, r.orders) for r in rows] == [
        ("events", 202, 2),
        ("invoke", 201, 2),
    ]
    events, invoke = rows
    assert events.waiting_ms == 0.0
    assert invoke.waiting_ms > 0.0
    assert invoke.waiting_gb_s > 0.0
    assert events.emails == invoke.emails == 1.0


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=1, max_size=8))
def test_any_sequence_of_deliveries_confirms_each_order_exactly_once(sequence):
    """Deliveries of three orders' PaymentProcessed events, in any order, each any number of times."""
    with aws_sandbox(backend=Backend()) as sandbox:
        flow = deploy_flow(sandbox, "prop", "invoke")
        events = [
            eventbridge_event(
                {
                    "correlation_id": f"corr-{k}",
                    "order_id": f"o-{k}",
                    "payment_id": f"pay-{k}",
                    "amount_cents": 100 + k,
                    "email": "ada@example.com",
                },
                source="lab.orders",
                detail_type="PaymentProcessed",
            )
            for k in range(3)
        ]
        outcomes = [
            sandbox.lambdas.invoke(flow.function("fulfil"), events[k]).payload["outcome"] for k in sequence
        ]
        emails = sorted(m["order_id"] for m in drain_queue(sandbox, flow.email_queue_url))
        delivered = sorted({f"o-{k}" for k in sequence})
        assert emails == delivered
        assert outcomes.count("fulfilled") == len(delivered)
        assert outcomes.count("duplicate") == len(sequence) - len(delivered)
