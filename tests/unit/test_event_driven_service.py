"""Pure logic of the event-driven pattern: typed events, CSV orders, AWS's pattern validation, ids."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.event_driven.exceptions import InvalidEventError, MalformedOrdersError
from patterns.event_driven.service import (
    FIXED_NOTIFICATION_PATTERN,
    ROUTING_RULES,
    SAMPLE_EVENTS,
    EventEntry,
    consumers_of,
    invoice_for,
    order_id_for,
    parse_event_text,
    parse_orders_csv,
    pattern_problems,
    summarise_upload,
    workflow_messages,
)

pytestmark = pytest.mark.unit


def test_an_event_typed_in_either_spelling_becomes_an_entry() -> None:
    event = parse_event_text('{"source": "orders", "detail-type": "OrderCreated", "detail": {"total": 5}}')
    assert event == EventEntry("orders", "OrderCreated", {"total": 5}, "edited")
    same = parse_event_text('{"Source": "orders", "DetailType": "OrderCreated", "Detail": {"total": 5}}')
    assert same == event
    assert parse_event_text('{"source": "s", "detail-type": "d"}').detail == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"source": ', "not valid JSON"),
        ("[1, 2]", "must be a JSON object, got list"),
        ('{"detail-type": "d"}', '"source" must be a non-empty string'),
        ('{"source": "s", "detail-type": ""}', '"detail-type" must be a non-empty string'),
        ('{"source": "s", "detail-type": "d", "detail": [1]}', '"detail" must be a JSON object'),
    ],
)
def test_text_that_is_not_an_event_is_refused_with_a_message_that_says_why(text: str, message: str) -> None:
    with pytest.raises(InvalidEventError, match=message):
        parse_event_text(text)


@given(st.text(max_size=80))
def test_any_text_gives_an_event_or_an_invalid_event_error(text: str) -> None:
    try:
        event = parse_event_text(text)
    except InvalidEventError as problem:
        message = str(problem)
        event = None
    else:
        message = ""
    if event is None:
        assert message
    else:
        assert type(event.detail) is dict


def test_entries_carry_the_bus_and_a_json_detail() -> None:
    entry = SAMPLE_EVENTS[0].to_entry("bus")
    assert entry["EventBusName"] == "bus"
    assert "Time" not in entry
    assert json.loads(entry["Detail"]) == SAMPLE_EVENTS[0].detail


def test_every_rule_of_the_course_is_valid_for_aws_and_each_operator_is_shown() -> None:
    for rule in ROUTING_RULES:
        assert pattern_problems(rule.pattern) == [], rule.name
    text = json.dumps([rule.pattern for rule in ROUTING_RULES])
    for operator in ('"prefix"', '"anything-but"', '"numeric"', '"exists"', '"$or"'):
        assert operator in text
    assert len(consumers_of(ROUTING_RULES)) == len(ROUTING_RULES)


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ({"detail": {"region": [{"prefx": "eu-"}]}}, "unknown operator 'prefx'"),
        ({"source": []}, "non-empty array"),
        ({"source": "orders"}, "object or a non-empty array"),
        ({"detail": {"total": [{"numeric": [">", "100"]}]}}, "numeric takes"),
        ({"detail": {"total": [{"numeric": ["!", 1]}]}}, "numeric takes"),
        ({"detail": {"coupon": [{"exists": "yes"}]}}, "exists takes true or false"),
        ({"detail": {"region": [{"prefix": 5}]}}, "prefix takes a string"),
        ({"$or": [{"source": ["a"]}]}, "at least two patterns"),
        ({"source": [{"anything-but": []}]}, "anything-but cannot take"),
        ([1], "must be a JSON object"),
    ],
)
def test_what_aws_would_refuse_is_named(pattern: object, problem: str) -> None:
    problems = pattern_problems(pattern)
    assert any(problem in p for p in problems), problems


def test_the_fixed_notification_pattern_is_an_or_of_two_exact_pairs() -> None:
    branches = FIXED_NOTIFICATION_PATTERN["$or"]
    assert [(b["source"], b["detail-type"]) for b in branches] == [
        (["orders"], ["OrderFulfilled"]),
        (["payments"], ["PaymentFailed"]),
    ]


def test_orders_csv_is_parsed_and_malformed_files_are_refused() -> None:
    orders = parse_orders_csv("order_id,customer,total\na-1,ann,10.50\na-2,bob,0\n")
    assert [(o.order_id, o.total) for o in orders] == [("a-1", Decimal("10.50")), ("a-2", Decimal("0"))]
    assert summarise_upload("k.csv", orders) == {
        "key": "k.csv",
        "status": "processed",
        "orders": 2,
        "total": "10.50",
    }
    with pytest.raises(MalformedOrdersError, match="header"):
        parse_orders_csv("id,total\n1,2\n")
    with pytest.raises(MalformedOrdersError, match="line 2: total 'x'"):
        parse_orders_csv("order_id,customer,total\na,b,x\n")
    with pytest.raises(MalformedOrdersError, match="line 3"):
        parse_orders_csv("order_id,customer,total\na,b,1\n,c,2\n")


def test_the_buggy_invoice_reads_a_field_that_does_not_exist() -> None:
    assert invoice_for({"orderId": "o-1", "total": 20}, buggy=False) == {
        "orderId": "o-1",
        "total": Decimal("20"),
    }
    with pytest.raises(KeyError, match="amount"):
        invoice_for({"orderId": "o-1", "total": 20}, buggy=True)


def test_order_ids_from_an_idempotency_key_are_stable_and_distinct() -> None:
    assert order_id_for("k1") == order_id_for("k1") != order_id_for("k2")
    messages = workflow_messages("order_1", {"items": [{"productId": "p"}], "total": 5})
    assert [m.deduplication_id("order_1") for m in messages] == [
        "order_1-inventory.check",
        "order_1-payment.process",
        "order_1-fulfillment.prepare",
    ]
    assert messages[2].data["priority"] == "standard"
