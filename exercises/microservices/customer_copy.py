"""The orders service's copy of customers. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from typing import Any


class ContractBroken(ValueError):
    """The record is not a customer event that keeps its contract; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def copy_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """Task 1: the copy (customer_id, name, credit_status, version) an SQS record's customer event
    carries, or raise ContractBroken listing every problem."""
    raise NotImplementedError("Task 1: copy_from_record is not written yet")


def apply_copy(table_name: str, copy: dict[str, Any]) -> bool:
    """Task 2: store ``copy`` unless the table holds this version or a newer one (a conditional write);
    True if it was stored."""
    raise NotImplementedError("Task 2: apply_copy is not written yet")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: apply every record of an SQS batch to the table named by COPY_TABLE; report the records
    that break the contract as batch item failures."""
    raise NotImplementedError("Task 3: handler is not written yet")
