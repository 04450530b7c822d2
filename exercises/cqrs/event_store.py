"""Your event store and read-model projection. Replace each ``raise NotImplementedError`` with your code.

``dynamodb`` is a boto3 DynamoDB client. The events table's key is ``order_id`` (a string, partition
key) and ``version`` (a number, sort key); the view table's key is ``order_id``.
"""

from __future__ import annotations

import json
from typing import Any


def read_events(dynamodb: Any, table_name: str, order_id: str) -> list[dict[str, Any]]:
    """Given: the order's stored events in version order, as ``{"version", "type", "data"}`` dicts."""
    response = dynamodb.query(
        TableName=table_name,
        KeyConditionExpression="order_id = :o",
        ExpressionAttributeValues={":o": {"S": order_id}},
        ConsistentRead=True,
    )
    return [
        {
            "version": int(item["version"]["N"]),
            "type": item["type"]["S"],
            "data": json.loads(item["data"]["S"]),
        }
        for item in response["Items"]
    ]


def append_event(dynamodb: Any, table_name: str, event: dict[str, Any]) -> bool:
    """Task 1: store ``event`` at its version; True if this call stored it, False if the version is taken."""
    raise NotImplementedError("Task 1: append_event is not written yet")


def project(dynamodb: Any, view_table: str, event: dict[str, Any]) -> bool:
    """Task 2: apply ``event`` to the order's view item if it is the next version; True if this call did."""
    raise NotImplementedError("Task 2: project is not written yet")
