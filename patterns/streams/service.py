"""The stream consumer's logic, without boto3: order events, reading Kinesis records, processing a
batch in order (all-or-nothing or with ``batchItemFailures``), tumbling-window totals, the shards a
write rate needs, and the work model that gives a batch its virtual duration.

Everything here takes plain data and a :class:`ConsumerStore`; the DynamoDB store is in
:mod:`patterns.streams.adapters`, the in-memory one below is for tests and the notebook.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from patterns.lab import limits
from patterns.streams.exceptions import MalformedRecordError, PoisonRecordError

__all__ = [
    "POISON_KIND",
    "BatchOutcome",
    "ConsumerStore",
    "InMemoryConsumerStore",
    "OrderEvent",
    "WorkModel",
    "batch_item_failures",
    "change_from_dynamodb_record",
    "decode_record",
    "encode_event",
    "make_events",
    "order_violations",
    "process_records",
    "shards_needed",
    "window_totals",
]

POISON_KIND = "poison"
"""An event of this kind reads fine but can never be processed (a bug or a bad value downstream)."""


@dataclass(frozen=True)
class OrderEvent:
    """One order event; ``customer`` is the partition key and ``seq`` counts that customer's events."""

    event_id: str
    customer: str
    seq: int
    kind: str
    amount_cents: int


def encode_event(event: OrderEvent) -> bytes:
    """The bytes a producer puts on the stream (``Data``)."""
    return json.dumps(
        {
            "event_id": event.event_id,
            "customer": event.customer,
            "seq": event.seq,
            "kind": event.kind,
            "amount_cents": event.amount_cents,
        },
        separators=(",", ":"),
    ).encode()


def make_events(
    count: int, *, customers: int = 4, poison_at: Sequence[int] = (), amount_cents: int = 100
) -> list[OrderEvent]:
    """``count`` events for ``customers`` customers in turn; the events at the indexes ``poison_at``
    are poison. Each customer's ``seq`` counts up from 1."""
    if count < 0 or customers < 1:
        raise ValueError(f"need count >= 0 and customers >= 1, got {count} and {customers}")
    seqs: dict[str, int] = {}
    events = []
    for index in range(count):
        customer = f"customer-{index % customers}"
        seqs[customer] = seqs.get(customer, 0) + 1
        kind = POISON_KIND if index in poison_at else "order_placed"
        events.append(OrderEvent(f"evt-{index:05d}", customer, seqs[customer], kind, amount_cents))
    return events


def decode_record(record: Mapping[str, Any]) -> tuple[str, OrderEvent]:
    """A Kinesis Lambda record -> (sequence number, event); :class:`MalformedRecordError` if unreadable."""
    try:
        kinesis = record["kinesis"]
        sequence_number = str(kinesis["sequenceNumber"])
        body = json.loads(base64.b64decode(kinesis["data"], validate=True))
        event = OrderEvent(
            event_id=_typed(body, "event_id", str),
            customer=_typed(body, "customer", str),
            seq=_typed(body, "seq", int),
            kind=_typed(body, "kind", str),
            amount_cents=_typed(body, "amount_cents", int),
        )
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise MalformedRecordError(f"not an order event record: {error}") from error
    return sequence_number, event


def change_from_dynamodb_record(record: Mapping[str, Any]) -> tuple[str, OrderEvent]:
    """A DynamoDB Streams record of the orders table -> (sequence number, change as an event).

    The item key is the partition key; ``seq`` is the item's ``version`` (a removal comes after the
    last version)."""
    try:
        change = record["dynamodb"]
        order_id = change["Keys"]["order_id"]["S"]
        name = record["eventName"]
        image = change["OldImage"] if name == "REMOVE" else change["NewImage"]
        version = int(image["version"]["N"]) + (1 if name == "REMOVE" else 0)
        sequence_number = str(change["SequenceNumber"])
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedRecordError(f"not an orders table stream record: {error}") from error
    return sequence_number, OrderEvent(f"{order_id}#{version}#{name}", order_id, version, name, 0)


def _typed(body: Any, key: str, kind: type) -> Any:
    value = body[key]
    if type(value) is not kind:
        raise TypeError(f"{key} must be {kind.__name__}, got {type(value).__name__}")
    return value


class ConsumerStore(Protocol):
    """Where the consumer applies events: once per event id, every delivery counted."""

    def apply(self, event: OrderEvent, sequence_number: str) -> bool:
        """Apply ``event`` unless it was applied before; count the delivery either way. True if applied."""
        ...


