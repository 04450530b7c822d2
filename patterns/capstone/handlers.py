"""The reference assembly the notebook runs and measures: four handlers wiring the course's building blocks.

``place_order`` (``POST /orders``): an ``Idempotency-Key`` claimed by pattern 17's executor, whose
protected side effect runs pattern 14's saga and publishes one EventBridge event; ``project``: the read
model, one conditional write per order. Deployed by :func:`patterns.capstone.system.deploy`.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

from patterns.idempotency.adapters import DynamoDbRecordStore, lab_now
from patterns.idempotency.exceptions import AlreadyInProgressError, PayloadMismatchError
from patterns.idempotency.service import IdempotentExecutor, PaymentRequest, crash_at
from patterns.saga.adapters import DynamoDbServiceStore
from patterns.saga.exceptions import InvalidOrderError
from patterns.saga.service import STEPS, Order, ServiceStore, check_fault, compensate_step, perform_step

SOURCE = "capstone.orders"
__all__ = ["order_event", "place_order", "project", "run_order"]
_clients: dict[str, Any] = {}


def _client(service: str) -> Any:
    """One client per service and execution environment, created on first use (not at import)."""
    if service not in _clients:
        _clients[service] = boto3.client("dynamodb") if service == "dynamodb" else boto3.client("events")
    return _clients[service]


def run_order(
    saga_id: str, order: Order, stores: dict[str, ServiceStore], faults: dict[str, Any]
) -> dict[str, Any]:
    """Task 1: the saga. Each step in order; on a failure compensate it and the steps before, in reverse."""
    done: list[Any] = []
    for spec in STEPS:
        done.append(spec)
        try:
            check_fault(faults, spec.action, 1)
            perform_step(spec, saga_id, order, stores[spec.service], at=str(lab_now()))
        except Exception:
            compensated = []
            for undo in reversed(done):
                compensate_step(undo, saga_id, stores[undo.service])
                compensated.append(undo.action)
            return {"status": "COMPENSATED", "failed_step": spec.action, "compensated": compensated}
    return {"status": "COMPLETED", "failed_step": None, "compensated": []}


def order_event(order: Order, outcome: dict[str, Any], bus: str) -> dict[str, Any]:
    """Task 2: the PutEvents entry that announces the order's outcome."""
    completed = outcome["status"] == "COMPLETED"
    detail = {
        "order_id": order.order_id,
        "status": outcome["status"],
        "amount_cents": order.amount_cents,
        "failed_step": outcome["failed_step"],
    }
    return {
        "Source": SOURCE,
        "DetailType": "OrderCompleted" if completed else "OrderCancelled",
        "Detail": json.dumps(detail, sort_keys=True),
        "EventBusName": bus,
    }


class _OrderRun:
    """The side effect the idempotency key protects: run the saga, publish its event."""

    def __init__(self, order: Order) -> None:
        self.order = order

    def charge(self, order_id: str, amount_cents: int, key: str) -> str:  # noqa: ARG002 (the Ledger's signature)
        tables = json.loads(os.environ["SERVICE_TABLES"])
        stores: dict[str, ServiceStore] = {
            service: DynamoDbServiceStore(table, _client("dynamodb")) for service, table in tables.items()
        }
        outcome = run_order(order_id, self.order, stores, json.loads(os.environ.get("FAULTS") or "{}"))
        entry = order_event(self.order, outcome, os.environ["EVENT_BUS"])
        _client("events").put_events(Entries=[entry])
        return str(outcome["status"])


def _answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def place_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: POST /orders, once per Idempotency-Key."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    key = headers.get("idempotency-key")
    if not key:
        return _answer(400, {"error": "the Idempotency-Key header is required"})
    try:
        order = Order.from_dict(json.loads(event.get("body") or "null"))
    except (InvalidOrderError, json.JSONDecodeError) as error:
        return _answer(400, {"error": str(error)})
    executor = IdempotentExecutor(
        DynamoDbRecordStore(os.environ["IDEMPOTENCY_TABLE"], _client("dynamodb")), _OrderRun(order), lab_now
    )
    request = PaymentRequest(key, order.order_id, order.amount_cents)
    checkpoint = crash_at(os.environ.get("CRASH_AT") or None)
    try:
        execution = executor.execute(
            request, lock_for_s=context.get_remaining_time_in_millis() / 1000, checkpoint=checkpoint
        )
    except AlreadyInProgressError:
        return _answer(409, {"error": "in-progress"})
    except PayloadMismatchError:
        return _answer(422, {"error": "payload-mismatch"})
    status = execution.result["charge_id"]
    return _answer(201 if status == "COMPLETED" else 409, {"order_id": order.order_id, "status": status})


def project(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 4: the read model: one row per order, written once however often the event arrives."""
    detail = event["detail"]
    try:
        _client("dynamodb").put_item(
            TableName=os.environ["VIEW_TABLE"],
            Item={
                "order_id": {"S": detail["order_id"]},
                "status": {"S": detail["status"]},
                "amount_cents": {"N": str(detail["amount_cents"])},
            },
            ConditionExpression="attribute_not_exists(order_id)",
        )
    except _client("dynamodb").exceptions.ConditionalCheckFailedException:
        return {"applied": False}
    return {"applied": True}
