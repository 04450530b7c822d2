"""Reference solution of the event-driven exercise."""

from __future__ import annotations

from typing import Any


def refund_pattern() -> dict[str, Any]:
    """Task 1: RefundRequested events from ``payments`` whose ``detail.amount`` is > 0 and <= 500."""
    return {
        "source": ["payments"],
        "detail-type": ["RefundRequested"],
        "detail": {"amount": [{"numeric": [">", 0, "<=", 500]}]},
    }


def priority_pattern() -> dict[str, Any]:
    """Task 2: OrderCreated events from ``orders`` whose ``detail.tier`` is ``gold`` or whose
    ``detail.total`` is >= 1000 (or both)."""
    return {
        "source": ["orders"],
        "detail-type": ["OrderCreated"],
        "$or": [
            {"detail": {"tier": ["gold"]}},
            {"detail": {"total": [{"numeric": [">=", 1000]}]}},
        ],
    }


def alert_pattern() -> dict[str, Any]:
    """Task 3: events from any source starting with ``shop.`` whose detail has an ``error`` field, unless
    ``detail.environment`` is ``test``."""
    return {
        "source": [{"prefix": "shop."}],
        "detail": {"error": [{"exists": True}], "environment": [{"anything-but": ["test"]}]},
    }