@dataclass
class InMemoryConsumerStore:
    """A :class:`ConsumerStore` in a dict: what was applied, in order, and how often each was delivered."""

    applied: list[OrderEvent] = field(default_factory=list)
    deliveries: dict[str, int] = field(default_factory=dict)
    sequence_numbers: list[str] = field(default_factory=list)
    """The stream sequence numbers of the applied events, in the same order."""

    def apply(self, event: OrderEvent, sequence_number: str) -> bool:
        self.deliveries[event.event_id] = self.deliveries.get(event.event_id, 0) + 1
        if self.deliveries[event.event_id] > 1:
            return False
        self.applied.append(event)
        self.sequence_numbers.append(sequence_number)
        return True


@dataclass(frozen=True)
class BatchOutcome:
    """What processing one batch did."""

    applied: int
    duplicates: int
    failed_sequence_number: str | None
    """The first record that failed (the batch stopped there), or None."""


def process_records(records: Sequence[Mapping[str, Any]], store: ConsumerStore) -> BatchOutcome:
    """Process the records in order and stop at the first one that fails: the records after it must wait,
    or order per key would break. A malformed or poison record fails."""
    applied = duplicates = 0
    for record in records:
        sequence_number = str(record.get("kinesis", {}).get("sequenceNumber", "?"))
        try:
            sequence_number, event = decode_record(record)
            if event.kind == POISON_KIND:
                raise PoisonRecordError(sequence_number, f"event {event.event_id} cannot be processed")
        except (MalformedRecordError, PoisonRecordError):
            return BatchOutcome(applied, duplicates, sequence_number)
        if store.apply(event, sequence_number):
            applied += 1
        else:
            duplicates += 1
    return BatchOutcome(applied, duplicates, None)


def batch_item_failures(failed_sequence_number: str | None) -> dict[str, list[dict[str, str]]]:
    """A stream ``ReportBatchItemFailures`` response: the first failed record, or an empty list.

    For a stream one identifier is enough: Lambda checkpoints before the lowest one reported and
    retries from it."""
    if failed_sequence_number is None:
        return {"batchItemFailures": []}
    return {"batchItemFailures": [{"itemIdentifier": failed_sequence_number}]}


def order_violations(applied: Sequence[OrderEvent]) -> int:
    """How many events were applied before an earlier event of the same customer (0: order held)."""
    last: dict[str, int] = {}
    violations = 0
    for event in applied:
        if event.seq < last.get(event.customer, 0):
            violations += 1
        last[event.customer] = max(last.get(event.customer, 0), event.seq)
    return violations


def window_totals(event: Mapping[str, Any]) -> dict[str, Any]:
    """A tumbling-window handler's answer: the window's state so far plus this batch.

    The state is ``{"orders": n, "amount_cents": {customer: total}}``; Lambda hands it back in the next
    invocation of the same window, and the final one (``isFinalInvokeForWindow``) gets the whole window's.
    """
    state = event.get("state") or {}
    orders = int(state.get("orders", 0))
    totals = {str(k): int(v) for k, v in dict(state.get("amount_cents", {})).items()}
    for record in event.get("Records", []):
        _, order = decode_record(record)
        orders += 1
        totals[order.customer] = totals.get(order.customer, 0) + order.amount_cents
    return {"state": {"orders": orders, "amount_cents": totals}}


def shards_needed(records_per_s: float, bytes_per_s: float) -> int:
    """Shards a provisioned stream needs for a write rate: each takes 1,000 records/s or 1 MiB/s."""
    if records_per_s < 0 or bytes_per_s < 0:
        raise ValueError(f"rates cannot be negative, got {records_per_s} and {bytes_per_s}")
    by_records = records_per_s / limits.KINESIS_SHARD_WRITE_RECORDS_PER_S
    by_bytes = bytes_per_s / limits.KINESIS_SHARD_WRITE_BYTES_PER_S
    return max(1, math.ceil(max(by_records, by_bytes)))


@dataclass(frozen=True)
class WorkModel:
    """The virtual time an invocation of ``n`` records takes: a fixed overhead plus a cost per record.

    The lab's clock does not move while a handler runs; this stated model is what makes a lane busy,
    so that lag can build up. Durations from it are modelled, not measured."""

    per_invocation_s: float = 0.2
    per_record_s: float = 0.01

    def duration_s(self, records: int) -> float:
        return self.per_invocation_s + self.per_record_s * records

    def as_function(self) -> Callable[[int], float]:
        return self.duration_s
