"""AWS access for the scheduled job and the webhooks: DynamoDB conditional writes, SQS, Scheduler."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3

from patterns.lab.resources import Queue, ensure_queue, ensure_table
from patterns.scheduled_webhook.service import Acquired, JobRunner, WebhookReceiver

__all__ = [
    "DynamoDbLockStore",
    "DynamoDbSeenIds",
    "SqsEventQueue",
    "create_job_resources",
    "create_webhook_resources",
    "job_runner_from_environment",
    "receiver_from_environment",
    "schedule_finish",
]

TTL_ATTRIBUTE = "expires_at"


def _enable_ttl(client: Any, table: str) -> None:
    client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


def create_job_resources(table: str, client: Any = None) -> None:
    """The job table: run claims (``run#job#time``), the lock (``lock#job``) and work plans, with TTL."""
    dynamodb = client or boto3.client("dynamodb")
    ensure_table(table, hash_key="pk", client=dynamodb)
    _enable_ttl(dynamodb, table)


def create_webhook_resources(seen_table: str, processed_table: str, queue: str, client: Any = None) -> Queue:
    """The seen-ids table (TTL), the processed-events table and the events queue."""
    dynamodb = client or boto3.client("dynamodb")
    ensure_table(seen_table, hash_key="event_id", client=dynamodb)
    _enable_ttl(dynamodb, seen_table)
    ensure_table(processed_table, hash_key="event_id", client=dynamodb)
    return ensure_queue(queue)


@dataclass
class DynamoDbLockStore:
    """Run claims and the job lock in one table; every decision is a conditional write."""

    table: str
    client: Any

    def claim_run(self, job: str, run: str, now: float, keep_s: float) -> bool:
        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    "pk": {"S": f"run#{job}#{run}"},
                    "status": {"S": "claimed"},
                    TTL_ATTRIBUTE: {"N": str(int(now + keep_s))},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def acquire(self, job: str, owner: str, now: float, lease_until: float) -> Acquired:
        try:
            old = self.client.put_item(
                TableName=self.table,
                Item={
                    "pk": {"S": f"lock#{job}"},
                    "owner": {"S": owner},
                    "lease_until": {"N": repr(lease_until)},
                },
                ConditionExpression="attribute_not_exists(pk) OR lease_until < :now",
                ExpressionAttributeValues={":now": {"N": repr(now)}},
                ReturnValues="ALL_OLD",
            ).get("Attributes")
        except self.client.exceptions.ConditionalCheckFailedException:
            held = self.client.get_item(
                TableName=self.table, Key={"pk": {"S": f"lock#{job}"}}, ConsistentRead=True
            ).get("Item", {})
            return Acquired(False, held.get("owner", {}).get("S"), _number(held.get("lease_until")))
        if old:
            return Acquired(True, old["owner"]["S"], _number(old.get("lease_until")))
        return Acquired(True)

    def release(self, job: str, owner: str) -> bool:
        try:
            self.client.delete_item(
                TableName=self.table,
                Key={"pk": {"S": f"lock#{job}"}},
                ConditionExpression="#owner = :me",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":me": {"S": owner}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def set_run_status(self, job: str, run: str, status: str) -> None:
        self.client.update_item(
            TableName=self.table,
            Key={"pk": {"S": f"run#{job}#{run}"}},
            UpdateExpression="SET #status = :status",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":status": {"S": status}},
        )

    def work_plan(self, job: str, day: str) -> tuple[float, bool]:
        """(hours the run takes, whether it dies) for the night of ``day``: 1 hour, healthy, by default."""
        item = self.client.get_item(TableName=self.table, Key={"pk": {"S": f"work#{job}#{day}"}}).get("Item")
        if not item:
            return 1.0, False
        return float(item["hours"]["N"]), item.get("crash", {}).get("BOOL", False)


def _number(value: dict[str, str] | None) -> float | None:
    return float(value["N"]) if value else None


@dataclass
class DynamoDbSeenIds:
    """Seen event ids with a TTL; an expired id (not yet swept by TTL) counts as unseen."""

    table: str
    client: Any

    def remember(self, event_id: str, now: float, expires_at: float) -> bool:
        try:
            self.client.put_item(
                TableName=self.table,
                Item={"event_id": {"S": event_id}, TTL_ATTRIBUTE: {"N": str(int(expires_at) + 1)}},
                ConditionExpression="attribute_not_exists(event_id) OR expires_at < :now",
                ExpressionAttributeValues={":now": {"N": str(int(now))}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True


@dataclass
class SqsEventQueue:
    url: str
    client: Any

    def send(self, event_id: str, body: str) -> None:
        self.client.send_message(
            QueueUrl=self.url,
            MessageBody=body,
            MessageAttributes={"event_id": {"DataType": "String", "StringValue": event_id}},
        )


def schedule_finish(job: str, run: str, finish_at: datetime, target_arn: str, client: Any = None) -> str:
    """A one-time Scheduler schedule, ``at(...)`` in UTC, that ends ``run`` (deletes itself after)."""
    scheduler = client or boto3.client("scheduler")
    name = f"finish-{job}-{run.replace(':', '').replace('-', '')}"[:64]
    scheduler.create_schedule(
        Name=name,
        ScheduleExpression=f"at({finish_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S})",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": target_arn,
            "RoleArn": os.environ.get("SCHEDULER_ROLE_ARN", "arn:aws:iam::123456789012:role/scheduler"),
            "Input": f'{{"job": "{job}", "run": "{run}"}}',
        },
    )
    return name


def job_runner_from_environment() -> tuple[JobRunner, DynamoDbLockStore]:
    """The runner the job functions use: ``JOB_TABLE``, ``JOB_NAME``, ``LEASE_S`` from the environment."""
    store = DynamoDbLockStore(os.environ["JOB_TABLE"], boto3.client("dynamodb"))
    return JobRunner(store, os.environ["JOB_NAME"], float(os.environ["LEASE_S"])), store


def receiver_from_environment() -> WebhookReceiver:
    """The receiver: ``WEBHOOK_SECRET``, ``SEEN_TABLE``, ``QUEUE_URL`` (and ``TOLERANCE_S``)."""
    return WebhookReceiver(
        os.environ["WEBHOOK_SECRET"].encode("utf-8"),
        DynamoDbSeenIds(os.environ["SEEN_TABLE"], boto3.client("dynamodb")),
        SqsEventQueue(os.environ["QUEUE_URL"], boto3.client("sqs")),
        tolerance_s=float(os.environ.get("TOLERANCE_S", "300")),
    )
