"""Reference solution of the choreography exercise."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

from patterns.choreography.contracts import SCHEMAS, problems_with

_clients: dict[str, Any] = {}


class ContractBroken(ValueError):
    """The delivery is not a PaymentProcessed event that keeps its contract; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _client(service: str) -> Any:
    if service not in _clients:
        _clients[service] = boto3.client(service)  # type: ignore[call-overload]
    return _clients[service]


def payment_processed(event: dict[str, Any]) -> dict[str, Any]:
    if event.get("detail-type") != "PaymentProcessed":
        raise ContractBroken([f"detail-type is {event.get('detail-type')!r}, expected 'PaymentProcessed'"])
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise ContractBroken([f"detail must be a JSON object, got {type(detail).__name__}"])
    problems = problems_with(SCHEMAS["PaymentProcessed"], detail)
    if problems:
        raise ContractBroken(problems)
    return detail


def claim_order(table_name: str, payment: dict[str, Any]) -> bool:
    dynamodb = _client("dynamodb")
    try:
        dynamodb.put_item(
            TableName=table_name,
            Item={
                "order_id": {"S": payment["order_id"]},
                "payment_id": {"S": payment["payment_id"]},
                "correlation_id": {"S": payment["correlation_id"]},
                "status": {"S": "FULFILLED"},
            },
            ConditionExpression="attribute_not_exists(order_id)",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    payment = payment_processed(event)
    if not claim_order(os.environ["TABLE_NAME"], payment):
        return {"order_id": payment["order_id"], "outcome": "duplicate"}
    message = {
        "to": payment["email"],
        "order_id": payment["order_id"],
        "payment_id": payment["payment_id"],
        "correlation_id": payment["correlation_id"],
    }
    _client("sqs").send_message(QueueUrl=os.environ["EMAIL_QUEUE_URL"], MessageBody=json.dumps(message))
    return {"order_id": payment["order_id"], "outcome": "fulfilled"}
