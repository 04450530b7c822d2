"""Reference solution of the api-crud exercise."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

_dynamodb = boto3.client("dynamodb")  # init code: once per execution environment, as AWS advises
MAX_PRICE_CENTS = 100_000_000


class InvalidItem(ValueError):
    """The body is not a valid item; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StaleWrite(Exception):
    """The item is not at the version the caller changed; ``current`` is its version now (None: no item)."""

    def __init__(self, current: int | None) -> None:
        super().__init__(f"the item is now at version {current}")
        self.current = current


def validate(body: str | None) -> dict[str, Any]:
    """Task 1: the JSON body as {"name", "price_cents"}, or raise InvalidItem listing every problem."""
    if body is None or not body.strip():
        raise InvalidItem(["the request has no body"])
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise InvalidItem([f"the body is not JSON: {error}"]) from None
    if type(data) is not dict:
        raise InvalidItem([f"the body must be a JSON object, not {type(data).__name__}"])
    problems = []
    name = data.get("name")
    trimmed = name.strip() if type(name) is str else ""
    if not 1 <= len(trimmed) <= 100:
        problems.append(f"name must be a string of 1 to 100 characters, got {name!r}")
    price = data.get("price_cents")
    if type(price) is not int or not 0 <= price <= MAX_PRICE_CENTS:
        problems.append(f"price_cents must be a whole number from 0 to {MAX_PRICE_CENTS}, got {price!r}")
    problems += [f"unknown field {key!r}" for key in sorted(set(data) - {"name", "price_cents"})]
    if problems:
        raise InvalidItem(problems)
    return {"name": trimmed, "price_cents": price}


def update_item(
    table_name: str, item_id: str, fields: dict[str, Any], expected_version: int
) -> dict[str, Any]:
    """Task 2: store the new fields if the item is at expected_version; return the stored item."""
    item = {"id": item_id, **fields, "version": expected_version + 1}
    try:
        _dynamodb.put_item(
            TableName=table_name,
            Item={
                "id": {"S": item_id},
                "name": {"S": fields["name"]},
                "price_cents": {"N": str(fields["price_cents"])},
                "version": {"N": str(expected_version + 1)},
            },
            ConditionExpression="version = :expected",
            ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
        )
    except _dynamodb.exceptions.ConditionalCheckFailedException:
        stored = _dynamodb.get_item(TableName=table_name, Key={"id": {"S": item_id}}, ConsistentRead=True)
        current = stored.get("Item", {}).get("version", {}).get("N")
        raise StaleWrite(int(current) if current is not None else None) from None
    return item


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: PUT /items/{id} behind API Gateway: 200, 400, 404, 412 or 428."""
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    if_match = headers.get("if-match")
    if if_match is None:
        return _response(428, {"message": "send If-Match with the item's ETag"})
    tag = if_match.strip()
    if not (len(tag) >= 4 and tag.startswith('"v') and tag.endswith('"') and tag[2:-1].isdigit()):
        return _response(412, {"message": f"If-Match {if_match!r} is not an ETag of this API"})
    try:
        fields = validate(event.get("body"))
    except InvalidItem as invalid:
        return _response(400, {"message": "invalid item", "problems": invalid.problems})
    item_id = event["pathParameters"]["id"]
    try:
        item = update_item(os.environ["TABLE_NAME"], item_id, fields, int(tag[2:-1]))
    except StaleWrite as stale:
        if stale.current is None:
            return _response(404, {"message": f"no item {item_id!r}"})
        return _response(412, {"message": str(stale), "current_version": stale.current})
    return _response(200, item, {"ETag": f'"v{item["version"]}"'})
