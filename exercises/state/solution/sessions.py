"""Reference solution of the state exercise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3

_dynamodb = boto3.client("dynamodb")  # init code: once per execution environment, as AWS advises


def read_session(table_name: str, session_id: str, now: float) -> dict[str, Any] | None:
    """Task 1: the session {"session_id", "user", "expires_at"} if it exists and is live at ``now``."""
    item = _dynamodb.get_item(TableName=table_name, Key={"session_id": {"S": session_id}}).get("Item")
    if item is None:
        return None
    expires_at = int(item["expires_at"]["N"])
    if now >= expires_at:  # expired: DynamoDB may not have deleted it yet
        return None
    return {"session_id": item["session_id"]["S"], "user": item["user"]["S"], "expires_at": expires_at}


def count_visit(table_name: str, name: str) -> int:
    """Task 2: add one to the counter ``name`` atomically; return the new total."""
    response = _dynamodb.update_item(
        TableName=table_name,
        Key={"name": {"S": name}},
        UpdateExpression="ADD #value :one",
        ExpressionAttributeNames={"#value": "value"},
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    return int(response["Attributes"]["value"]["N"])


def cached(
    cache: dict[str, Any], key: str, now: float, ttl_s: float, load: Callable[[str], Any]
) -> tuple[Any, bool]:
    """Task 3: the value for ``key`` and whether it came from ``cache`` (loaded at most ``ttl_s`` ago)."""
    entry = cache.get(key)
    if entry is not None and now - entry[1] < ttl_s:
        return entry[0], True
    value = load(key)
    cache[key] = (value, now)
    return value, False
