"""Your event patterns. Each function returns one EventBridge event pattern as a ``dict``.

Replace each ``raise NotImplementedError`` with ``return {...}``. The grader puts your pattern on a
real (moto) EventBridge bus and sends events with ``put_events``: what it checks is which events your
rule delivers.
"""

from __future__ import annotations

from typing import Any


def refund_pattern() -> dict[str, Any]:
    """Task 1: RefundRequested events from ``payments`` whose ``detail.amount`` is > 0 and <= 500."""
    raise NotImplementedError("Task 1: refund_pattern is not written yet")


def priority_pattern() -> dict[str, Any]:
    """Task 2: OrderCreated events from ``orders`` whose ``detail.tier`` is ``gold`` or whose
    ``detail.total`` is >= 1000 (or both)."""
    raise NotImplementedError("Task 2: priority_pattern is not written yet")


def alert_pattern() -> dict[str, Any]:
    """Task 3: events from any source starting with ``shop.`` whose detail has an ``error`` field, unless
    ``detail.environment`` is ``test``."""
    raise NotImplementedError("Task 3: alert_pattern is not written yet")
