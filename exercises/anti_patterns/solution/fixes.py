"""Reference solution of the anti-patterns exercise."""

from __future__ import annotations

import math
from typing import Any


def chunk_sizes(records: int, per_record_ms: float, timeout_s: float, share: float) -> list[int]:
    """Task 1: the chunk sizes of a job of ``records`` records, each fitting ``share`` of the timeout."""
    budget_ms = share * timeout_s * 1000
    largest = math.floor(budget_ms / per_record_ms) if per_record_ms > 0 else records
    if records > 0 and largest < 1:
        raise ValueError(f"one record takes {per_record_ms} ms: more than {budget_ms} ms")
    full, rest = divmod(records, largest) if records > 0 else (0, 0)
    return [largest] * full + ([rest] if rest else [])


def thumbnail_writes(event: dict[str, Any], output_bucket: str) -> list[dict[str, str]]:
    """Task 2: the objects to write for an S3 event, as ``{"bucket": ..., "key": ...}``."""
    writes = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        if bucket == output_bucket:
            raise ValueError(f"writing to {bucket}, the bucket that triggers this function, would loop")
        if key.startswith("uploads/"):
            writes.append({"bucket": output_bucket, "key": "thumbnails/" + key.rsplit("/", 1)[-1]})
    return writes


def synchronous_bill(own_ms: list[float]) -> dict[str, float]:
    """Task 3: ``{"billed_ms", "waiting_ms"}`` of a chain where each function calls the next and waits."""
    billed = float(sum(sum(own_ms[index:]) for index in range(len(own_ms))))
    return {"billed_ms": billed, "waiting_ms": billed - float(sum(own_ms))}
