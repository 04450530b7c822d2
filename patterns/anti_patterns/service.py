"""The anti-patterns' pure logic: a long job against Lambda's timeout, S3 events, a loop's bill.

No boto3 here. The long job reuses pattern 08's :class:`~patterns.fan_out.economics.WorkModel`: the work
is modelled milliseconds on the virtual clock, never slept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from patterns.anti_patterns.exceptions import MalformedS3EventError
from patterns.fan_out.economics import WorkModel, serial_ms
from patterns.lab import limits, pricing
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.lambda_runtime import InvocationReport

__all__ = [
    "ANTI_PATTERNS",
    "OUTPUT_PREFIX",
    "LoopBill",
    "TimeoutRun",
    "loop_bill",
    "output_key",
    "run_in_one_function",
    "s3_objects",
]

Architecture = Literal["x86_64", "arm64"]
OUTPUT_PREFIX = "thumbnails/"
ANTI_PATTERNS: tuple[tuple[str, str], ...] = (
    ("a long job in one function", "chunks through a queue (pattern 08)"),
    ("a function calling a function synchronously", "composition by events (pattern 06)"),
    ("state in an environment's memory", "state in DynamoDB (pattern 04)"),
    ("a hard-coded secret", "a secret in Secrets Manager, read through a cache (pattern 21)"),
    ("a monolithic handler", "single-purpose functions (pattern 01)"),
    ("a function writing to the bucket that triggers it", "a separate output bucket, a filtered trigger"),
)
"""The six anti-patterns, each with its fix, in the order the demonstration runs them."""


def s3_objects(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The ``(bucket, key)`` of each record of an S3 notification event."""
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list) or not records:
        raise MalformedS3EventError(f"an S3 event has a non-empty 'Records' list, got {event!r:.200}")
    found = []
    for record in records:
        try:
            bucket, key = record["s3"]["bucket"]["name"], record["s3"]["object"]["key"]
        except (KeyError, TypeError):
            message = f"an S3 record names s3.bucket.name and s3.object.key: {record!r:.200}"
            raise MalformedS3EventError(message) from None
        if not isinstance(bucket, str) or not isinstance(key, str) or not bucket or not key:
            raise MalformedS3EventError(f"bucket and key are non-empty strings, got {bucket!r}, {key!r}")
        found.append((bucket, key))
    return found


def output_key(key: str) -> str:
    """Where the thumbnail of ``key`` goes: ``thumbnails/<file name>``."""
    return OUTPUT_PREFIX + key.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class TimeoutRun:
    """A job run as one invocation (retried as an asynchronous invocation is) against its timeout."""

    records: int
    needed_ms: float
    timeout_s: float
    attempts: int
    processed_per_attempt: int
    billed_ms_per_attempt: int
    usd: float

    @property
    def completed(self) -> bool:
        return self.processed_per_attempt == self.records

    @property
    def lost_records(self) -> int:
        """Records processed and then lost: each attempt's progress lived in its memory."""
        return 0 if self.completed else self.processed_per_attempt * self.attempts

    @property
    def billed_ms(self) -> int:
        return self.billed_ms_per_attempt * self.attempts


def run_in_one_function(
    records: int,
    work: WorkModel,
    *,
    timeout_s: float = limits.TIMEOUT_MAX_S,
    memory_mb: int = 512,
    architecture: Architecture = "arm64",
) -> TimeoutRun:
    """One function doing the whole job on the work model: if it needs more than ``timeout_s``, Lambda
    stops it at the timeout, the records it processed are lost with its memory, and an asynchronous
    invocation is retried (``limits.ASYNC_MAX_RETRY_ATTEMPTS``) from the start, failing the same way."""
    if records < 1:
        raise ConfigurationError(f"records must be >= 1, got {records}")
    if not 0 < timeout_s <= limits.TIMEOUT_MAX_S:
        raise ConfigurationError(f"timeout_s must be in (0, {limits.TIMEOUT_MAX_S}], got {timeout_s}")
    needed = serial_ms(records, work)
    timeout_ms = timeout_s * 1000
    if needed <= timeout_ms:
        attempts, processed, ran_ms = 1, records, needed
    else:
        attempts = 1 + limits.ASYNC_MAX_RETRY_ATTEMPTS
        room = max(0.0, timeout_ms - work.per_chunk_ms)
        processed = min(records, math.floor(room / work.per_record_ms)) if work.per_record_ms else 0
        ran_ms = timeout_ms
    billed = pricing.billed_duration_ms(ran_ms)
    usd = attempts * pricing.lambda_invocation_cost(memory_mb, billed, architecture=architecture)
    return TimeoutRun(records, needed, timeout_s, attempts, processed, billed, usd)


@dataclass(frozen=True)
class LoopBill:
    """What a chain of invocations of one function billed (from the runtime's reports)."""

    invocations: int
    stopped: int
    billed_ms: int
    lambda_usd: float

    @property
    def usd_per_invocation(self) -> float:
        return self.lambda_usd / self.invocations if self.invocations else 0.0


def loop_bill(reports: Sequence[InvocationReport], stopped: int = 0) -> LoopBill:
    """Count and price ``reports`` (one function's invocations); ``stopped``: invocations the runtime
    refused to run."""
    return LoopBill(
        invocations=len(reports),
        stopped=stopped,
        billed_ms=sum(report.billed_ms for report in reports),
        lambda_usd=sum(report.cost_usd for report in reports),
    )
