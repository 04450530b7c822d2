"""Handlers for the stream source's tests (pattern 10): each sends what it received to the queue
``RECORD_QUEUE_URL`` so a test can read the events in the order the source made them.

``count_in_window`` adds the batch's records to ``state["count"]`` (``BIG=yes``: a state over 1 MB);
``record_batch`` records partition keys and data of a batch, in order, and succeeds.
"""

import base64
import json
import os
from typing import Any

import boto3

_sqs: Any = None


def _send(body: dict[str, Any]) -> None:
    global _sqs
    if _sqs is None:
        _sqs = boto3.client("sqs")
    _sqs.send_message(QueueUrl=os.environ["RECORD_QUEUE_URL"], MessageBody=json.dumps(body))


def count_in_window(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = event.get("Records", [])
    state = dict(event.get("state") or {})
    state["count"] = int(state.get("count", 0)) + len(records)
    _send({key: value for key, value in event.items() if key != "Records"} | {"records": len(records)})
    if os.environ.get("BIG") == "yes":
        state["padding"] = "x" * (1024 * 1024 + 1)
    return {"state": state}


def record_batch(event: dict[str, Any], context: Any) -> None:
    _send(
        {
            "keys": [r["kinesis"]["partitionKey"] for r in event["Records"]],
            "data": [base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]],
        }
    )
