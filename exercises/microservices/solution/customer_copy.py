"""The orders service's copy of customers (reference solution)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

CUSTOMER_EVENTS = ("CustomerRegistered", "CustomerUpdated")
FIELDS: dict[str, type] = {"customer_id": str, "name": str, "credit_status": str, "version": int}

dynamodb = boto3.client("dynamodb")


class ContractBroken(ValueError):
    """The record is not a customer event that keeps its contract; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def copy_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """Task 1: the copy an SQS record's customer event carries, or ContractBroken with every problem."""
    try:
        event = json.loads(record["body"])
    except (KeyError, TypeError, json.JSONDecodeError):
        raise ContractBroken(["body: not a JSON EventBridge event"]) from None
    if not isinstance(event, dict):
        raise ContractBroken(["body: not a JSON EventBridge event"])
    problems = []
    if event.get("detail-type") not in CUSTOMER_EVENTS:
        problems.append(f"detail-type: {event.get('detail-type')!r} is not a customer event")
    detail = event.get("detail")
    if not isinstance(detail, dict):
        problems.append("detail: not an object")
        raise ContractBroken(problems)
    for name, kind in FIELDS.items():
        if name not in detail:
            problems.append(f"{name}: missing")
        elif type(detail[name]) is not kind:
            problems.append(f"{name}: expected {kind.__name__}, got {type(detail[name]).__name__}")
    if problems:
        raise ContractBroken(problems)
    return {name: detail[name] for name in FIELDS}


def apply_copy(table_name: str, copy: dict[str, Any]) -> bool:
    """Task 2: store ``copy`` only if the table holds no version or an older one; True if stored."""
    try:
        dynamodb.put_item(
            TableName=table_name,
            Item={
                "customer_id": {"S": copy["customer_id"]},
                "name": {"S": copy["name"]},
                "credit_status": {"S": copy["credit_status"]},
                "version": {"N": str(copy["version"])},
            },
            ConditionExpression="attribute_not_exists(customer_id) OR version < :v",
            ExpressionAttributeValues={":v": {"N": str(copy["version"])}},
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: apply each record; report the ones that break the contract, keep the rest."""
    failures = []
    for record in event["Records"]:
        try:
            copy = copy_from_record(record)
        except ContractBroken:
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        apply_copy(os.environ["COPY_TABLE"], copy)
    return {"batchItemFailures": failures}
