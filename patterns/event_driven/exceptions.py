"""Errors of the event-driven pattern: an event a person typed, an uploaded file, unbalanced books."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["AccountingError", "EventDrivenError", "InvalidEventError", "MalformedOrdersError"]


class EventDrivenError(LabError):
    """Base class for the pattern's errors."""


class InvalidEventError(EventDrivenError, ValueError):
    """Text that is not an event (not JSON, not an object, no source or detail-type, detail not an object)."""


class MalformedOrdersError(EventDrivenError, ValueError):
    """An uploaded orders CSV with a wrong header or a line that is not an order."""


class AccountingError(EventDrivenError):
    """An event neither processed nor in a dead-letter queue: the books do not balance."""
