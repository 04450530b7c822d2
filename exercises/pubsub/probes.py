"""Probes of the pubsub exercise: they run in the learner's process, subscribe a queue with the
learner's subscription attributes to a topic in a fresh sandbox, publish real messages to moto, and
return plain JSON data (what was returned, which messages the queue received) for the grader."""

from __future__ import annotations

import json
from typing import Any

from exercises.grader.support import learner_module
from patterns.lab import aws_sandbox
from patterns.lab.resources import ensure_queue, ensure_topic
from patterns.lab.sandbox import Backend

SUBSCRIBERS = ("billing", "fraud", "loyalty")


def warm_up() -> None:
    """Load moto's SNS and SQS once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        topic = ensure_topic("warm")
        queue = ensure_queue("warm")
        sandbox.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue.arn)
        sandbox.client("sns").publish(TopicArn=topic, Message="{}")


def _attributes(subscriber: str) -> Any:
    if subscriber not in SUBSCRIBERS:
        raise ValueError(f"unknown subscriber {subscriber!r}")
    return getattr(learner_module("policies"), f"{subscriber}_subscription")()


def attributes(subscriber: str) -> dict[str, Any]:
    """What ``<subscriber>_subscription()`` returns, exactly as returned."""
    return {"returned": _attributes(subscriber)}


def _message_attributes(plain: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        name: {"DataType": "Number", "StringValue": json.dumps(value)}
        if isinstance(value, int | float)
        else {"DataType": "String", "StringValue": str(value)}
        for name, value in plain.items()
    }


def deliveries(subscriber: str, messages: list[list[Any]]) -> dict[str, Any]:
    """Subscribe a queue with the learner's attributes; publish each ``[label, attributes, body]``;
    return the labels the queue received, in order, or why SNS refused the subscription."""
    returned = _attributes(subscriber)
    if type(returned) is not dict or not all(type(v) is str for v in returned.values()):
        return {"returned": returned}  # the grader says what it is instead
    with aws_sandbox(backend=Backend()) as sandbox:
        sns, sqs = sandbox.client("sns"), sandbox.client("sqs")
        topic = ensure_topic("orders")
        queue = ensure_queue(subscriber)
        try:
            sns.subscribe(
                TopicArn=topic,
                Protocol="sqs",
                Endpoint=queue.arn,
                Attributes={**returned, "RawMessageDelivery": "true"},
            )
        except Exception as refused:  # moto's validation of the policy: ClientError, or its own errors
            return {"refused": f"{type(refused).__name__}: {refused}"}
        received: list[str] = []
        for label, plain, body in messages:
            sns.publish(
                TopicArn=topic, Message=json.dumps(body), MessageAttributes=_message_attributes(plain)
            )
            while batch := sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10).get("Messages"):
                for message in batch:
                    received.append(label)
                    sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
        return {"received": received}
