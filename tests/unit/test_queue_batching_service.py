"""Unit tests of the queue-batching service: parsing, idempotent batch processing, partial responses."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab.events import sqs_event
from patterns.lab.events.sqs import SqsMessageSpec
from patterns.lab.exceptions import ConfigurationError, LabError
from patterns.queue_batching.exceptions import MalformedMessageError, PoisonMessageError
from patterns.queue_batching.service import (
    InMemoryEffectStore,
    OrderMessage,
    WorkModel,
    batch_item_failures,
    order_body,
    parse_order,
    process_batch,
)

pytestmark = pytest.mark.unit


def body(order_id: str, *, poison: bool = False) -> str:
    return order_body(OrderMessage(order_id, 250, 1.5, poison))


def records(*bodies: str, ids: list[str] | None = None) -> list[dict[str, object]]:
    specs = [SqsMessageSpec(b, message_id=(ids[i] if ids else f"m{i}")) for i, b in enumerate(bodies)]
    return list(sqs_event(specs)["Records"])


def test_an_order_survives_the_round_trip_through_its_padded_body() -> None:
    order = OrderMessage("order-7", 1234, 2.25, poison=False)
    text = order_body(order, size_bytes=500)
    assert len(text.encode()) == 500
    assert parse_order(text) == order


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "JSON object, got list"),
        (json.dumps({"amount_cents": 5}), "order_id must be a non-empty string, got None"),
        (json.dumps({"order_id": "a", "amount_cents": -1}), "amount_cents must be an integer >= 0, got -1"),
        (
            json.dumps({"order_id": "a", "amount_cents": True}),
            "amount_cents must be an integer >= 0, got True",
        ),
        (json.dumps({"order_id": "a", "amount_cents": 1, "sent_at_s": "x"}), "sent_at_s must be a number"),
    ],
)
def test_a_malformed_body_is_refused_saying_what_is_wrong(text: str, expected: str) -> None:
    with pytest.raises(MalformedMessageError, match=expected) as raised:
        parse_order(text)
    assert isinstance(raised.value, LabError)


def test_a_clean_batch_reports_no_failures_and_applies_every_message() -> None:
    store = InMemoryEffectStore()
    outcome = process_batch(records(body("a"), body("b")), store, request_id="r1", stop_at_failure=False)
    assert outcome.applied == ["m0", "m1"]
    assert outcome.failed == []
    assert batch_item_failures(outcome.failed) == {"batchItemFailures": []}
    assert store.effects["m0"].batch_size == 2
    assert store.effects["m1"].request_id == "r1"


def test_partial_mode_goes_on_past_failures_and_lists_each_once() -> None:
    store = InMemoryEffectStore()
    batch = records(body("a"), body("b", poison=True), "{broken", body("d"))
    outcome = process_batch(batch, store, request_id="r1", stop_at_failure=False)
    assert outcome.applied == ["m0", "m3"]
    assert outcome.failed == ["m1", "m2"]
    assert batch_item_failures(outcome.failed) == {
        "batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]
    }


def test_all_or_nothing_mode_raises_at_the_first_failure_after_applying_what_came_before() -> None:
    store = InMemoryEffectStore()
    batch = records(body("a"), body("b", poison=True), body("c"))
    with pytest.raises(PoisonMessageError, match="'m1' is a poison message"):
        process_batch(batch, store, request_id="r1", stop_at_failure=True)
    assert set(store.effects) == {"m0"}


def test_a_redelivered_message_is_not_applied_twice() -> None:
    store = InMemoryEffectStore()
    process_batch(records(body("a"), body("b")), store, request_id="r1", stop_at_failure=False)
    again = process_batch(
        records(body("a"), body("c"), ids=["m0", "m9"]), store, request_id="r2", stop_at_failure=False
    )
    assert again.applied == ["m9"]
    assert again.repeats == ["m0"]
    assert store.repeats == {"m0": 1}
    assert store.effects["m0"].request_id == "r1"


def test_the_same_message_twice_in_one_batch_is_processed_once() -> None:
    store = InMemoryEffectStore()
    batch = records(
        body("a"), body("a"), body("x", poison=True), body("x", poison=True), ids=["m0", "m0", "p", "p"]
    )
    outcome = process_batch(batch, store, request_id="r1", stop_at_failure=False)
    assert outcome.applied == ["m0"]
    assert outcome.failed == ["p"]
    assert store.repeats == {}


def test_work_model_bills_whole_milliseconds_and_init_only_on_cold_starts() -> None:
    work = WorkModel(per_message_ms=2.5, per_invocation_ms=10.2, init_ms=300)
    assert work.duration_ms(4) == pytest.approx(20.2)
    assert work.billed_ms(4) == 21
    assert work.billed_ms(4, cold=True) == 321


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"per_message_ms": -1}, "per_message_ms must be a finite number >= 0, got -1"),
        ({"per_invocation_ms": float("nan")}, "per_invocation_ms must be a finite number"),
        ({"init_ms": 2.5}, r"init_ms must be whole milliseconds \(an int\), got 2.5"),
    ],
)
def test_work_model_refuses_impossible_times(settings: dict[str, float], expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        WorkModel(**settings)  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(st.sampled_from(["m0", "m1", "m2", "m3"]), st.sampled_from(["good", "poison", "broken"])),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
)
def test_any_batch_applies_each_good_message_once_and_reports_each_bad_one_once(
    batch: list[tuple[str, str]], seen_before: bool
) -> None:
    kinds: dict[str, str] = {}
    for message_id, kind in batch:
        kinds.setdefault(message_id, kind)  # a message id keeps the body of its first delivery
    bodies = {"good": body("o"), "poison": body("o", poison=True), "broken": "{"}
    event = records(*(bodies[kinds[m]] for m, _ in batch), ids=[m for m, _ in batch])
    store = InMemoryEffectStore()
    if seen_before:
        process_batch(event, store, request_id="r0", stop_at_failure=False)
    outcome = process_batch(event, store, request_id="r1", stop_at_failure=False)
    good = {m for m, kind in kinds.items() if kind == "good"}
    assert set(store.effects) == good
    assert set(outcome.applied if not seen_before else outcome.repeats) == good
    assert outcome.failed == [m for m in dict.fromkeys(m for m, _ in batch) if kinds[m] != "good"]
