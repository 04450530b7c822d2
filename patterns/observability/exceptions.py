"""The observability pattern's errors."""

from __future__ import annotations

__all__ = ["InvalidOrderError", "ObservabilityError", "OrderNotTracedError"]


class ObservabilityError(Exception):
    """Base of this pattern's errors."""


class InvalidOrderError(ObservabilityError, ValueError):
    """An order event lacks what ``place_order`` needs (an id, a positive amount)."""


class OrderNotTracedError(ObservabilityError, LookupError):
    """No log line carries the correlation id asked for, so no trace can be drawn."""
