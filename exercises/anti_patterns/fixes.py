"""Your fixes for three anti-patterns. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from typing import Any


def chunk_sizes(records: int, per_record_ms: float, timeout_s: float, share: float) -> list[int]:
    """Task 1: the chunk sizes of a job of ``records`` records, each fitting ``share`` of the timeout."""
    raise NotImplementedError("Task 1: chunk_sizes is not written yet")


def thumbnail_writes(event: dict[str, Any], output_bucket: str) -> list[dict[str, str]]:
    """Task 2: the objects to write for an S3 event, as ``{"bucket": ..., "key": ...}``."""
    raise NotImplementedError("Task 2: thumbnail_writes is not written yet")


def synchronous_bill(own_ms: list[float]) -> dict[str, float]:
    """Task 3: ``{"billed_ms", "waiting_ms"}`` of a chain where each function calls the next and waits."""
    raise NotImplementedError("Task 3: synchronous_bill is not written yet")
