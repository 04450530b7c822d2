"""AWS adapters of the pub/sub pattern: the publisher, the subscriptions, the queues' readers, the effect
store, and a recorder of the boto3 calls a client makes.

:class:`OrderPublisher` knows one thing, its topic: it never names a subscriber. Subscriptions are made
by the subscribing teams (:func:`subscribe_queue`, :func:`subscribe_function`), which is why adding one
changes nothing on the publisher's side - :class:`CallRecorder` shows it call by call.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from patterns.lab import pricing
from patterns.lab.resources import Queue, ensure_queue, ensure_table
from patterns.lab.sandbox import current_sandbox
from patterns.pubsub.service import OrderEvent, Subscriber

__all__ = [
    "CallRecorder",
    "EffectStore",
    "OrderPublisher",
    "QueueReader",
    "SubscribedQueue",
    "create_topic",
    "effects_from_environment",
    "subscribe_function",
    "subscribe_queue",
]


class OrderPublisher:
    """Publishes order events to one SNS topic: the body as JSON, the filterable fields as attributes.

    On a FIFO topic, ``group_id`` orders the messages of one group (one order) and ``deduplication_id``
    drops a repeat within the deduplication window.
    """

    def __init__(self, topic_arn: str, client: Any = None) -> None:
        self.topic_arn = topic_arn
        self.client = client or boto3.client("sns")

    def publish(
        self, event: OrderEvent, *, group_id: str | None = None, deduplication_id: str | None = None
    ) -> str:
        """Publish ``event``; return SNS's message id."""
        attributes: dict[str, dict[str, str]] = {}
        for name, value in event.attributes().items():
            data_type = "Number" if isinstance(value, int) else "String"
            attributes[name] = {"DataType": data_type, "StringValue": str(value)}
        request: dict[str, Any] = {
            "TopicArn": self.topic_arn,
            "Message": json.dumps(event.body(), sort_keys=True),
            "MessageAttributes": attributes,
        }
        if group_id is not None:
            request["MessageGroupId"] = group_id
        if deduplication_id is not None:
            request["MessageDeduplicationId"] = deduplication_id
        message_id: str = self.client.publish(**request)["MessageId"]
        return message_id


class CallRecorder:
    """Records every request a boto3 client makes, as ``(operation, parameters as sorted JSON)``, through
    botocore's ``provide-client-params`` event (the parameters as the caller gave them)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    @contextmanager
    def recording(self, client: Any) -> Iterator[CallRecorder]:
        """Record ``client``'s requests inside the ``with`` block."""
        service = client.meta.service_model.service_name
        event = f"provide-client-params.{service}"
        client.meta.events.register(event, self._record, unique_id="pubsub-call-recorder")
        try:
            yield self
        finally:
            client.meta.events.unregister(event, unique_id="pubsub-call-recorder")

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        with self._lock:
            self.calls.append((str(model.name), json.dumps(params, sort_keys=True, default=str)))


def create_topic(name: str, *, fifo: bool = False, content_based_deduplication: bool = False) -> str:
    """An SNS topic (FIFO when ``fifo``: the name must end in ``.fifo``); returns its ARN."""
    sns = current_sandbox().client("sns")
    attributes: dict[str, str] = {}
    if fifo:
        attributes["FifoTopic"] = "true"
        if content_based_deduplication:
            attributes["ContentBasedDeduplication"] = "true"
    arn: str = sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]
    return arn


