"""API Gateway proxy responses: what a handler behind API Gateway returns, and how to read one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["json_response", "response_json"]


def json_response(status: int, body: Any, *, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Lambda proxy-integration response with a JSON body."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def response_json(response: Mapping[str, Any]) -> Any:
    """The decoded JSON body of a proxy-integration response."""
    return json.loads(response.get("body") or "null")
