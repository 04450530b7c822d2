"""Variant: a large dependency (numpy) for arithmetic plain Python does as well.

The result is the same; the cold start pays for importing numpy's tree of modules and shared
libraries, and the deployment package grows by tens of megabytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy

from patterns.cold_starts.adapters import QuoteStore, quote_store_from_environment
from patterns.cold_starts.handlers import answer_quote
from patterns.cold_starts.service import QuoteLine

__all__ = ["handler", "numpy_subtotal"]

_store: QuoteStore | None = None


def numpy_subtotal(lines: Sequence[QuoteLine]) -> float:
    """The subtotal as a numpy dot product of quantities and unit prices."""
    quantities = numpy.array([line.quantity for line in lines], dtype=float)
    prices = numpy.array([line.unit_price for line in lines], dtype=float)
    return float(numpy.dot(quantities, prices))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Price (with numpy) and store a quote; the client is made on this environment's first request."""
    global _store
    if _store is None:
        _store = quote_store_from_environment()
    return answer_quote(event, context, _store, subtotal=numpy_subtotal)
