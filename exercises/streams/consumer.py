"""Your stream consumer's pieces. Replace each ``raise NotImplementedError`` with your code.

Records are Kinesis records as Lambda hands them to a function: ``record["kinesis"]["sequenceNumber"]``
(a string) and ``record["kinesis"]["data"]`` (base64 of the JSON bytes the producer put).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def batch_response(
    records: list[dict[str, Any]], process: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Task 1: call ``process`` on each record in order; stop at the first that raises and report it
    (ReportBatchItemFailures); ``{"batchItemFailures": []}`` when none fails."""
    raise NotImplementedError("Task 1: batch_response is not written yet")


def window_state(event: dict[str, Any]) -> dict[str, Any]:
    """Task 2: ``{"state": ...}``: the event's state plus this batch's orders (count, cents per customer)."""
    raise NotImplementedError("Task 2: window_state is not written yet")


def shards_needed(records_per_s: int, bytes_per_record: int) -> int:
    """Task 3: the fewest shards for this write rate (1,000 records/s and 1 MiB/s a shard), at least 1."""
    raise NotImplementedError("Task 3: shards_needed is not written yet")
