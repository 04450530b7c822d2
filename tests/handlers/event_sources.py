"""Handlers for the event-source tests: each leaves what it received where a test can read it.

Settings come from environment variables: ``RECORD_QUEUE_URL`` (where ``record_event`` sends events),
``TABLE`` (counters and per-shard lists), ``POISON`` (the body or item that fails), ``REPORT=yes``
(report failures in ``batchItemFailures`` instead of raising), ``SLEEP_S``, ``RESPONSE``.
"""

import base64
import json
import os
import time
from typing import Any

import boto3

_clients: dict[str, Any] = {}


def _client(service: str) -> Any:
    if service not in _clients:
        _clients[service] = boto3.client(service)  # type: ignore[call-overload]
    return _clients[service]


def _count(key: str, counter: str) -> None:
    _client("dynamodb").update_item(
        TableName=os.environ["TABLE"],
        Key={"id": {"S": key}},
        UpdateExpression="ADD #counter :one",
        ExpressionAttributeNames={"#counter": counter},
        ExpressionAttributeValues={":one": {"N": "1"}},
    )


def _append(key: str, item: str) -> None:
    _client("dynamodb").update_item(
        TableName=os.environ["TABLE"],
        Key={"id": {"S": key}},
        UpdateExpression="SET #items = list_append(if_not_exists(#items, :empty), :item)",
        ExpressionAttributeNames={"#items": "processed"},
        ExpressionAttributeValues={":empty": {"L": []}, ":item": {"L": [{"S": item}]}},
    )


def record_event(event: Any, context: Any) -> None:
    """Send the event, exactly as received, to the queue RECORD_QUEUE_URL."""
    _client("sqs").send_message(QueueUrl=os.environ["RECORD_QUEUE_URL"], MessageBody=json.dumps(event))


def consume_sqs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Count every delivery of every body; count it processed unless it is the POISON body.

    The poison body is reported in ``batchItemFailures`` with REPORT=yes; otherwise the whole invocation
    fails before anything is processed.
    """
    time.sleep(float(os.environ.get("SLEEP_S", "0")))
    failures = []
    for record in event["Records"]:
        _count(record["body"], "deliveries")
        if record["body"] == os.environ.get("POISON"):
            failures.append({"itemIdentifier": record["messageId"]})
    if failures and os.environ.get("REPORT") != "yes":
        raise ValueError(f"cannot process {len(failures)} poison message(s)")
    failed = {failure["itemIdentifier"] for failure in failures}
    for record in event["Records"]:
        if record["messageId"] not in failed:
            _count(record["body"], "processed")
    return {"batchItemFailures": failures}


def respond(event: dict[str, Any], context: Any) -> Any:
    """Return RESPONSE (JSON), with $FIRST replaced by the first record's message id."""
    return json.loads(os.environ["RESPONSE"].replace("$FIRST", event["Records"][0]["messageId"]))


def _stream_item(record: dict[str, Any]) -> tuple[str, str, str]:
    """(shard key, item, sequence number) of a Kinesis or DynamoDB stream record."""
    if record["eventSource"] == "aws:kinesis":
        data = base64.b64decode(record["kinesis"]["data"]).decode()
        return record["eventID"].split(":")[0], data, record["kinesis"]["sequenceNumber"]
    change = record["dynamodb"]
    return "stream", change["Keys"]["id"]["S"], change["SequenceNumber"]


def consume_stream(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Append every item to its shard's list, in order; fail on the POISON item.

    With REPORT=yes the items before the poison one are processed and the poison one is reported in
    ``batchItemFailures``; otherwise the whole invocation fails before anything is processed.
    """
    time.sleep(float(os.environ.get("SLEEP_S", "0")))
    items = [_stream_item(record) for record in event["Records"]]
    poison = os.environ.get("POISON")
    if os.environ.get("REPORT") != "yes" and any(item == poison for _, item, _ in items):
        raise ValueError(f"cannot process {poison!r}")
    for shard, item, sequence_number in items:
        if item == poison:
            return {"batchItemFailures": [{"itemIdentifier": sequence_number}]}
        _append(shard, item)
    return {"batchItemFailures": []}