def _allow_topic(queue: Queue, topic_arn: str) -> None:
    """The queue policy SNS needs on AWS to send to the queue (moto does not check it)."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue.arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }
    current_sandbox().client("sqs").set_queue_attributes(
        QueueUrl=queue.url, Attributes={"Policy": json.dumps(policy)}
    )


@dataclass(frozen=True)
class SubscribedQueue:
    """A subscriber's queue, its dead-letter queue if it has one, and the subscription's ARN."""

    name: str
    queue: Queue
    subscription_arn: str
    dead_letter_queue: Queue | None = None


def subscribe_queue(
    topic_arn: str,
    subscriber: Subscriber,
    *,
    prefix: str = "",
    fifo: bool = False,
    max_receive_count: int | None = None,
    visibility_timeout_s: int = 30,
) -> SubscribedQueue:
    """Create ``subscriber``'s queue (with a DLQ after ``max_receive_count`` receives, if given) and
    subscribe it to the topic with its filter policy, scope and raw delivery setting."""
    suffix = ".fifo" if fifo else ""
    base = f"{prefix}{subscriber.name}"
    attributes = {"VisibilityTimeout": str(visibility_timeout_s)}
    dead_letter: Queue | None = None
    if max_receive_count is not None:
        dead_letter = ensure_queue(f"{base}-dlq{suffix}")
        redrive = {"deadLetterTargetArn": dead_letter.arn, "maxReceiveCount": str(max_receive_count)}
        attributes["RedrivePolicy"] = json.dumps(redrive)
    queue = ensure_queue(f"{base}{suffix}", attributes=attributes)
    _allow_topic(queue, topic_arn)
    settings = {"RawMessageDelivery": "true" if subscriber.raw else "false"}
    if subscriber.filter_policy:
        settings["FilterPolicy"] = json.dumps(subscriber.filter_policy)
        settings["FilterPolicyScope"] = subscriber.scope
    arn: str = (
        current_sandbox()
        .client("sns")
        .subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue.arn,
            Attributes=settings,
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
    )
    return SubscribedQueue(subscriber.name, queue, arn, dead_letter)


def subscribe_function(
    topic_arn: str, function_arn: str, subscriber: Subscriber, *, dead_letter_arn: str | None = None
) -> str:
    """Subscribe a Lambda function to the topic (with its filter policy, and a subscription dead-letter
    queue: the ``RedrivePolicy`` where SNS parks what it could not deliver); returns the ARN."""
    settings: dict[str, str] = {}
    if subscriber.filter_policy:
        settings["FilterPolicy"] = json.dumps(subscriber.filter_policy)
        settings["FilterPolicyScope"] = subscriber.scope
    if dead_letter_arn:
        settings["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dead_letter_arn})
    arn: str = (
        current_sandbox()
        .client("sns")
        .subscribe(
            TopicArn=topic_arn,
            Protocol="lambda",
            Endpoint=function_arn,
            Attributes=settings,
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
    )
    return arn


@dataclass
class QueueReader:
    """Drains queues as a consumer does (receive up to ``batch`` messages, delete them in one batch call)
    and counts the SQS requests billed for it: receives that returned messages (per 64 KB chunk of
    what they returned) and delete calls. Empty receives are counted apart (``empty_receives``)."""

    batch: int = 10
    billed_requests: int = 0
    empty_receives: int = 0
    client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.batch <= 10:
            raise ValueError(f"a receive takes 1 to 10 messages, got batch={self.batch}")
        self.client = self.client or current_sandbox().client("sqs")

    def drain(self, queue_url: str) -> list[dict[str, Any]]:
        """Every message now in the queue (body, attributes, ids), deleted after reading."""
        found: list[dict[str, Any]] = []
        while True:
            messages = self.client.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=self.batch,
                MessageAttributeNames=["All"],
                AttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                self.empty_receives += 1
                return found
            payload = sum(len(m["Body"].encode()) for m in messages)
            self.billed_requests += pricing.sqs_request_count(payload) + 1  # the receive and the delete
            self.client.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )
            found.extend(messages)


class EffectStore:
    """What subscribers did, once per key: a conditional ``PutItem`` on ``subscriber#key``; a repeat is
    refused and counted in the item's ``repeats``."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")

    @staticmethod
    def create(table_name: str) -> EffectStore:
        ensure_table(table_name, hash_key="pk")
        return EffectStore(table_name, current_sandbox().client("dynamodb"))

    def record(self, subscriber: str, key: str, detail: dict[str, Any]) -> bool:
        """Record an effect once; False when it was already recorded."""
        item = {"pk": {"S": f"{subscriber}#{key}"}, "detail": {"S": json.dumps(detail, sort_keys=True)}}
        try:
            self.client.put_item(
                TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def keys(self, subscriber: str) -> list[str]:
        """The keys recorded for ``subscriber``."""
        prefix = f"{subscriber}#"
        pages = self.client.get_paginator("scan").paginate(TableName=self.table_name)
        found = [item["pk"]["S"] for page in pages for item in page["Items"]]
        return sorted(pk[len(prefix) :] for pk in found if pk.startswith(prefix))


def effects_from_environment() -> EffectStore:
    """The store a function's environment names (EFFECTS_TABLE)."""
    return EffectStore(os.environ["EFFECTS_TABLE"])
