"""AWS access for the event-driven pattern (boto3): the bus, its rules and archive, tables, topic, queues.

Clients come from the running sandbox (:func:`patterns.lab.sandbox.current_sandbox`), created on first
use, never at import time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import boto3

from patterns.event_driven.exceptions import EventDrivenError
from patterns.event_driven.service import EventEntry, Order, Rule, WorkflowMessage
from patterns.lab import limits
from patterns.lab.sandbox import current_sandbox

__all__ = [
    "EventBus",
    "FifoWorkflowQueue",
    "InvoiceStore",
    "OrderStore",
    "Outbox",
    "PendingOrders",
    "drain_queue",
    "environment",
    "publish",
    "read_object_text",
]


def _client(service: str) -> Any:
    return current_sandbox().client(service)


@dataclass(frozen=True)
class EventBus:
    """A custom EventBridge bus."""

    name: str
    arn: str

    @classmethod
    def create(cls, name: str) -> EventBus:
        """Create the bus (or find it, if a previous run made it)."""
        events = _client("events")
        try:
            arn: str = events.create_event_bus(Name=name)["EventBusArn"]
        except events.exceptions.ResourceAlreadyExistsException:
            arn = events.describe_event_bus(Name=name)["Arn"]
        return cls(name, arn)

    def add_rule(
        self,
        rule: Rule,
        target_arn: str,
        *,
        retry_policy: Mapping[str, int] | None = None,
        dead_letter_arn: str | None = None,
    ) -> str:
        """Put ``rule`` on the bus with one target; return the rule's ARN."""
        events = _client("events")
        arn: str = events.put_rule(Name=rule.name, EventBusName=self.name, EventPattern=rule.pattern_json())[
            "RuleArn"
        ]
        target: dict[str, Any] = {"Id": rule.consumer, "Arn": target_arn}
        if retry_policy is not None:
            target["RetryPolicy"] = dict(retry_policy)
        if dead_letter_arn is not None:
            target["DeadLetterConfig"] = {"Arn": dead_letter_arn}
        failed = events.put_targets(Rule=rule.name, EventBusName=self.name, Targets=[target])
        if failed["FailedEntryCount"]:
            raise EventDrivenError(f"put_targets for rule {rule.name!r} failed: {failed['FailedEntries']}")
        return arn

    def remove_rule(self, name: str) -> None:
        events = _client("events")
        targets = events.list_targets_by_rule(Rule=name, EventBusName=self.name)["Targets"]
        if targets:
            events.remove_targets(Rule=name, EventBusName=self.name, Ids=[t["Id"] for t in targets])
        events.delete_rule(Name=name, EventBusName=self.name)

    def put(self, entries: Sequence[EventEntry], *, time: datetime | None = None) -> list[str]:
        """``PutEvents`` in calls of at most 10 entries; return the event ids (raise if any failed)."""
        events = _client("events")
        ids: list[str] = []
        size = limits.EVENTBRIDGE_PUT_EVENTS_MAX_ENTRIES
        for start in range(0, len(entries), size):
            chunk = [entry.to_entry(self.name, time) for entry in entries[start : start + size]]
            answer = events.put_events(Entries=chunk)
            if answer["FailedEntryCount"]:
                failed = [e for e in answer["Entries"] if "ErrorCode" in e]
                raise EventDrivenError(f"PutEvents rejected {answer['FailedEntryCount']} entries: {failed}")
            ids += [entry["EventId"] for entry in answer["Entries"]]
        return ids

    def create_archive(self, name: str, pattern: Mapping[str, Any]) -> str:
        """An archive of the bus's events that match ``pattern``; return its ARN."""
        events = _client("events")
        try:
            arn: str = events.create_archive(
                ArchiveName=name, EventSourceArn=self.arn, EventPattern=json.dumps(pattern)
            )["ArchiveArn"]
        except events.exceptions.ResourceAlreadyExistsException:
            arn = events.describe_archive(ArchiveName=name)["ArchiveArn"]
        return arn

    def replay(
        self, name: str, archive_arn: str, start: datetime, end: datetime, *, rule_arns: Sequence[str] = ()
    ) -> str:
        """Replay the archive's events of [start, end) onto the bus (only to ``rule_arns`` if given)."""
        events = _client("events")
        destination: dict[str, Any] = {"Arn": self.arn}
        if rule_arns:
            destination["FilterArns"] = list(rule_arns)
        events.start_replay(
            ReplayName=name,
            EventSourceArn=archive_arn,
            EventStartTime=start,
            EventEndTime=end,
            Destination=destination,
        )
        state: str = events.describe_replay(ReplayName=name)["State"]
        return state


