"""Your items API update path. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from typing import Any


class InvalidItem(ValueError):
    """The body is not a valid item; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StaleWrite(Exception):
    """The item is not at the version the caller changed; ``current`` is its version now (None: no item)."""

    def __init__(self, current: int | None) -> None:
        super().__init__(f"the item is now at version {current}")
        self.current = current


def validate(body: str | None) -> dict[str, Any]:
    """Task 1: the JSON body as {"name", "price_cents"}, or raise InvalidItem listing every problem."""
    raise NotImplementedError("Task 1: validate is not written yet")


def update_item(
    table_name: str, item_id: str, fields: dict[str, Any], expected_version: int
) -> dict[str, Any]:
    """Task 2: store the new fields if the item is at expected_version; return the stored item."""
    raise NotImplementedError("Task 2: update_item is not written yet")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: PUT /items/{id} behind API Gateway: 200, 400, 404, 412 or 428."""
    raise NotImplementedError("Task 3: handler is not written yet")
