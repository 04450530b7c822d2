"""Telemetry helpers: follow one order through log lines, write an EMF document, count billed bytes.

Read README.md in this folder for the tasks and the rules; check your work with
``python -m exercises check observability``.
"""

from __future__ import annotations

from typing import Any

EVENT_OVERHEAD_BYTES = 26


def follow_order(lines: list[str], correlation_id: str) -> list[dict[str, Any]]:
    """Task 1: the JSON log records (dicts) whose ``correlation_id`` is ``correlation_id``, in order."""
    raise NotImplementedError("Task 1: follow_order is not implemented yet")


def emf_document(
    namespace: str, metrics: dict[str, float], dimensions: dict[str, str], timestamp_ms: int
) -> dict[str, Any]:
    """Task 2: one EMF document with every metric (unit Count) under one dimension set."""
    raise NotImplementedError("Task 2: emf_document is not implemented yet")


def ingested_bytes(lines: list[str]) -> int:
    """Task 3: bytes billed for ingesting ``lines``: each line's UTF-8 bytes plus 26 per event."""
    raise NotImplementedError("Task 3: ingested_bytes is not implemented yet")
