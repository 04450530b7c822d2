"""Probes of the event-driven exercise: they run in the learner's sandboxed process, put the learner's
pattern on a real (moto) EventBridge bus with an SQS target, send events with ``put_events`` and return
which of them the rule delivered, as plain JSON data for the grader to check."""

from __future__ import annotations

import json
from typing import Any

from exercises.grader.support import learner_module, type_name
from patterns.event_driven.service import pattern_problems
from patterns.lab.resources import ensure_queue
from patterns.lab.sandbox import Backend, Sandbox, aws_sandbox

__all__ = ["route", "warm_up"]

BUS = "exercise-bus"


def _deliveries(sandbox: Sandbox, pattern: dict[str, Any], events: list[dict[str, Any]]) -> list[int]:
    """The indices of ``events`` that a rule with ``pattern`` delivered to its queue."""
    client = sandbox.client("events")
    client.create_event_bus(Name=BUS)
    queue = ensure_queue("exercise-target")
    client.put_rule(Name="learner", EventBusName=BUS, EventPattern=json.dumps(pattern))
    client.put_targets(Rule="learner", EventBusName=BUS, Targets=[{"Id": "q", "Arn": queue.arn}])
    index_of: dict[str, int] = {}
    for start in range(0, len(events), 10):
        entries = [
            {
                "EventBusName": BUS,
                "Source": event["source"],
                "DetailType": event["detail-type"],
                "Detail": json.dumps(event["detail"]),
            }
            for event in events[start : start + 10]
        ]
        answer = client.put_events(Entries=entries)
        for offset, entry in enumerate(answer["Entries"]):
            index_of[entry["EventId"]] = start + offset
    sandbox.settle()
    sqs = sandbox.client("sqs")
    delivered: list[int] = []
    while messages := sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            delivered.append(index_of[json.loads(message["Body"])["id"]])
            sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
    return sorted(delivered)


def warm_up() -> None:
    """Load moto's EventBridge and SQS once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        _deliveries(sandbox, {"source": ["warm"]}, [{"source": "warm", "detail-type": "w", "detail": {}}])


def route(function: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Call the learner's ``function``; put its pattern on a bus and send ``events``; return what the
    rule delivered (indices into ``events``), or why the pattern could not be used."""
    module = learner_module("routing")
    pattern = getattr(module, function)()
    if type(pattern) is not dict:
        return {"returned_type": type_name(pattern)}
    try:
        json.dumps(pattern)
    except (TypeError, ValueError) as error:
        return {"returned_type": "dict", "not_json": str(error)}
    problems = pattern_problems(pattern)
    if problems:
        return {"returned_type": "dict", "pattern": pattern, "problems": problems}
    with aws_sandbox(backend=Backend()) as sandbox:
        delivered = _deliveries(sandbox, pattern, events)
    return {"returned_type": "dict", "pattern": pattern, "delivered": delivered}
