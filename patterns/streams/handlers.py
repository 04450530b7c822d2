"""Kinesis batch handlers: parse the event, delegate to the service, answer the way the mapping expects.

``process_orders`` is for a mapping with ReportBatchItemFailures: it stops at the first record that
fails and reports it, so Lambda checkpoints the records before it and retries from it.
``process_orders_all_or_nothing`` is for a mapping without it: the first failure raises and the whole
batch is retried (the records before it are delivered again: the store counts them as duplicates). With
``LOSE_RESPONSE_FOR`` set to an event id, it processes a batch holding that event and then fails, as a
function that did its work and timed out before answering would. ``aggregate_window`` is a
tumbling-window handler; ``project_changes`` applies a DynamoDB stream's changes in order per item;
``check_order`` records only each customer's last ``seq`` (one conditional write a record) and counts
an event that arrives after a later one of its customer; ``parse_only`` reads every record and stores
nothing (the lag sweeps).

``process_orders_powertools`` is the same consumer on Powertools' ``BatchProcessor`` for Kinesis: it
processes every record and reports every failure, so the records after a failed one are applied before
it, and delivered again when Lambda retries from the lowest one reported (the store counts them).
"""

from __future__ import annotations

import os
from typing import Any

import boto3

from patterns.streams.adapters import (
    DynamoDbConsumerStore,
    advance_last_seq,
    store_from_environment,
    write_window,
)
from patterns.streams.exceptions import PoisonRecordError
from patterns.streams.service import (
    batch_item_failures,
    change_from_dynamodb_record,
    decode_record,
    process_records,
    window_totals,
)

__all__ = [
    "aggregate_window",
    "check_order",
    "parse_only",
    "process_orders",
    "process_orders_all_or_nothing",
    "process_orders_powertools",
    "project_changes",
]

_store: DynamoDbConsumerStore | None = None


def _the_store() -> DynamoDbConsumerStore:
    global _store
    if _store is None:
        _store = store_from_environment()
    return _store


def process_orders(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process in order; report the first failed record (ReportBatchItemFailures)."""
    outcome = process_records(event.get("Records", []), _the_store())
    return batch_item_failures(outcome.failed_sequence_number)


def process_orders_all_or_nothing(event: dict[str, Any], context: Any) -> None:
    """Process in order; the first failure fails the whole batch."""
    records = event.get("Records", [])
    outcome = process_records(records, _the_store())
    if outcome.failed_sequence_number is not None:
        raise PoisonRecordError(outcome.failed_sequence_number, "the batch stops here")
    lose = os.environ.get("LOSE_RESPONSE_FOR")
    if lose and any(decode_record(record)[1].event_id == lose for record in records):
        raise TimeoutError(f"processed {len(records)} records, then timed out before answering")


def aggregate_window(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Add the batch to the window's state; store the totals when the window closes."""
    answer = window_totals(event)
    if event.get("isFinalInvokeForWindow"):
        write_window(boto3.client("dynamodb"), os.environ["WINDOWS"], event["window"], answer["state"])
    return answer


def parse_only(event: dict[str, Any], context: Any) -> None:
    """Read every record (a malformed one raises); store nothing."""
    for record in event.get("Records", []):
        decode_record(record)


def project_changes(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Apply a DynamoDB stream's changes, each once; report the first unreadable record."""
    store = _the_store()
    for record in event.get("Records", []):
        try:
            sequence_number, change = change_from_dynamodb_record(record)
        except ValueError:
            return batch_item_failures(str(record.get("dynamodb", {}).get("SequenceNumber", "?")))
        store.apply(change, sequence_number)
    return batch_item_failures(None)


def check_order(event: dict[str, Any], context: Any) -> None:
    """For runs without redeliveries: count every event that comes after a later one of its customer."""
    client = _the_store().client
    for record in event.get("Records", []):
        _, order = decode_record(record)
        advance_last_seq(client, os.environ["TABLE"], order)


def process_orders_powertools(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Powertools' partial batch processing: every record processed, every failure reported."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    store = _the_store()

    def apply(record: Any) -> None:
        outcome = process_records([record.raw_event], store)
        if outcome.failed_sequence_number is not None:
            raise PoisonRecordError(outcome.failed_sequence_number, "reported to Powertools")

    processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
    answer: dict[str, Any] = dict(process_partial_response(event, apply, processor, context))
    return answer
