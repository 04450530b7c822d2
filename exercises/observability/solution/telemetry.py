"""Telemetry helpers: follow one order through log lines, write an EMF document, count billed bytes."""

from __future__ import annotations

import json
from typing import Any

EVENT_OVERHEAD_BYTES = 26


def follow_order(lines: list[str], correlation_id: str) -> list[dict[str, Any]]:
    """Task 1: the JSON log records (dicts) whose ``correlation_id`` is ``correlation_id``, in order."""
    found: list[dict[str, Any]] = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if type(record) is not dict or "_aws" in record:
            continue
        if record.get("correlation_id") == correlation_id:
            found.append(record)
    return found


def emf_document(
    namespace: str, metrics: dict[str, float], dimensions: dict[str, str], timestamp_ms: int
) -> dict[str, Any]:
    """Task 2: one EMF document with every metric (unit Count) under one dimension set."""
    if not metrics:
        raise ValueError("an EMF document needs at least one metric")
    clash = sorted(set(metrics) & set(dimensions))
    if clash:
        raise ValueError(f"names used as both metric and dimension: {clash}")
    for name, value in metrics.items():
        if type(value) not in (int, float):
            raise ValueError(f"metric {name!r} must be a number, got {value!r}")
    return {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [list(dimensions)],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in metrics],
                }
            ],
        },
        **dimensions,
        **metrics,
    }


def ingested_bytes(lines: list[str]) -> int:
    """Task 3: bytes billed for ingesting ``lines``: each line's UTF-8 bytes plus 26 per event."""
    return sum(len(line.encode("utf-8")) + EVENT_OVERHEAD_BYTES for line in lines)
