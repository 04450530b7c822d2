"""HTTP concerns both routers share: request checks (413, 415, 428), CORS headers and error responses.

Kept apart from :mod:`.service` (no HTTP there) and used by the hand-written router
(:mod:`.handlers`) and by the Powertools one (:mod:`.powertools_app`), so the two differ only in what a
router does: matching routes, parsing parameters, answering preflights.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from patterns.api_crud.exceptions import (
    InvalidCursorError,
    InvalidItemError,
    ItemApiError,
    ItemNotFoundError,
    StaleWriteError,
)
from patterns.lab.http import json_response

__all__ = [
    "ALLOWED_HEADERS",
    "EXPOSED_HEADERS",
    "MAX_AGE_S",
    "MAX_BODY_BYTES",
    "allowed_origins",
    "cors_headers",
    "error_response",
    "header",
    "request_problem",
]

MAX_BODY_BYTES = 16 * 1024  # an item is small: the API refuses bodies above 16 KiB (API Gateway allows 10 MB)
ALLOWED_HEADERS = ("Content-Type", "If-Match")
EXPOSED_HEADERS = ("ETag", "Location")
MAX_AGE_S = 600


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A request header by case-insensitive name."""
    lowered = name.lower()
    return next((value for key, value in (headers or {}).items() if key.lower() == lowered), None)


def allowed_origins() -> list[str]:
    """The origins allowed to call the API from a browser: ``ALLOWED_ORIGINS``, comma-separated."""
    return [o.strip() for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o.strip()]


def cors_headers(origin: str | None, methods: str | None = None) -> dict[str, str]:
    """CORS headers for an allowed ``origin`` (echoed, never ``*``); none at all for any other origin."""
    if origin is None or origin not in allowed_origins():
        return {}
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Headers": ",".join(ALLOWED_HEADERS),
        "Access-Control-Expose-Headers": ",".join(EXPOSED_HEADERS),
        "Access-Control-Max-Age": str(MAX_AGE_S),
        "Vary": "Origin",
    }
    if methods:
        headers["Access-Control-Allow-Methods"] = methods
    return headers


def request_problem(
    method: str, headers: Mapping[str, str] | None, body: str | None
) -> dict[str, Any] | None:
    """A 413 or 415 response for a body this API does not accept, or None."""
    if method not in {"POST", "PUT"}:
        return None
    size = len((body or "").encode())
    if size > MAX_BODY_BYTES:
        return json_response(413, {"message": f"the body is {size} bytes; the limit is {MAX_BODY_BYTES}"})
    content_type = (header(headers, "content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return json_response(
            415, {"message": f"send Content-Type: application/json, not {content_type or 'nothing'!r}"}
        )
    return None


def error_response(error: ItemApiError) -> dict[str, Any]:
    """The HTTP answer to a service error."""
    if isinstance(error, InvalidItemError):
        return json_response(400, {"message": "invalid request", "problems": error.problems})
    if isinstance(error, InvalidCursorError):
        return json_response(400, {"message": str(error)})
    if isinstance(error, ItemNotFoundError):
        return json_response(404, {"message": str(error)})
    if isinstance(error, StaleWriteError):
        return json_response(412, {"message": str(error), "current_version": error.current})
    return json_response(500, {"message": "internal error"})
