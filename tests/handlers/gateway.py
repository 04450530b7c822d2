"""Handlers behind the lab's API front door: they answer with what they were given."""

import base64
from typing import Any

from patterns.lab.http import json_response


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """What the function saw, in either payload format."""
    version = event.get("version", "1.0")
    method = event["httpMethod"] if version == "1.0" else event["requestContext"]["http"]["method"]
    path = event["path"] if version == "1.0" else event["rawPath"]
    return json_response(
        200,
        {
            "version": version,
            "method": method,
            "path": path,
            "route": event.get("resource") or event.get("routeKey"),
            "pathParameters": event.get("pathParameters"),
            "query": event.get("queryStringParameters"),
            "body": event.get("body"),
            "isBase64Encoded": event["isBase64Encoded"],
            "cookies": event.get("cookies"),
        },
        headers={"X-Seen-By": "echo"},
    )


def malformed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": "OK", "body": "a status that is not a number"}


def fails(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("the handler failed on purpose")


def bare(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"hello": "world"}


def picture(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png"},
        "body": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode(),
        "isBase64Encoded": True,
        "cookies": ["session=abc; HttpOnly"],
    }


def clock(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return json_response(200, {"epoch_ms": event["requestContext"]["requestTimeEpoch"]})
