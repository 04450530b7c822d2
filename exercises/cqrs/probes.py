"""Probes of the CQRS exercise: they run in the learner's process, call the learner's event store and
projection inside a fresh AWS sandbox (concurrent calls with every read held until all have read:
``hold_reads``), and return plain JSON data for the grader to check."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import learner_module
from patterns.lab import aws_sandbox
from patterns.lab.races import hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Backend, Sandbox

EVENTS = "order-events"
VIEW = "order-view"
ORDER = "o-1"


def warm_up() -> None:
    """Load the course code and moto's DynamoDB once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        _tables(sandbox).get_item(TableName=VIEW, Key={"order_id": {"S": ORDER}})


def _tables(sandbox: Sandbox) -> Any:
    client = sandbox.client("dynamodb")
    ensure_table(
        EVENTS, hash_key="order_id", range_key="version", attribute_types={"version": "N"}, client=client
    )
    ensure_table(VIEW, hash_key="order_id", client=client)
    return client


def _stored(client: Any) -> list[list[Any]]:
    items = client.query(
        TableName=EVENTS,
        KeyConditionExpression="order_id = :o",
        ExpressionAttributeValues={":o": {"S": ORDER}},
        ConsistentRead=True,
    )["Items"]
    return [[int(i["version"]["N"]), i["type"]["S"], json.loads(i["data"]["S"])] for i in items]


def _view(client: Any) -> dict[str, Any]:
    item = client.get_item(TableName=VIEW, Key={"order_id": {"S": ORDER}}, ConsistentRead=True).get(
        "Item", {}
    )
    plain: dict[str, Any] = {}
    for name, value in item.items():
        kind, data = next(iter(value.items()))
        plain[name] = int(data) if kind == "N" else data
    return plain


def append(calls: list[list[Any]]) -> dict[str, Any]:
    """Task 1: append_event(version, type, data) for each call in turn; then the stored events."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("event_store")
        client = _tables(sandbox)
        returned = [module.append_event(client, EVENTS, _event(call)) for call in calls]
        return {"returned": returned, "stored": _stored(client)}


def append_together(before: list[list[Any]], together: list[list[Any]]) -> dict[str, Any]:
    """Task 1: ``before`` in turn, then ``together`` all at once (each call's reads held until every
    call has read or finished); then the stored events."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("event_store")
        client = _tables(sandbox)
        first = [module.append_event(client, EVENTS, _event(call)) for call in before]
        with hold_reads(len(together)) as gate, ThreadPoolExecutor(len(together)) as pool:
            call = gate.participant(lambda c: module.append_event(client, EVENTS, _event(c)))
            returned = list(pool.map(call, together))
        return {
            "before": first,
            "returned": returned,
            "stored": _stored(client),
            "race": gate.report().as_data(),
        }


def _event(call: list[Any]) -> dict[str, Any]:
    version, kind, data = call
    return {"order_id": ORDER, "version": version, "type": kind, "data": data}


def project(events: list[list[Any]]) -> dict[str, Any]:
    """Task 2: project(event) for each (version, type, data) in turn; then the view item."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("event_store")
        client = _tables(sandbox)
        returned = [module.project(client, VIEW, _event(call)) for call in events]
        return {"returned": returned, "view": _view(client)}


def project_together(before: list[list[Any]], together: list[list[Any]]) -> dict[str, Any]:
    """Task 2: ``before`` in turn, then ``together`` all at once (reads held); then the view item."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("event_store")
        client = _tables(sandbox)
        first = [module.project(client, VIEW, _event(call)) for call in before]
        with hold_reads(len(together)) as gate, ThreadPoolExecutor(len(together)) as pool:
            call = gate.participant(lambda c: module.project(client, VIEW, _event(c)))
            returned = list(pool.map(call, together))
        return {"before": first, "returned": returned, "view": _view(client), "race": gate.report().as_data()}
