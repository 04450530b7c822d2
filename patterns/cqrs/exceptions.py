"""Errors of the orders' command side; each carries what the HTTP layer needs to answer."""

from __future__ import annotations

__all__ = [
    "CommandRejectedError",
    "ConcurrencyConflictError",
    "CqrsError",
    "InvalidCommandError",
    "OrderNotFoundError",
]


class CqrsError(Exception):
    """Base class of the pattern's errors."""


class InvalidCommandError(CqrsError, ValueError):
    """A command whose fields are missing or wrong (400)."""


class OrderNotFoundError(CqrsError, LookupError):
    """A command for an order that has no events (404)."""

    def __init__(self, order_id: str) -> None:
        self.order_id = order_id
        super().__init__(f"no order {order_id!r}")


class CommandRejectedError(CqrsError):
    """A valid command the order's current state refuses (shipping a cancelled order: 422)."""


class ConcurrencyConflictError(CqrsError):
    """The append lost the race: another command wrote ``version`` first (409)."""

    def __init__(self, order_id: str, version: int) -> None:
        self.order_id, self.version = order_id, version
        super().__init__(
            f"order {order_id!r} already has an event at version {version}: another command won; "
            "read the order again and retry"
        )
