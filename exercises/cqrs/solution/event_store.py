"""Reference solution: a conditional put decides every append; a conditional write on the view's
version applies each event once, in order."""

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
    try:
        dynamodb.put_item(
            TableName=table_name,
            Item={
                "order_id": {"S": event["order_id"]},
                "version": {"N": str(event["version"])},
                "type": {"S": event["type"]},
                "data": {"S": json.dumps(event["data"])},
            },
            ConditionExpression="attribute_not_exists(version)",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def project(dynamodb: Any, view_table: str, event: dict[str, Any]) -> bool:
    """Task 2: apply ``event`` to the order's view item if it is the next version; True if this call did."""
    order_id, version = event["order_id"], event["version"]
    key = {"order_id": {"S": order_id}}
    values: dict[str, Any] = {":v": {"N": str(version)}, ":previous": {"N": str(version - 1)}}
    if event["type"] == "OrderPlaced":
        update = "SET version = :v, #s = :placed, item_count = :n"
        values[":placed"] = {"S": "placed"}
        values[":n"] = {"N": str(len(event["data"]["lines"]))}
        condition = "attribute_not_exists(order_id)"
        del values[":previous"]
    else:
        condition = "version = :previous"
        if event["type"] == "ItemAdded":
            update = "SET version = :v ADD item_count :one"
            values[":one"] = {"N": "1"}
        else:
            update = "SET version = :v, #s = :status"
            values[":status"] = {"S": "cancelled" if event["type"] == "OrderCancelled" else "shipped"}
    request: dict[str, Any] = {
        "TableName": view_table,
        "Key": key,
        "UpdateExpression": update,
        "ConditionExpression": condition,
        "ExpressionAttributeValues": values,
    }
    if "#s" in update:
        request["ExpressionAttributeNames"] = {"#s": "status"}
    try:
        dynamodb.update_item(**request)
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True
