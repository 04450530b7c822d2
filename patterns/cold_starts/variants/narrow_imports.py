"""Baseline variant: narrow imports, chart library imported lazily, client once per environment."""

from __future__ import annotations

from typing import Any

from patterns.cold_starts.adapters import QuoteStore, quote_store_from_environment
from patterns.cold_starts.handlers import answer_quote

__all__ = ["handler"]

_store: QuoteStore | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Price and store a quote; the DynamoDB client is made on this environment's first request."""
    global _store
    if _store is None:
        _store = quote_store_from_environment()
    return answer_quote(event, context, _store)
