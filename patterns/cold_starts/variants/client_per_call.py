"""Variant: a new DynamoDB client on every request (the seeds' "bad" example), instead of once per
execution environment. Warm requests pay for building the client (and its connection) every time."""

from __future__ import annotations

from typing import Any

from patterns.cold_starts.adapters import quote_store_from_environment
from patterns.cold_starts.handlers import answer_quote

__all__ = ["handler"]


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Price and store a quote with a client made for this request alone."""
    return answer_quote(event, context, quote_store_from_environment())
