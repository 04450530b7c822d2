"""The streams pattern's pure logic: decoding records, stopping a batch at its first failure, the
stream-shaped partial batch response, order per customer, window totals, shards for a write rate,
and the Kinesis prices."""

from __future__ import annotations

import base64
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab import limits, pricing
from patterns.lab.exceptions import PricingError
from patterns.streams.exceptions import MalformedRecordError
from patterns.streams.service import (
    POISON_KIND,
    InMemoryConsumerStore,
    OrderEvent,
    WorkModel,
    batch_item_failures,
    change_from_dynamodb_record,
    decode_record,
    encode_event,
    make_events,
    order_violations,
    process_records,
    shards_needed,
    window_totals,
)


def _record(event: OrderEvent | bytes, sequence: int) -> dict[str, object]:
    data = event if isinstance(event, bytes) else encode_event(event)
    return {"kinesis": {"sequenceNumber": str(sequence), "data": base64.b64encode(data).decode()}}


def test_make_events_counts_each_customers_seq_and_marks_the_poison() -> None:
    events = make_events(6, customers=2, poison_at=(3,))
    assert [(e.customer[-1], e.seq) for e in events] == [
        ("0", 1),
        ("1", 1),
        ("0", 2),
        ("1", 2),
        ("0", 3),
        ("1", 3),
    ]
    assert [e.kind == POISON_KIND for e in events] == [False, False, False, True, False, False]


def test_decode_round_trips_and_refuses_what_is_not_an_order_event() -> None:
    event = make_events(1)[0]
    assert decode_record(_record(event, 7)) == ("7", event)
    for bad in (
        b"not json",
        b'{"event_id": 1}',
        b'{"event_id":"e","customer":"c","seq":"1","kind":"k","amount_cents":1}',
    ):
        with pytest.raises(MalformedRecordError):
            decode_record(_record(bad, 1))
    with pytest.raises(MalformedRecordError):
        decode_record({"kinesis": {"sequenceNumber": "1", "data": "%%%"}})


def test_a_batch_stops_at_its_first_failure_and_reports_only_that_record() -> None:
    events = make_events(5, poison_at=(2,))
    store = InMemoryConsumerStore()
    outcome = process_records([_record(e, i + 100) for i, e in enumerate(events)], store)
    assert (outcome.applied, outcome.duplicates, outcome.failed_sequence_number) == (2, 0, "102")
    assert [e.event_id for e in store.applied] == ["evt-00000", "evt-00001"], "nothing after the poison"
    assert batch_item_failures(outcome.failed_sequence_number) == {
        "batchItemFailures": [{"itemIdentifier": "102"}]
    }
    assert batch_item_failures(None) == {"batchItemFailures": []}


def test_a_redelivered_batch_is_counted_not_applied_twice() -> None:
    records = [_record(e, i) for i, e in enumerate(make_events(3))]
    store = InMemoryConsumerStore()
    process_records(records, store)
    again = process_records(records, store)
    assert (again.applied, again.duplicates) == (0, 3)
    assert store.deliveries == {"evt-00000": 2, "evt-00001": 2, "evt-00002": 2}
    assert store.sequence_numbers == ["0", "1", "2"]


def test_order_violations_counts_an_event_applied_after_a_later_one_of_its_customer() -> None:
    first, second, third = make_events(3, customers=1)
    assert order_violations([first, second, third]) == 0
    assert order_violations([first, third, second]) == 1
    assert order_violations([third, first, second]) == 2


def test_window_totals_adds_the_batch_to_the_state_it_was_handed() -> None:
    events = make_events(3, customers=2, amount_cents=50)
    state = {"orders": 4, "amount_cents": {"customer-0": 200}}
    answer = window_totals({"state": state, "Records": [_record(e, i) for i, e in enumerate(events)]})
    assert answer == {"state": {"orders": 7, "amount_cents": {"customer-0": 300, "customer-1": 50}}}
    assert window_totals({"state": {}, "Records": []}) == {"state": {"orders": 0, "amount_cents": {}}}


def test_dynamodb_changes_are_keyed_by_item_and_a_removal_comes_last() -> None:
    insert = {
        "eventName": "MODIFY",
        "dynamodb": {
            "Keys": {"order_id": {"S": "o1"}},
            "NewImage": {"version": {"N": "2"}},
            "SequenceNumber": "9",
        },
    }
    remove = {
        "eventName": "REMOVE",
        "dynamodb": {
            "Keys": {"order_id": {"S": "o1"}},
            "OldImage": {"version": {"N": "2"}},
            "SequenceNumber": "10",
        },
    }
    assert change_from_dynamodb_record(insert)[1].seq == 2
    assert change_from_dynamodb_record(remove) == ("10", OrderEvent("o1#3#REMOVE", "o1", 3, "REMOVE", 0))
    with pytest.raises(MalformedRecordError):
        change_from_dynamodb_record({"eventName": "INSERT", "dynamodb": {}})


@given(st.integers(0, 50_000), st.integers(0, 100 * 1_048_576))
def test_shards_needed_covers_both_limits_and_no_more(records_per_s: int, bytes_per_s: int) -> None:
    shards = shards_needed(records_per_s, bytes_per_s)
    assert shards >= 1
    assert shards * limits.KINESIS_SHARD_WRITE_RECORDS_PER_S >= records_per_s
    assert shards * limits.KINESIS_SHARD_WRITE_BYTES_PER_S >= bytes_per_s
    if shards > 1:  # one shard fewer would not do
        fewer = shards - 1
        assert (
            fewer * limits.KINESIS_SHARD_WRITE_RECORDS_PER_S < records_per_s
            or fewer * limits.KINESIS_SHARD_WRITE_BYTES_PER_S < bytes_per_s
        )


def test_shards_needed_at_the_documented_limits() -> None:
    assert shards_needed(1_000, 0) == 1
    assert shards_needed(1_001, 0) == 2
    assert shards_needed(10, 1_048_576) == 1
    assert shards_needed(10, 1_048_577) == 2
    with pytest.raises(ValueError, match="negative"):
        shards_needed(-1, 0)


def test_work_model_is_an_overhead_plus_a_cost_per_record() -> None:
    model = WorkModel(per_invocation_s=0.5, per_record_s=0.1)
    assert model.duration_s(10) == pytest.approx(1.5)
    assert model.as_function()(0) == 0.5


def test_kinesis_prices_apply_to_counted_usage() -> None:
    assert pricing.kinesis_put_payload_units([1, 25_600, 25_601, 100_000]) == 1 + 1 + 2 + 4
    assert pricing.kinesis_provisioned_cost(730, 1_000_000) == pytest.approx(730 * 0.015 + 0.014)
    assert pricing.kinesis_on_demand_billed_bytes([1, 1024, 1025]) == 1024 + 1024 + 2048
    gib = 1024**3
    assert pricing.kinesis_on_demand_cost(730, gib, 2 * gib) == pytest.approx(730 * 0.04 + 0.08 + 0.08)
    with pytest.raises(PricingError):
        pricing.kinesis_provisioned_cost(-1, 0)
    rows = [r for r in pricing.price_table() if r.service == "Kinesis Data Streams"]
    assert all(
        r.unconfirmed and r.source == "https://aws.amazon.com/kinesis/data-streams/pricing/" for r in rows
    )
    assert math.isclose(float(rows[0].price), 0.015)
