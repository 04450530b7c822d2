"""Your stream consumer's pieces. Replace each ``raise NotImplementedError`` with your code.

Records are Kinesis records as Lambda hands them to a function: ``record["kinesis"]["sequenceNumber"]``
(a string) and ``record["kinesis"]["data"]`` (base64 of the JSON bytes the producer put).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from typing import Any

RECORDS_PER_SHARD = 1_000
BYTES_PER_SHARD = 1_048_576


def batch_response(
    records: list[dict[str, Any]], process: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Task 1: call ``process`` on each record in order; stop at the first that raises and report it
    (ReportBatchItemFailures); ``{"batchItemFailures": []}`` when none fails."""
    for record in records:
        try:
            process(record)
        except Exception:
            return {"batchItemFailures": [{"itemIdentifier": record["kinesis"]["sequenceNumber"]}]}
    return {"batchItemFailures": []}


def window_state(event: dict[str, Any]) -> dict[str, Any]:
    """Task 2: ``{"state": ...}``: the event's state plus this batch's orders (count, cents per customer)."""
    state = event.get("state") or {}
    orders = int(state.get("orders", 0))
    totals = {customer: int(cents) for customer, cents in state.get("amount_cents", {}).items()}
    for record in event.get("Records", []):
        order = json.loads(base64.b64decode(record["kinesis"]["data"]))
        orders += 1
        totals[order["customer"]] = totals.get(order["customer"], 0) + int(order["amount_cents"])
    return {"state": {"orders": orders, "amount_cents": totals}}


def shards_needed(records_per_s: int, bytes_per_record: int) -> int:
    """Task 3: the fewest shards for this write rate (1,000 records/s and 1 MiB/s a shard), at least 1."""
    by_records = math.ceil(records_per_s / RECORDS_PER_SHARD)
    by_bytes = math.ceil(records_per_s * bytes_per_record / BYTES_PER_SHARD)
    return max(1, by_records, by_bytes)
