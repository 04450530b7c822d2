"""Errors of the pub/sub pattern: a message a learner typed that SNS would refuse, an order a subscriber
cannot process, books that do not balance."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["AccountingError", "InvalidMessageError", "InvalidOrderError", "PubSubError"]


class PubSubError(LabError):
    """Base class for the pattern's errors."""


class InvalidMessageError(PubSubError, ValueError):
    """Message attributes or a body that cannot be published as given (not JSON, a value of the wrong
    type...). The text says what is wrong and how to write it."""


class InvalidOrderError(PubSubError, ValueError):
    """An order event a subscriber cannot process: a field missing or of the wrong type."""


class AccountingError(PubSubError):
    """A message was lost or processed twice: published != processed + dead-lettered."""
