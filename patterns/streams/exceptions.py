"""Errors of the streams pattern: a record that cannot be read, a record that can never be processed,
books that do not balance."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["AccountingError", "MalformedRecordError", "PoisonRecordError", "StreamsError"]


class StreamsError(LabError):
    """Base class for the pattern's errors."""


class MalformedRecordError(StreamsError, ValueError):
    """A stream record is not a valid order event (not base64 JSON, a field missing or mistyped)."""


class PoisonRecordError(StreamsError):
    """A record the consumer can never process: it fails on every delivery and blocks its shard."""

    def __init__(self, sequence_number: str, reason: str) -> None:
        super().__init__(f"record {sequence_number}: {reason} (poison: it fails on every delivery)")
        self.sequence_number = sequence_number
        self.reason = reason


class AccountingError(StreamsError):
    """The books do not balance: a record lost, applied twice, or out of order for its key."""
