"""AWS adapters: the DynamoDB effect store, the queue/DLQ/table set-up, and an SQS request counter.

:class:`DynamoDbEffectStore` applies an order once per SQS message id with a conditional write, so a
redelivered message changes nothing (it only counts the repeat). :class:`SqsRequestCounter` counts the
SQS requests a boto3 client really makes, by kind, with their 64 KB chunks, through botocore's event
hooks: what the bill is made of.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.lab import pricing
from patterns.lab.resources import Queue, ensure_queue, ensure_table
from patterns.queue_batching.service import Effect

__all__ = [
    "BILLED_SQS_OPERATIONS",
    "DynamoDbEffectStore",
    "QueueResources",
    "SqsRequestCounter",
    "create_resources",
    "drain_message_ids",
    "effects_from_environment",
    "effects_from_table",
]

BILLED_SQS_OPERATIONS = (
    "SendMessage",
    "SendMessageBatch",
    "ReceiveMessage",
    "DeleteMessage",
    "DeleteMessageBatch",
)
"""The requests of a queue's data path. Anything else (CreateQueue, GetQueueAttributes, the lab's
ChangeMessageVisibilityBatch for its virtual visibility timeout) is set-up or lab-only, counted apart."""


class DynamoDbEffectStore:
    """Records each order once: ``PutItem`` if ``attribute_not_exists(message_id)``; a repeat adds 1 to
    the item's ``repeats`` instead."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")

    def apply_once(self, effect: Effect) -> bool:
        item = {
            "message_id": {"S": effect.message_id},
            "order_id": {"S": effect.order_id},
            "amount_cents": {"N": str(effect.amount_cents)},
            "sent_at_s": {"N": repr(effect.sent_at_s)},
            "request_id": {"S": effect.request_id},
            "batch_size": {"N": str(effect.batch_size)},
            "repeats": {"N": "0"},
        }
        try:
            self.client.put_item(
                TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(message_id)"
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            self.client.update_item(
                TableName=self.table_name,
                Key={"message_id": {"S": effect.message_id}},
                UpdateExpression="ADD repeats :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
            return False
        return True


def effects_from_environment() -> DynamoDbEffectStore:
    """The store a function's environment names (EFFECTS_TABLE)."""
    return DynamoDbEffectStore(os.environ["EFFECTS_TABLE"])


def effects_from_table(table_name: str, client: Any) -> list[tuple[Effect, int]]:
    """Every effect recorded in ``table_name``, with how many repeats it refused."""
    pages = client.get_paginator("scan").paginate(TableName=table_name)
    return [
        (
            Effect(
                item["message_id"]["S"],
                item["order_id"]["S"],
                int(item["amount_cents"]["N"]),
                float(item["sent_at_s"]["N"]),
                item["request_id"]["S"],
                int(item["batch_size"]["N"]),
            ),
            int(item["repeats"]["N"]),
        )
        for page in pages
        for item in page["Items"]
    ]


def drain_message_ids(client: Any, queue_url: str) -> list[str]:
    """Receive and delete everything in ``queue_url`` (a DLQ, after a run); return the message ids."""
    ids: list[str] = []
    while batch := client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        ids.extend(message["MessageId"] for message in batch)
        client.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )
    return ids


@dataclass(frozen=True)
class QueueResources:
    """A work queue with its dead-letter queue, and the table the handler records effects in."""

    queue: Queue
    dead_letter_queue: Queue
    table_name: str

    def environment(self) -> dict[str, str]:
        return {"EFFECTS_TABLE": self.table_name}


def create_resources(
    prefix: str, *, visibility_timeout_s: int, max_receive_count: int, fifo: bool = False
) -> QueueResources:
    """Create (or find) the DLQ, the queue redriving to it after ``max_receive_count`` receives,
    and the effects table."""
    suffix = ".fifo" if fifo else ""
    dead_letter = ensure_queue(f"{prefix}-dlq{suffix}")
    redrive = {"deadLetterTargetArn": dead_letter.arn, "maxReceiveCount": str(max_receive_count)}
    attributes = {"VisibilityTimeout": str(visibility_timeout_s), "RedrivePolicy": json.dumps(redrive)}
    queue = ensure_queue(f"{prefix}{suffix}", attributes=attributes)
    table = f"{prefix}-effects"
    ensure_table(table, hash_key="message_id")
    return QueueResources(queue, dead_letter, table)


class SqsRequestCounter:
    """Counts the SQS requests a boto3 client makes while :meth:`counting` is active.

    ``calls`` counts every request by operation; ``billed`` counts billed requests for the data-path
    operations: a send or a receive is billed one request per started 64 KB chunk of its payload
    (:func:`patterns.lab.pricing.sqs_request_count`), a delete one per call. Receives that return
    nothing are counted apart, in ``empty_receives``: they are billed too, but they are a cost of polling
    over time (AWS's pollers long-poll an idle queue all day), not a cost per message.
    """

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.billed: Counter[str] = Counter()
        self.empty_receives = 0
        self._lock = threading.Lock()

    @contextmanager
    def counting(self, client: Any) -> Iterator[SqsRequestCounter]:
        """Count ``client``'s requests inside the ``with`` block (hooks removed on exit)."""
        events = client.meta.events
        events.register("provide-client-params.sqs", self._before, unique_id="queue-batching-counter-before")
        events.register(
            "after-call.sqs.ReceiveMessage", self._received, unique_id="queue-batching-counter-after"
        )
        try:
            yield self
        finally:
            events.unregister("provide-client-params.sqs", unique_id="queue-batching-counter-before")
            events.unregister("after-call.sqs.ReceiveMessage", unique_id="queue-batching-counter-after")

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        operation = str(model.name)
        billed = 0
        if operation == "SendMessage":
            billed = pricing.sqs_request_count(_payload_bytes(params))
        elif operation == "SendMessageBatch":
            billed = pricing.sqs_request_count(sum(_payload_bytes(entry) for entry in params["Entries"]))
        elif operation in ("DeleteMessage", "DeleteMessageBatch"):
            billed = 1
        with self._lock:
            self.calls[operation] += 1
            self.billed[operation] += billed

    def _received(self, parsed: dict[str, Any], **_: Any) -> None:
        messages = parsed.get("Messages", [])
        with self._lock:
            if messages:
                payload = sum(_payload_bytes(message) for message in messages)
                self.billed["ReceiveMessage"] += pricing.sqs_request_count(payload)
            else:
                self.empty_receives += 1

    @property
    def billed_requests(self) -> int:
        return sum(self.billed.values())

    @property
    def other_calls(self) -> dict[str, int]:
        """Set-up and lab-only calls: not part of the data path's bill."""
        return {op: n for op, n in sorted(self.calls.items()) if op not in BILLED_SQS_OPERATIONS}


def _payload_bytes(message: dict[str, Any]) -> int:
    """A message's billed size: its body plus its message attributes' names, types and values."""
    size = len(str(message.get("MessageBody", message.get("Body", ""))).encode())
    for name, attribute in message.get("MessageAttributes", {}).items():
        size += len(name.encode()) + len(str(attribute.get("DataType", "")).encode())
        size += len(str(attribute.get("StringValue", attribute.get("BinaryValue", ""))).encode())
    return size