def read_object_text(bucket: str, key: str) -> str:
    """The body of an S3 object as text."""
    body: bytes = _client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return body.decode()


_resources: dict[tuple[str, str | None], Any] = {}


def _table(name: str) -> Any:
    """A DynamoDB ``Table`` (the resource is made once per region and endpoint, like a client)."""
    sandbox = current_sandbox()
    key = (sandbox.region, sandbox.backend.endpoint_url)
    resource = _resources.get(key)
    if resource is None:
        resource = _resources[key] = boto3.resource(
            "dynamodb", region_name=sandbox.region, endpoint_url=sandbox.backend.endpoint_url
        )
    return resource.Table(name)


def publish(topic_arn: str, message: Mapping[str, Any]) -> str:
    """Publish ``message`` (as JSON) to an SNS topic; return the message id."""
    message_id: str = _client("sns").publish(TopicArn=topic_arn, Message=json.dumps(message))["MessageId"]
    return message_id


class OrderStore:
    """The orders table of the upload pipeline (one item per CSV line)."""

    def __init__(self, table_name: str) -> None:
        self.table = _table(table_name)

    def put_orders(self, orders: Sequence[Order], upload_key: str) -> int:
        with self.table.batch_writer() as batch:
            for order in orders:
                batch.put_item(Item=order.item(upload_key))
        return len(orders)


class Outbox:
    """Where the email consumer writes the emails it would send (one item per email)."""

    def __init__(self, table_name: str) -> None:
        self.table = _table(table_name)

    def put(self, message_id: str, subject: str, body: str) -> None:
        self.table.put_item(Item={"messageId": message_id, "subject": subject, "body": body})


class InvoiceStore:
    """Invoices keyed by order id; a second invoice for the same order is refused (idempotent)."""

    def __init__(self, table_name: str) -> None:
        self.table = _table(table_name)

    def put_once(self, invoice: Mapping[str, Any]) -> bool:
        """Store ``invoice`` unless its order already has one; True when stored now."""
        try:
            self.table.put_item(Item=dict(invoice), ConditionExpression="attribute_not_exists(orderId)")
        except self.table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def count(self) -> int:
        return int(self.table.scan(Select="COUNT")["Count"])

    def order_ids(self) -> set[str]:
        return {str(item["orderId"]) for item in self.table.scan()["Items"]}


class PendingOrders:
    """Seed 000's Cosmos DB container, as a DynamoDB table."""

    def __init__(self, table_name: str) -> None:
        self.table = _table(table_name)

    def put(self, order_id: str, order: Mapping[str, Any]) -> None:
        item = json.loads(json.dumps(dict(order)), parse_float=Decimal)
        self.table.put_item(Item={**item, "id": order_id, "status": "pending"})


class FifoWorkflowQueue:
    """Seed 000's Service Bus queue as an SQS FIFO queue: deduplication ids, one group per order."""

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, order_id: str, message: WorkflowMessage) -> str:
        answer = _client("sqs").send_message(
            QueueUrl=self.url,
            MessageBody=json.dumps({"eventType": message.event_type, "data": message.data}),
            MessageGroupId=order_id,
            MessageDeduplicationId=message.deduplication_id(order_id),
            MessageAttributes={"correlationId": {"DataType": "String", "StringValue": order_id}},
        )
        message_id: str = answer["MessageId"]
        return message_id


def drain_queue(url: str) -> list[dict[str, Any]]:
    """Receive and delete every message of a queue; return them (with attributes)."""
    sqs = _client("sqs")
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=limits.SQS_RECEIVE_MAX_MESSAGES,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return messages
        messages += batch
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )


def environment(name: str) -> str:
    """A setting a handler needs from its function's environment."""
    try:
        return os.environ[name]
    except KeyError:
        raise EventDrivenError(f"environment variable {name} is not set for this function") from None
