"""Your fulfil function. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from typing import Any


class ContractBroken(ValueError):
    """The delivery is not a PaymentProcessed event that keeps its contract; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def payment_processed(event: dict[str, Any]) -> dict[str, Any]:
    """Task 1: the detail of a PaymentProcessed delivery, or raise ContractBroken listing every problem."""
    raise NotImplementedError("Task 1: payment_processed is not written yet")


def claim_order(table_name: str, payment: dict[str, Any]) -> bool:
    """Task 2: record the fulfilment with a conditional write; True if this call claimed the order."""
    raise NotImplementedError("Task 2: claim_order is not written yet")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: fulfil the order once: claim it, then send one confirmation; a repeat does nothing."""
    raise NotImplementedError("Task 3: handler is not written yet")
