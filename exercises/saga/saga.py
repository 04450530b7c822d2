"""Your saga. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

STEPS = ("reserve_inventory", "charge_payment", "create_shipment", "send_confirmation")
Step = tuple[str, Callable[[str], Any], Callable[[str], Any]]


def compensation_order(log: dict[str, str]) -> list[str]:
    """Task 1: the steps of ``log`` to compensate, in the order their compensations must run."""
    raise NotImplementedError("Task 1: compensation_order is not written yet")


def compensate(table_name: str, saga_id: str, *, status: str, compensated_status: str) -> str:
    """Task 2: undo the saga's record at most once; "undone", "duplicate" or "nothing_to_undo"."""
    raise NotImplementedError("Task 2: compensate is not written yet")


def run_saga(saga_id: str, steps: Sequence[Step], *, attempts: int = 3) -> dict[str, Any]:
    """Task 3: run the steps; on a failure compensate in reverse, retrying, and park what keeps failing."""
    raise NotImplementedError("Task 3: run_saga is not written yet")
