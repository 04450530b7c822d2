"""Handlers of pattern 23: a price quote, stable (version 1) and a canary that fails some requests."""

from __future__ import annotations

import os
from typing import Any

from patterns.deploy_test.service import should_fail

__all__ = ["quote", "quote_canary"]


def quote(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Version 1: answers every request."""
    return {"id": str(event["id"]), "price_cents": 1999}


def quote_canary(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Version 2: a new price rule with a bug that fails a share ``FAILURE_RATE`` of request ids."""
    if should_fail(str(event["id"]), float(os.environ.get("FAILURE_RATE", "0"))):
        raise RuntimeError(f"price rule failed for request {event['id']}")
    return {"id": str(event["id"]), "price_cents": 1899}
