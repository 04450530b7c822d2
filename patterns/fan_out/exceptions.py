"""Errors of the fan-out pattern: a chunk message that cannot be read, a chunk that always fails,
books that do not balance."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["AccountingError", "FanOutError", "MalformedChunkError", "PoisonChunkError"]


class FanOutError(LabError):
    """Base class for the pattern's errors."""


class MalformedChunkError(FanOutError, ValueError):
    """A chunk message is not a valid chunk (not JSON, a field missing or mistyped)."""


class PoisonChunkError(FanOutError):
    """A chunk holding a record the worker can never process: it fails on every delivery."""

    def __init__(self, job_id: str, chunk_index: int, record_id: str) -> None:
        super().__init__(
            f"chunk {chunk_index} of job {job_id!r}: record {record_id!r} cannot be processed (poison)"
        )
        self.job_id = job_id
        self.chunk_index = chunk_index
        self.record_id = record_id


class AccountingError(FanOutError):
    """A job's books do not balance: a chunk counted twice or lost, a report that misses records."""
