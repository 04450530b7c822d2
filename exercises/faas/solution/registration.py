"""Reference solution of the faas exercise."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import boto3

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_clients: dict[str, Any] = {}


class InvalidRegistration(ValueError):
    """The body is not a valid registration; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _client(service: str) -> Any:
    if service not in _clients:
        _clients[service] = boto3.client(service)  # type: ignore[call-overload]
    return _clients[service]


def parse_registration(body: str | None) -> dict[str, Any]:
    if body is None or not body.strip():
        raise InvalidRegistration(["the request has no body"])
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise InvalidRegistration([f"the body is not valid JSON: {error.msg}"]) from None
    if not isinstance(data, dict):
        raise InvalidRegistration(["the body must be a JSON object"])
    problems = []
    email, name, company = data.get("email"), data.get("name"), data.get("company")
    if not isinstance(email, str) or not EMAIL.match(email.strip()):
        problems.append("email is missing or not a valid address")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 100:
        problems.append("name must be a string of 1-100 characters")
    if company is not None and not isinstance(company, str):
        problems.append("company must be a string")
    if problems:
        raise InvalidRegistration(problems)
    assert isinstance(email, str)
    assert isinstance(name, str)
    return {
        "email": email.strip().lower(),
        "name": name.strip(),
        "company": company.strip() if company else None,
    }


def save_user(table_name: str, user: dict[str, Any]) -> bool:
    item = {"email": {"S": user["email"]}, "name": {"S": user["name"]}}
    if user.get("company") is not None:
        item["company"] = {"S": user["company"]}
    dynamodb = _client("dynamodb")
    try:
        dynamodb.put_item(TableName=table_name, Item=item, ConditionExpression="attribute_not_exists(email)")
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def _response(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        user = parse_registration(event.get("body"))
    except InvalidRegistration as invalid:
        return _response(400, {"problems": invalid.problems})
    if not save_user(os.environ["TABLE_NAME"], user):
        return _response(409, {"error": f"{user['email']} is already registered"})
    _client("sns").publish(TopicArn=os.environ["TOPIC_ARN"], Message=json.dumps(user))
    return _response(201, user)
