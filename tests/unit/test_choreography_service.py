"""Unit tests of the choreography pattern's pure logic: the chain, the contracts, the bill."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.choreography.contracts import (
    ORDER_REQUEST_SCHEMA,
    PAYMENT_PROCESSED_V2,
    SCHEMAS,
    breaking_changes,
    problems_with,
    validate_event,
)
from patterns.choreography.exceptions import ContractViolationError, InvalidOrderError
from patterns.choreography.service import (
    MAX_STEPS,
    MIN_STEPS,
    bill,
    caller_waiting_ms,
    chain,
    chain_wiring,
    end_to_end_ms,
    order_detail,
    parse_order,
    payment_detail,
    wiring_changes,
)
from patterns.lab import pricing
from patterns.lab.lambda_runtime import InvocationReport

pytestmark = pytest.mark.unit

ORDER = {
    "order_id": "o-1",
    "email": "ada@example.com",
    "items": [{"sku": "book", "quantity": 2}],
    "total_cents": 5997,
    "payment_token": "tok_visa",
}
START = datetime(2026, 1, 1, tzinfo=UTC)


def report(
    name: str, duration_ms: float, *, init_ms: float | None = None, at_s: float = 0.0
) -> InvocationReport:
    billed = pricing.billed_duration_ms(duration_ms + (init_ms or 0.0))
    return InvocationReport(
        request_id=name,
        function_name=name,
        environment_id=f"{name}-env",
        invocation_type="RequestResponse",
        cold_start=init_ms is not None,
        init_ms=init_ms,
        duration_ms=duration_ms,
        billed_ms=billed,
        memory_mb=128,
        architecture="x86_64",
        cost_usd=pricing.lambda_invocation_cost(128, billed),
        status="success",
        error_type=None,
        started_at=START + timedelta(seconds=at_s),
    )


def test_the_seed_flow_is_validate_payment_fulfil_linked_by_its_events() -> None:
    flow = chain()
    assert [s.name for s in flow] == ["validate", "payment", "fulfil"]
    assert [s.emits for s in flow] == ["OrderValidated", "PaymentProcessed", "OrderFulfilled"]
    assert [s.consumes for s in flow] == [None, "OrderValidated", "PaymentProcessed"]


@pytest.mark.parametrize("steps", range(MIN_STEPS, MAX_STEPS + 1))
def test_each_step_consumes_what_the_one_before_it_emits(steps: int) -> None:
    flow = chain(steps)
    assert len(flow) == steps
    assert all(after.consumes == before.emits for before, after in itertools.pairwise(flow))
    assert all(step.emits in SCHEMAS for step in flow)


@pytest.mark.parametrize("steps", [MIN_STEPS - 1, MAX_STEPS + 1])
def test_a_chain_outside_the_range_is_refused(steps: int) -> None:
    with pytest.raises(ValueError, match="steps must be"):
        chain(steps)


def test_adding_a_step_changes_the_caller_in_the_chain_and_a_rule_by_events() -> None:
    invoke = wiring_changes(chain_wiring(3, "invoke"), chain_wiring(4, "invoke"))
    events = wiring_changes(chain_wiring(3, "events"), chain_wiring(4, "events"))
    assert invoke == {"changed": ["function:validate"], "added": ["function:fraud-check"], "removed": []}
    assert events == {"changed": ["rule:payment"], "added": ["rule:fraud-check"], "removed": []}


def test_a_valid_order_is_parsed_and_its_event_keeps_the_contract() -> None:
    order = parse_order(json.dumps(ORDER))
    assert order == ORDER
    validate_event("OrderValidated", order_detail(order, "corr-1"))
    validate_event("PaymentProcessed", payment_detail(order_detail(order, "corr-1"), "pay-1"))


@pytest.mark.parametrize(
    "body",
    [
        None,
        "",
        "{not json",
        "[]",
        json.dumps({**ORDER, "total_cents": 0}),
        json.dumps({**ORDER, "items": []}),
    ],
)
def test_an_invalid_order_is_refused_with_its_problems(body: str | None) -> None:
    with pytest.raises(InvalidOrderError) as refused:
        parse_order(body)
    assert refused.value.problems
    assert all(isinstance(p, str) for p in refused.value.problems)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(InvalidOrderError) as refused:
        parse_order(json.dumps({"order_id": 7, "email": "nope"}))
    assert len(refused.value.problems) >= 5


def test_the_v2_payment_event_breaks_the_v1_contract_and_says_where() -> None:
    detail = payment_detail(order_detail(ORDER, "corr-1"), "pay-1", version=2)
    assert problems_with(PAYMENT_PROCESSED_V2, detail) == []
    with pytest.raises(ContractViolationError) as broken:
        validate_event("PaymentProcessed", detail)
    assert broken.value.problems == [
        "(root): 'amount_cents' is a required property",
        "(root): 'order_id' is a required property",
    ]
    assert detail["amount"] == "59.97"


def test_an_unknown_event_type_or_version_is_refused() -> None:
    with pytest.raises(KeyError, match="no contract"):
        validate_event("OrderShipped", {})
    with pytest.raises(ValueError, match="versions 1 and 2"):
        payment_detail(order_detail(ORDER, "c"), "p", version=3)


def test_breaking_changes_name_the_removed_fields_and_type_changes() -> None:
    assert breaking_changes(SCHEMAS["PaymentProcessed"], PAYMENT_PROCESSED_V2) == [
        "required field 'order_id' was removed (or renamed)",
        "required field 'amount_cents' was removed (or renamed)",
    ]
    retyped = {
        **SCHEMAS["PaymentProcessed"],
        "properties": {**SCHEMAS["PaymentProcessed"]["properties"], "amount_cents": {"type": "string"}},
    }
    assert breaking_changes(SCHEMAS["PaymentProcessed"], retyped) == [
        "field 'amount_cents' changed type from ['integer'] to ['string']"
    ]


FIELD_NAMES = st.sampled_from(["a", "b", "c", "d", "e", "f"])
TYPES = st.sampled_from(["string", "integer", "boolean", "number"])
SCHEMAS_STRATEGY = st.dictionaries(FIELD_NAMES, TYPES, min_size=1).flatmap(
    lambda props: st.tuples(st.just(props), st.lists(st.sampled_from(sorted(props)), unique=True))
)


def _schema(properties: dict[str, str], required: list[str]) -> dict[str, object]:
    return {
        "type": "object",
        "properties": {k: {"type": v} for k, v in properties.items()},
        "required": required,
    }


@given(SCHEMAS_STRATEGY, st.sampled_from(["x", "y"]), TYPES)
def test_a_schema_with_a_new_optional_field_breaks_nothing(spec, name, kind) -> None:
    properties, required = spec
    old = _schema(properties, required)
    assert breaking_changes(old, old) == []
    assert breaking_changes(old, _schema({**properties, name: kind}, required)) == []


@given(SCHEMAS_STRATEGY)
def test_dropping_any_required_field_is_reported(spec) -> None:
    properties, required = spec
    old = _schema(properties, required)
    for name in required:
        smaller = _schema(
            {k: v for k, v in properties.items() if k != name}, [r for r in required if r != name]
        )
        assert f"required field {name!r} was removed (or renamed)" in breaking_changes(old, smaller)


@given(
    st.lists(
        st.tuples(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.integers(1, 20)), min_size=1, max_size=5
    ),
    st.integers(1, 10**7),
)
def test_any_valid_order_yields_events_that_keep_their_contracts(items, total) -> None:
    order = {**ORDER, "items": [{"sku": s, "quantity": q} for s, q in items], "total_cents": total}
    assert problems_with(ORDER_REQUEST_SCHEMA, order) == []
    detail = order_detail(order, "corr-1")
    validate_event("OrderValidated", detail)
    processed = payment_detail(detail, "pay-1")
    validate_event("PaymentProcessed", processed)
    assert processed["amount_cents"] == total


def test_callers_in_the_chain_are_billed_for_their_callees_whole_invocations() -> None:
    # the chain's reports arrive innermost first; payment's callee was cold
    reports = [
        report("rr-fulfil", 10.0, init_ms=5.0),
        report("rr-payment", 40.0),
        report("rr-validate", 45.0),
    ]
    assert caller_waiting_ms(chain(), reports, "rr") == pytest.approx(15.0 + 40.0)
    assert end_to_end_ms(reports, "invoke") == 45.0
    priced = bill(reports, waiting_ms=55.0)
    assert priced.invocations == 3
    assert priced.billed_ms == 15 + 40 + 45
    assert priced.gb_s == pytest.approx(sum(pricing.gb_seconds(128, ms) for ms in (15, 40, 45)))
    assert priced.eventbridge_usd == 0.0


def test_a_failed_callee_is_still_waited_for_and_a_missing_one_is_not() -> None:
    reports = [report("rr-payment", 3.0), report("rr-validate", 4.0)]
    assert caller_waiting_ms(chain(), reports, "rr") == 3.0


def test_by_events_the_flow_takes_its_invocations_one_after_the_other_plus_retry_waits() -> None:
    reports = [report("ev-validate", 3.0), report("ev-payment", 2.0), report("ev-payment", 30.0, at_s=60.0)]
    assert end_to_end_ms(reports, "events") == pytest.approx(60_000 + 35.0)
    priced = bill(reports, events=2)
    assert priced.eventbridge_usd == pricing.eventbridge_cost(2)
    assert priced.total_usd == pytest.approx(priced.lambda_usd + pricing.eventbridge_cost(2))
    assert end_to_end_ms([], "events") == 0.0
