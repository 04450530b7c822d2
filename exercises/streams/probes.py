"""Probes of the streams exercise: they run in the learner's process, call the learner's functions with
Kinesis records built here, and return plain JSON data for the grader to check."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from exercises.grader.support import learner_module


def _records(orders: list[list[Any]], first_sequence: int = 1000) -> list[dict[str, Any]]:
    """Kinesis records of [customer, amount_cents] pairs, sequence numbers counting up."""
    records = []
    for index, (customer, amount) in enumerate(orders):
        data = json.dumps({"customer": customer, "amount_cents": amount}).encode()
        records.append(
            {
                "kinesis": {
                    "partitionKey": customer,
                    "sequenceNumber": str(first_sequence + index),
                    "data": base64.b64encode(data).decode(),
                },
                "eventSource": "aws:kinesis",
            }
        )
    return records


def respond(orders: list[list[Any]], failing: list[int]) -> dict[str, Any]:
    """Task 1: batch_response on these records, ``process`` raising for the indexes ``failing``."""
    module = learner_module("consumer")
    records = _records(orders)
    processed: list[str] = []

    def process(record: dict[str, Any]) -> None:
        sequence = record["kinesis"]["sequenceNumber"]
        processed.append(sequence)
        if int(sequence) - 1000 in failing:
            raise ValueError(f"record {sequence} cannot be processed")

    returned = module.batch_response(records, process)
    return {"returned": returned, "processed": processed}


def window(state: Any, orders: list[list[Any]], final: bool = False) -> dict[str, Any]:
    """Task 2: window_state on an event with this state and these orders; the event's state afterwards."""
    module = learner_module("consumer")
    event: dict[str, Any] = {
        "Records": _records(orders),
        "window": {"start": "2026-12-04T12:00:00Z", "end": "2026-12-04T12:01:00Z"},
        "shardId": "shardId-000000000000",
        "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
        "isFinalInvokeForWindow": final,
        "isWindowTerminatedEarly": False,
    }
    if state is not None:
        event["state"] = state
    before = copy.deepcopy(state)
    returned = module.window_state(event)
    return {"returned": returned, "state_unchanged": event.get("state") == before}


def shards(records_per_s: int, bytes_per_record: int) -> dict[str, Any]:
    """Task 3: shards_needed for this rate."""
    module = learner_module("consumer")
    return {"returned": module.shards_needed(records_per_s, bytes_per_record)}
