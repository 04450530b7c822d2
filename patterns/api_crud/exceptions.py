"""Errors of the items API's service logic; each carries what the HTTP layer needs to answer."""

from __future__ import annotations

__all__ = [
    "InvalidCursorError",
    "InvalidItemError",
    "ItemApiError",
    "ItemNotFoundError",
    "StaleWriteError",
]


class ItemApiError(Exception):
    """Base class of the items API's errors."""


class InvalidItemError(ItemApiError, ValueError):
    """A request body that is not a valid item: ``problems`` lists every one, by field."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p['field']}: {p['problem']}" for p in problems))


class ItemNotFoundError(ItemApiError, LookupError):
    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        super().__init__(f"no item with id {item_id!r}")


class StaleWriteError(ItemApiError):
    """A write based on a version that is no longer the current one (optimistic concurrency)."""

    def __init__(self, item_id: str, expected: int, current: int | None) -> None:
        self.item_id, self.expected, self.current = item_id, expected, current
        now = "it no longer exists" if current is None else f"it is now at version {current}"
        super().__init__(f"item {item_id!r} was changed since version {expected}: {now}")


class InvalidCursorError(ItemApiError, ValueError):
    """A pagination cursor that this API did not issue (or was tampered with)."""
