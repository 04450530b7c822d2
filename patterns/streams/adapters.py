"""AWS adapters: the DynamoDB consumer store, a Kinesis producer, and reading back what happened.

:class:`DynamoDbConsumerStore` applies an event once per event id (``PutItem`` on the condition
``attribute_not_exists``); a repeat delivery only adds 1 to the item's ``deliveries``. It also keeps,
per customer, the highest ``seq`` applied, with a conditional update that counts any event applied
after a later one of the same customer: an order violation.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.lab.resources import ensure_table
from patterns.streams.service import OrderEvent, encode_event

__all__ = [
    "DynamoDbConsumerStore",
    "PutResult",
    "StoreSnapshot",
    "advance_last_seq",
    "create_stream",
    "create_tables",
    "put_events",
    "read_store",
    "read_windows",
    "store_from_environment",
    "write_window",
]

_PUT_RECORDS_MAX = 500  # entries of one PutRecords call


class DynamoDbConsumerStore:
    """Applies each event once (conditional ``PutItem``); counts deliveries and order violations."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")

    def apply(self, event: OrderEvent, sequence_number: str) -> bool:
        item = {
            "pk": {"S": f"event#{event.event_id}"},
            "customer": {"S": event.customer},
            "seq": {"N": str(event.seq)},
            "amount_cents": {"N": str(event.amount_cents)},
            "sequence_number": {"S": sequence_number},
            "deliveries": {"N": "1"},
        }
        try:
            self.client.put_item(
                TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            self._add(f"event#{event.event_id}", "deliveries")
            return False
        advance_last_seq(self.client, self.table_name, event)
        return True

    def _add(self, pk: str, attribute: str) -> None:
        _add(self.client, self.table_name, pk, attribute)


def _add(client: Any, table: str, pk: str, attribute: str) -> None:
    client.update_item(
        TableName=table,
        Key={"pk": {"S": pk}},
        UpdateExpression=f"ADD {attribute} :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )


def advance_last_seq(client: Any, table: str, event: OrderEvent) -> bool:
    """Move the customer's last applied ``seq`` up to the event's; False (and a violation counted) when
    the customer already had a later event."""
    try:
        client.update_item(
            TableName=table,
            Key={"pk": {"S": f"customer#{event.customer}"}},
            UpdateExpression="SET last_seq = :seq",
            ConditionExpression="attribute_not_exists(last_seq) OR last_seq < :seq",
            ExpressionAttributeValues={":seq": {"N": str(event.seq)}},
        )
    except client.exceptions.ConditionalCheckFailedException:
        _add(client, table, f"customer#{event.customer}", "violations")
        return False
    return True


def store_from_environment() -> DynamoDbConsumerStore:
    """The store named by the function's ``TABLE`` environment variable."""
    return DynamoDbConsumerStore(os.environ["TABLE"])


def create_tables(table: str, windows: str | None = None, *, client: Any = None) -> None:
    """The consumer's table (and the window totals' table)."""
    ensure_table(table, hash_key="pk", client=client)
    if windows:
        ensure_table(windows, hash_key="window_start", client=client)


def create_stream(client: Any, name: str, shards: int) -> str:
    """A provisioned Kinesis stream of ``shards`` shards; returns its ARN."""
    client.create_stream(StreamName=name, ShardCount=shards)
    client.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
    arn: str = client.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    return arn


@dataclass(frozen=True)
class PutResult:
    """Where Kinesis put one event."""

    event: OrderEvent
    shard_id: str
    sequence_number: str
    size: int
    """The record's bytes: data plus partition key (what Kinesis counts)."""


def put_events(client: Any, stream: str, events: Sequence[OrderEvent]) -> list[PutResult]:
    """Put the events with ``PutRecords`` (500 a call), partition key = customer; in order."""
    results: list[PutResult] = []
    for start in range(0, len(events), _PUT_RECORDS_MAX):
        chunk = events[start : start + _PUT_RECORDS_MAX]
        entries = [{"Data": encode_event(e), "PartitionKey": e.customer} for e in chunk]
        response = client.put_records(StreamName=stream, Records=entries)
        if response.get("FailedRecordCount"):
            raise RuntimeError(f"PutRecords refused {response['FailedRecordCount']} records")
        for event, entry, answer in zip(chunk, entries, response["Records"], strict=True):
            size = len(entry["Data"]) + len(str(entry["PartitionKey"]).encode())
            results.append(PutResult(event, answer["ShardId"], answer["SequenceNumber"], size))
    return results


@dataclass(frozen=True)
class StoreSnapshot:
    """What the consumer's table holds."""

    applied: int
    """Distinct events applied."""
    deliveries: int
    """Deliveries counted, repeats included."""
    duplicates: int
    """Deliveries of an event already applied (at-least-once made visible)."""
    order_violations: int
    amount_cents: int
    applied_ids: frozenset[str] = frozenset()


def read_store(client: Any, table: str) -> StoreSnapshot:
    applied = deliveries = violations = amount = 0
    ids: set[str] = set()
    for item in _scan(client, table):
        if item["pk"]["S"].startswith("event#"):
            ids.add(item["pk"]["S"].removeprefix("event#"))
            applied += 1
            deliveries += int(item["deliveries"]["N"])
            amount += int(item["amount_cents"]["N"])
        else:
            violations += int(item.get("violations", {"N": "0"})["N"])
    return StoreSnapshot(applied, deliveries, deliveries - applied, violations, amount, frozenset(ids))


def write_window(client: Any, table: str, window: dict[str, str], state: dict[str, Any]) -> None:
    """Store a closed tumbling window's totals."""
    totals = {k: {"N": str(v)} for k, v in state.get("amount_cents", {}).items()}
    client.put_item(
        TableName=table,
        Item={
            "window_start": {"S": window["start"]},
            "window_end": {"S": window["end"]},
            "orders": {"N": str(state.get("orders", 0))},
            "amount_cents": {"M": totals},
        },
    )


def read_windows(client: Any, table: str) -> list[dict[str, Any]]:
    """The stored windows, oldest first: start, end, orders, amount per customer."""
    rows = [
        {
            "start": item["window_start"]["S"],
            "end": item["window_end"]["S"],
            "orders": int(item["orders"]["N"]),
            "amount_cents": {k: int(v["N"]) for k, v in item["amount_cents"]["M"].items()},
        }
        for item in _scan(client, table)
    ]
    return sorted(rows, key=lambda row: row["start"])


def _scan(client: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(page["Items"])
    return items
