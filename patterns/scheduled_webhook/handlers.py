"""Thin handlers: the nightly job (start, finish), the webhook receiver and the queue's processor."""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timedelta
from typing import Any

import boto3

from patterns.lab.http import json_response
from patterns.scheduled_webhook.adapters import (
    DynamoDbLockStore,
    job_runner_from_environment,
    receiver_from_environment,
    schedule_finish,
)
from patterns.scheduled_webhook.exceptions import WebhookRejected
from patterns.scheduled_webhook.service import JobRunner, WebhookReceiver

__all__ = ["finish_job", "noop", "process", "receive", "start_job"]

_runner: tuple[JobRunner, DynamoDbLockStore] | None = None
_receiver: WebhookReceiver | None = None


def _job() -> tuple[JobRunner, DynamoDbLockStore]:
    global _runner
    if _runner is None:
        _runner = job_runner_from_environment()
    return _runner


def start_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A scheduled fire (Scheduler input ``{"scheduled": "<aws.scheduler.scheduled-time>"}``)."""
    runner, store = _job()
    run = str(event["scheduled"])
    started = datetime.fromisoformat(run.replace("Z", "+00:00"))
    outcome, acquired = runner.start(run, started.timestamp())
    result: dict[str, Any] = {"run": run, "outcome": outcome}
    if acquired is not None and acquired.previous_owner:
        result["previous_owner"] = acquired.previous_owner
    if outcome in ("started", "took-over"):
        hours, crash = store.work_plan(runner.job, started.date().isoformat())
        if crash:
            raise RuntimeError(f"run {run} died after taking the lock (its lease will expire)")
        finish_at = started + timedelta(hours=hours)
        schedule_finish(runner.job, run, finish_at, os.environ["FINISH_ARN"], boto3.client("scheduler"))
        result["finishes"] = finish_at.isoformat()
    return result


def finish_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The one-time schedule at the end of a run: release the lock if this run still holds it."""
    runner, _ = _job()
    released = runner.finish(str(event["run"]))
    return {"run": event["run"], "released": released}


def receive(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``POST /webhooks`` (HTTP API, payload 2.0): verify, refuse replays, enqueue, answer 202."""
    global _receiver
    if _receiver is None:
        _receiver = receiver_from_environment()
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode("utf-8")
    now = event["requestContext"]["timeEpoch"] / 1000
    try:
        event_id = _receiver.receive(event.get("headers"), body, now)
    except WebhookRejected as rejected:
        return json_response(rejected.status, {"message": str(rejected), "check": rejected.attack})
    return json_response(202, {"accepted": event_id})


def process(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS -> apply each webhook event once (SQS delivers at least once: a conditional write)."""
    dynamodb = boto3.client("dynamodb")
    failures = []
    for record in event["Records"]:
        try:
            payload = json.loads(record["body"])
            dynamodb.put_item(
                TableName=os.environ["PROCESSED_TABLE"],
                Item={"event_id": {"S": str(payload["id"])}, "type": {"S": str(payload.get("type", ""))}},
                ConditionExpression="attribute_not_exists(event_id)",
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            continue  # processed before: a redelivery
        except (KeyError, ValueError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def noop(event: Any, context: Any) -> None:
    """A target that only counts its invocations (the flexible-window demonstration)."""
