"""Errors of the queue-batching pattern: a message the handler cannot process, unbalanced books."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["AccountingError", "MalformedMessageError", "PoisonMessageError", "QueueBatchingError"]


class QueueBatchingError(LabError):
    """Base class for the pattern's errors."""


class MalformedMessageError(QueueBatchingError, ValueError):
    """A message body is not a valid order message (not JSON, not an object, a field missing or mistyped)."""


class PoisonMessageError(QueueBatchingError):
    """A well-formed message that always fails (the demonstration's poison message)."""

    def __init__(self, message_id: str) -> None:
        super().__init__(f"message {message_id!r} is a poison message: processing it always fails")
        self.message_id = message_id


class AccountingError(QueueBatchingError):
    """A run lost a message, applied one twice, or did not drain: the books do not balance."""
