"""Reference solution of the saga exercise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import boto3

STEPS = ("reserve_inventory", "charge_payment", "create_shipment", "send_confirmation")
Step = tuple[str, Callable[[str], Any], Callable[[str], Any]]
_clients: dict[str, Any] = {}


def compensation_order(log: dict[str, str]) -> list[str]:
    """Task 1: the steps of ``log`` to compensate, in the order their compensations must run."""
    unknown = sorted(set(log) - set(STEPS))
    if unknown:
        raise ValueError(f"unknown step(s) {unknown}; the steps are {list(STEPS)}")
    return [step for step in reversed(STEPS) if log.get(step) in ("STARTED", "DONE", "FAILED")]


def compensate(table_name: str, saga_id: str, *, status: str, compensated_status: str) -> str:
    """Task 2: undo the saga's record at most once; "undone", "duplicate" or "nothing_to_undo"."""
    if "dynamodb" not in _clients:
        _clients["dynamodb"] = boto3.client("dynamodb")
    dynamodb = _clients["dynamodb"]
    try:
        response = dynamodb.update_item(
            TableName=table_name,
            Key={"saga_id": {"S": saga_id}},
            UpdateExpression="SET #status = :compensated",
            ConditionExpression="attribute_not_exists(saga_id) OR #status = :active",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":compensated": {"S": compensated_status}, ":active": {"S": status}},
            ReturnValues="ALL_OLD",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return "duplicate"
    return "undone" if response.get("Attributes") else "nothing_to_undo"


def run_saga(saga_id: str, steps: Sequence[Step], *, attempts: int = 3) -> dict[str, Any]:
    """Task 3: run the steps; on a failure compensate in reverse, retrying, and park what keeps failing."""
    failed_at = None
    for index, (_name, do, _undo) in enumerate(steps):
        try:
            do(saga_id)
        except Exception:
            failed_at = index
            break
    if failed_at is None:
        return {"status": "COMPLETED", "failed_step": None, "compensated": [], "parked": []}
    compensated, parked = [], []
    for name, _do, undo in reversed(steps[: failed_at + 1]):
        for _ in range(attempts):
            try:
                undo(saga_id)
            except Exception:
                continue
            compensated.append(name)
            break
        else:
            parked.append(name)
    return {
        "status": "PARKED" if parked else "COMPENSATED",
        "failed_step": steps[failed_at][0],
        "compensated": compensated,
        "parked": parked,
    }
