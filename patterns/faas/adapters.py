"""AWS adapters for the registration service: DynamoDB user stores and an SNS notifier.

:class:`ConditionalWriteUserStore` decides duplicates inside DynamoDB with a conditional write, which
is atomic. :class:`CheckThenPutUserStore` is the seeds' version (read, then write): two concurrent
registrations can both read "absent" and both write. The demonstration measures the difference.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.faas.exceptions import DuplicateUserError
from patterns.faas.service import User
from patterns.lab.resources import ensure_queue, ensure_table, ensure_topic, subscribe_queue_to_topic

__all__ = [
    "CheckThenPutUserStore",
    "ConditionalWriteUserStore",
    "FaasResources",
    "SnsNotifier",
    "create_resources",
    "store_from_environment",
]


def _item(user: User) -> dict[str, Any]:
    item = {"email": {"S": user.email}, "name": {"S": user.name}, "registered_at": {"S": user.registered_at}}
    if user.company:
        item["company"] = {"S": user.company}
    return item


def _user(item: dict[str, Any]) -> User:
    return User(
        item["email"]["S"], item["name"]["S"], item.get("company", {}).get("S"), item["registered_at"]["S"]
    )


class ConditionalWriteUserStore:
    """Adds a user with ``attribute_not_exists(email)``: DynamoDB rejects the second writer."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")

    def add(self, user: User) -> None:
        try:
            self.client.put_item(
                TableName=self.table_name, Item=_item(user), ConditionExpression="attribute_not_exists(email)"
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            raise DuplicateUserError(user.email) from None

    def get(self, email: str) -> User | None:
        item = self.client.get_item(TableName=self.table_name, Key={"email": {"S": email}}).get("Item")
        return _user(item) if item else None

    def scan(self) -> list[User]:
        pages = self.client.get_paginator("scan").paginate(TableName=self.table_name)
        return [_user(item) for page in pages for item in page["Items"]]


class CheckThenPutUserStore(ConditionalWriteUserStore):
    """The racy version: read to check for a duplicate, do some work, then write unconditionally.

    ``work_s`` stands for what real code does between the read and the write (hashing a password,
    calling another service); it widens the window in which a concurrent request slips through.
    """

    def __init__(self, table_name: str, client: Any = None, work_s: float = 0.0) -> None:
        super().__init__(table_name, client)
        self.work_s = work_s

    def add(self, user: User) -> None:
        if self.get(user.email) is not None:
            raise DuplicateUserError(user.email)
        time.sleep(self.work_s)
        self.client.put_item(TableName=self.table_name, Item=_item(user))


class SnsNotifier:
    """Publishes a ``UserRegistered`` message to an SNS topic."""

    def __init__(self, topic_arn: str, client: Any = None) -> None:
        self.topic_arn = topic_arn
        self.client = client or boto3.client("sns")

    def user_registered(self, user: User) -> None:
        self.client.publish(
            TopicArn=self.topic_arn,
            Subject="UserRegistered",
            Message=json.dumps({"type": "UserRegistered", "user": user.to_dict()}),
            MessageAttributes={"event_type": {"DataType": "String", "StringValue": "UserRegistered"}},
        )


def store_from_environment() -> ConditionalWriteUserStore:
    """The store a function's environment variables ask for (USERS_TABLE, USER_STORE, WORK_MS)."""
    table = os.environ["USERS_TABLE"]
    if os.environ.get("USER_STORE", "conditional-write") == "check-then-put":
        return CheckThenPutUserStore(table, work_s=float(os.environ.get("WORK_MS", "0")) / 1000)
    return ConditionalWriteUserStore(table)


@dataclass(frozen=True)
class FaasResources:
    """What the pattern needs in AWS: the users table, the topic, and a queue subscribed to it."""

    table_name: str
    topic_arn: str
    queue_url: str

    def environment(self) -> dict[str, str]:
        return {"USERS_TABLE": self.table_name, "TOPIC_ARN": self.topic_arn}


def create_resources(prefix: str = "faas") -> FaasResources:
    """Create (or find) the table, the topic and an SQS queue subscribed to it, in the running sandbox."""
    table = f"{prefix}-users"
    ensure_table(table, hash_key="email")
    topic_arn = ensure_topic(f"{prefix}-user-registered")
    queue = ensure_queue(f"{prefix}-welcome-emails")
    subscribe_queue_to_topic(topic_arn, queue)
    return FaasResources(table, topic_arn, queue.url)
