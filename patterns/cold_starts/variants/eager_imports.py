"""Variant: heavy imports at module top, as the seeds' "import everything" snippet does.

matplotlib and numpy are only needed by the rare chart request, but importing them here makes every
cold start pay for them, whether or not that environment ever draws a chart.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot  # noqa: F401  (imported up front; only the chart request uses matplotlib)
import numpy  # noqa: F401  (imported up front; no request needs it)

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
