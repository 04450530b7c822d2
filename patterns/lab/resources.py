"""Idempotent creation of the AWS resources patterns need, so re-running a notebook cell just works.

Each function creates the resource if it is missing and returns what callers need (names, URLs,
ARNs). Calling it again with the same arguments returns the same resource instead of failing with
"already exists".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from patterns.lab.sandbox import current_sandbox

__all__ = [
    "Queue",
    "drain_queue",
    "ensure_queue",
    "ensure_table",
    "ensure_topic",
    "message_bodies",
    "subscribe_queue_to_topic",
]


def ensure_table(
    name: str,
    *,
    hash_key: str,
    range_key: str | None = None,
    attribute_types: Mapping[str, str] | None = None,
    stream_view_type: str | None = None,
    client: Any = None,
) -> str:
    """An on-demand DynamoDB table keyed by ``hash_key`` (and ``range_key``); returns its ARN.

    Key attributes are strings unless ``attribute_types`` says otherwise ("S", "N" or "B").
    """
    dynamodb = client or current_sandbox().client("dynamodb")
    types = dict(attribute_types or {})
    keys = [(hash_key, "HASH")] + ([(range_key, "RANGE")] if range_key else [])
    spec: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": key, "KeyType": kind} for key, kind in keys],
        "AttributeDefinitions": [
            {"AttributeName": key, "AttributeType": types.get(key, "S")} for key, _ in keys
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream_view_type:
        spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream_view_type}
    try:
        arn: str = dynamodb.create_table(**spec)["TableDescription"]["TableArn"]
    except dynamodb.exceptions.ResourceInUseException:
        arn = dynamodb.describe_table(TableName=name)["Table"]["TableArn"]
    return arn


@dataclass(frozen=True)
class Queue:
    """An SQS queue's URL and ARN."""

    url: str
    arn: str


def ensure_queue(name: str, *, attributes: Mapping[str, str] | None = None, client: Any = None) -> Queue:
    """An SQS queue (FIFO if the name ends in .fifo); returns its URL and ARN."""
    sqs = client or current_sandbox().client("sqs")
    settings = dict(attributes or {})
    if name.endswith(".fifo"):
        settings.setdefault("FifoQueue", "true")
    url = sqs.create_queue(QueueName=name, Attributes=settings)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Queue(url, arn)


def drain_queue(url: str, *, client: Any = None) -> list[dict[str, Any]]:
    """Receive and delete every message waiting in the queue at ``url``; returns them, with their
    message attributes, in the order received."""
    sqs = client or current_sandbox().client("sqs")
    found: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages"):
        found.extend(batch)
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def message_bodies(url: str, *, client: Any = None) -> list[Any]:
    """:func:`drain_queue`'s message bodies: parsed where they are JSON, else the text as sent."""
    bodies: list[Any] = []
    for message in drain_queue(url, client=client):
        try:
            bodies.append(json.loads(message["Body"]))
        except json.JSONDecodeError:
            bodies.append(message["Body"])
    return bodies


def ensure_topic(name: str, *, client: Any = None) -> str:
    """An SNS topic (create_topic is idempotent on AWS too); returns its ARN."""
    sns = client or current_sandbox().client("sns")
    arn: str = sns.create_topic(Name=name)["TopicArn"]
    return arn


def subscribe_queue_to_topic(
    topic_arn: str,
    queue: Queue,
    *,
    raw: bool = True,
    filter_policy: Mapping[str, Sequence[Any]] | None = None,
    client: Any = None,
) -> str:
    """Subscribe ``queue`` to ``topic_arn`` once; returns the subscription ARN."""
    sns = client or current_sandbox().client("sns")
    attributes = {"RawMessageDelivery": "true" if raw else "false"}
    if filter_policy:
        attributes["FilterPolicy"] = json.dumps(filter_policy)
    for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
        for subscription in page["Subscriptions"]:
            if subscription["Endpoint"] == queue.arn:
                existing: str = subscription["SubscriptionArn"]
                return existing
    arn: str = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue.arn, Attributes=attributes)[
        "SubscriptionArn"
    ]
    return arn
