"""The pub/sub pattern's pure logic: what the widget accepts, what subscribers do, books, order, cost."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab import pricing
from patterns.pubsub.exceptions import AccountingError, InvalidMessageError, InvalidOrderError
from patterns.pubsub.service import (
    SAMPLE_EVENTS,
    SUBSCRIBERS,
    OrderEvent,
    check_books,
    cost_per_million_publishes,
    groups_in_order,
    make_receipt,
    parse_attributes,
    parse_body,
    publish_attributes,
    reserve_stock,
)


def test_plain_attribute_values_become_sns_data_types() -> None:
    parsed = parse_attributes('{"event_type": "OrderPlaced", "total_cents": 4250, "tags": ["a", "b"]}')
    assert parsed == {
        "event_type": {"DataType": "String", "StringValue": "OrderPlaced"},
        "total_cents": {"DataType": "Number", "StringValue": "4250"},
        "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
    }
    assert parse_attributes("  ") == {}
    assert publish_attributes({"n": 1.5, "s": ("x",)}) == {
        "n": {"DataType": "Number", "StringValue": "1.5"},
        "s": {"DataType": "String.Array", "StringValue": '["x"]'},
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"flag": true}', "'flag' is true"),
        ('{"none": null}', "'none' is null"),
        ('{"empty": ""}', "empty string"),
        ('{"nested": {"a": 1}}', "'nested' is a dict"),
        ('{"mixed": ["a", 1]}', "'mixed' is a list"),
        ('{" ": "x"}', "name cannot be empty"),
    ],
)
def test_attributes_sns_would_refuse_are_refused_with_a_clear_reason(text: str, words: str) -> None:
    with pytest.raises(InvalidMessageError, match=words):
        parse_attributes(text)


def test_a_body_must_not_be_empty_but_need_not_be_json() -> None:
    assert parse_body("plain text") == "plain text"
    with pytest.raises(InvalidMessageError, match="empty"):
        parse_body("   ")


def test_an_order_event_puts_filterable_fields_in_attributes_and_nests_the_customer_in_the_body() -> None:
    event = OrderEvent("OrderPlaced", "o-1", 4_250, "FR", tier="gold", email="a@example.com")
    assert event.attributes() == {"event_type": "OrderPlaced", "country": "FR", "total_cents": 4_250}
    assert event.body()["order"]["customer"] == {"tier": "gold", "email": "a@example.com"}
    assert "email" not in OrderEvent("OrderPlaced", "o-1", 1, "FR").body()["order"]["customer"]


def test_the_subscribers_use_both_scopes_and_one_keeps_the_envelope() -> None:
    assert {s.scope for s in SUBSCRIBERS if s.filter_policy} == {"MessageAttributes", "MessageBody"}
    assert [s.name for s in SUBSCRIBERS if not s.raw] == ["audit"]
    assert SUBSCRIBERS[-1].policy_text() == "(none: every message)"
    assert len({e.order_id for e in SAMPLE_EVENTS}) == 3


def test_the_warehouse_refuses_an_order_it_cannot_reserve() -> None:
    assert reserve_stock(SAMPLE_EVENTS[0].body()).order_id == "o-1001"
    for body in (
        {"order": {"id": "o-1", "total_cents": "12.50", "country": "FR"}},
        {"order": {"id": "o-1", "total_cents": True, "country": "FR"}},
        {"order": {"id": "o-1", "total_cents": 5}},
        {"order": {"total_cents": 5, "country": "FR"}},
        ["not", "an", "order"],
    ):
        with pytest.raises(InvalidOrderError):
            reserve_stock(body)


def test_a_receipt_needs_an_email() -> None:
    assert make_receipt(SAMPLE_EVENTS[0].body()).email == "ines@example.com"
    with pytest.raises(InvalidOrderError, match="no customer email"):
        make_receipt(OrderEvent("OrderPlaced", "o-9", 1, "FR").body())


def test_the_books_balance_only_when_every_message_is_processed_or_parked_once() -> None:
    check_books(["a", "b", "c"], ["a", "b"], ["c"])
    with pytest.raises(AccountingError, match="lost 1"):
        check_books(["a", "b"], ["a"], [])
    with pytest.raises(AccountingError, match="counted twice"):
        check_books(["a", "b"], ["a", "b"], ["b"])
    with pytest.raises(AccountingError, match="never published"):
        check_books(["a"], ["a", "z"], [])


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 20)), max_size=30))
def test_groups_in_order_holds_exactly_when_each_group_strictly_increases(
    pairs: list[tuple[str, int]],
) -> None:
    per_group: dict[str, list[int]] = {}
    for group, sequence in pairs:
        per_group.setdefault(group, []).append(sequence)
    expected = all(all(a < b for a, b in itertools.pairwise(s)) for s in per_group.values())
    assert groups_in_order(pairs) is expected


def test_cost_per_million_publishes_prices_the_counts_with_the_price_table() -> None:
    cost = cost_per_million_publishes(
        subscribers=4, receive_batch=1, publishes=20, payload_bytes=200, deliveries=80, sqs_requests=160
    )
    assert cost.sns_usd == pytest.approx(pricing.sns_publish_cost(1_000_000))
    assert cost.delivery_usd == 0.0
    assert cost.sqs_usd == pytest.approx(pricing.sqs_cost(8_000_000))
    assert cost.total_usd == pytest.approx(cost.sns_usd + cost.sqs_usd)
    big = cost_per_million_publishes(
        subscribers=1, receive_batch=1, publishes=1, payload_bytes=70_000, deliveries=0, sqs_requests=0
    )
    assert big.sns_usd == pytest.approx(2 * pricing.sns_publish_cost(1_000_000))
    with pytest.raises(ValueError, match="positive"):
        cost_per_million_publishes(
            subscribers=1, receive_batch=1, publishes=0, payload_bytes=1, deliveries=0, sqs_requests=0
        )


def test_bodies_are_json_objects() -> None:
    for event in SAMPLE_EVENTS:
        assert isinstance(json.loads(json.dumps(event.body())), dict)
