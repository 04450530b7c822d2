"""Speed-up and cost of a fan-out job against the serial run, on a modelled work time.

**What is modelled and what is counted.** The local runtime measures a handler's real time (moto's
requests, a few milliseconds) and has no seam to add simulated work, so the work is a
:class:`WorkModel` (milliseconds per record, per chunk, for the split and the aggregation), stated with
every figure. :func:`schedule` places the chunks on ``workers`` concurrent workers in virtual time
(each chunk starts when its message is sent and a worker is free, as a mapping's pollers take them):
the makespan against the serial run's time is the speed-up. The requests a job makes (invocations,
SQS calls, DynamoDB requests) are counted in runs (``pipeline``); :func:`job_usage` gives the same
counts by formula for the sweeps, and the tests check it against the counted runs.

Amdahl: the split (one send per chunk) and the aggregation (one partial read per chunk) are serial,
and every chunk pays its overhead; past some worker count the speed-up stops growing, and past some
chunk count it falls.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Literal

from patterns.lab import limits, pricing
from patterns.lab.exceptions import ConfigurationError

__all__ = [
    "PARTIAL_ITEM_BYTES",
    "Architecture",
    "ChunkSpan",
    "JobCost",
    "JobUsage",
    "Schedule",
    "WorkModel",
    "job_cost",
    "job_usage",
    "schedule",
    "serial_cost",
    "serial_ms",
]

Architecture = Literal["x86_64", "arm64"]
PARTIAL_ITEM_BYTES = 100
"""About the size of one partial-result item (keys, chunk index, record count, amount)."""


@dataclass(frozen=True)
class WorkModel:
    """Modelled milliseconds: per record, per chunk (the worker's overhead: receive, parse, two
    DynamoDB writes), the split (fixed + one send per chunk) and the aggregation (fixed + per chunk)."""

    per_record_ms: float = 20.0
    per_chunk_ms: float = 120.0
    split_fixed_ms: float = 50.0
    split_per_chunk_ms: float = 4.0
    aggregate_fixed_ms: float = 40.0
    aggregate_per_chunk_ms: float = 1.0

    def __post_init__(self) -> None:
        bad = [
            f"{name} must be a finite number >= 0, got {value!r}"
            for name, value in vars(self).items()
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0
        ]
        if bad:
            raise ConfigurationError("WorkModel: " + "; ".join(bad))

    def chunk_ms(self, records: int) -> float:
        return self.per_chunk_ms + self.per_record_ms * records

    def split_ms(self, chunks: int) -> float:
        return self.split_fixed_ms + self.split_per_chunk_ms * chunks

    def aggregate_ms(self, chunks: int) -> float:
        return self.aggregate_fixed_ms + self.aggregate_per_chunk_ms * chunks

    def describe(self) -> str:
        return (
            f"{self.per_record_ms:g} ms/record, {self.per_chunk_ms:g} ms/chunk overhead, split "
            f"{self.split_fixed_ms:g} + {self.split_per_chunk_ms:g} ms/chunk, aggregation "
            f"{self.aggregate_fixed_ms:g} + {self.aggregate_per_chunk_ms:g} ms/chunk"
        )


def _chunk_sizes(records: int, chunk_size: int) -> list[int]:
    if records < 1 or chunk_size < 1:
        raise ConfigurationError(f"records and chunk_size must be >= 1, got {records} and {chunk_size}")
    full, rest = divmod(records, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


def serial_ms(records: int, work: WorkModel) -> float:
    """One function doing the whole job: one chunk's overhead plus every record."""
    return work.chunk_ms(records)


@dataclass(frozen=True)
class ChunkSpan:
    """Where chunk ``index`` ran in the modelled timeline (virtual milliseconds)."""

    index: int
    worker: int
    ready_ms: float
    start_ms: float
    end_ms: float


@dataclass(frozen=True)
class Schedule:
    """A job placed on workers in virtual time: split, chunks, aggregation."""

    records: int
    chunk_size: int
    workers: int
    split_end_ms: float
    chunks: tuple[ChunkSpan, ...]
    aggregate_start_ms: float
    makespan_ms: float
    serial_ms: float

    @property
    def speedup(self) -> float:
        return self.serial_ms / self.makespan_ms

    @property
    def efficiency(self) -> float:
        """Speed-up per worker actually usable (at most one per chunk)."""
        return self.speedup / min(self.workers, len(self.chunks))


def schedule(records: int, chunk_size: int, workers: int, work: WorkModel) -> Schedule:
    """Place the chunks on ``workers`` workers: chunk ``i`` is ready when the splitter has sent it,
    starts on the first free worker, and the aggregation starts when the last chunk ends."""
    if workers < 1:
        raise ConfigurationError(f"workers must be >= 1, got {workers}")
    sizes = _chunk_sizes(records, chunk_size)
    free: list[tuple[float, int]] = [(0.0, worker) for worker in range(min(workers, len(sizes)))]
    heapq.heapify(free)
    spans = []
    for index, size in enumerate(sizes):
        ready = work.split_fixed_ms + work.split_per_chunk_ms * (index + 1)
        available, worker = heapq.heappop(free)
        start = max(ready, available)
        end = start + work.chunk_ms(size)
        spans.append(ChunkSpan(index, worker, ready, start, end))
        heapq.heappush(free, (end, worker))
    last = max(span.end_ms for span in spans)
    return Schedule(
        records=records,
        chunk_size=chunk_size,
        workers=workers,
        split_end_ms=work.split_ms(len(sizes)),
        chunks=tuple(spans),
        aggregate_start_ms=last,
        makespan_ms=last + work.aggregate_ms(len(sizes)),
        serial_ms=serial_ms(records, work),
    )


@dataclass(frozen=True)
class JobUsage:
    """What one job asks of AWS with every chunk delivered once (no duplicates, no failures)."""

    chunks: int
    invocations: int
    billed_ms: int
    sqs_requests: int
    dynamodb_write_units: int
    dynamodb_read_units: int


def job_usage(
    records: int, chunk_size: int, work: WorkModel, *, via: Literal["sqs", "async"] = "sqs"
) -> JobUsage:
    """The requests of a fan-out job: 1 splitter + one worker per chunk (the last also aggregates);
    SQS: ``SendMessageBatch`` per 10 chunks, one receive and one delete per chunk (batch size 1);
    DynamoDB: create the counter, per chunk a partial write and a counter update, one finish write (one
    write unit each: the items stay under 1 KB up to a few hundred chunks; the counter item grows by a
    chunk index per chunk, so thousands of chunks make each update cost more units), and a consistent
    query of the partials (a read unit per 4 KB of about ``PARTIAL_ITEM_BYTES`` per partial)."""
    sizes = _chunk_sizes(records, chunk_size)
    chunks = len(sizes)
    billed = pricing.billed_duration_ms(work.split_ms(chunks))
    billed += sum(pricing.billed_duration_ms(work.chunk_ms(size)) for size in sizes[:-1])
    billed += pricing.billed_duration_ms(work.chunk_ms(sizes[-1]) + work.aggregate_ms(chunks))
    sqs = math.ceil(chunks / limits.SQS_SEND_BATCH_MAX) + 2 * chunks if via == "sqs" else 0
    reads = max(1, math.ceil(chunks * PARTIAL_ITEM_BYTES / 4096))  # a consistent read unit per 4 KB
    return JobUsage(chunks, 1 + chunks, billed, sqs, 2 + 2 * chunks, reads)


@dataclass(frozen=True)
class JobCost:
    """USD of one job, by service."""

    lambda_usd: float
    sqs_usd: float
    dynamodb_usd: float
    stepfunctions_usd: float = 0.0

    @property
    def total(self) -> float:
        return self.lambda_usd + self.sqs_usd + self.dynamodb_usd + self.stepfunctions_usd


def _lambda_usd(invocations: int, billed_ms: int, memory_mb: int, architecture: Architecture) -> float:
    duration = pricing.lambda_duration_cost(
        pricing.gb_seconds(memory_mb, billed_ms), architecture=architecture
    )
    return pricing.lambda_request_cost(invocations) + duration


def job_cost(
    usage: JobUsage, *, memory_mb: int = 512, architecture: Architecture = "arm64", transitions: int = 0
) -> JobCost:
    """Price a job's usage with :mod:`patterns.lab.pricing` (list prices, no free tier); ``transitions``
    prices a Step Functions Standard workflow doing the fan-out instead of SQS."""
    return JobCost(
        lambda_usd=_lambda_usd(usage.invocations, usage.billed_ms, memory_mb, architecture),
        sqs_usd=pricing.sqs_cost(usage.sqs_requests),
        dynamodb_usd=pricing.dynamodb_on_demand_cost(usage.dynamodb_read_units, usage.dynamodb_write_units),
        stepfunctions_usd=pricing.stepfunctions_standard_cost(transitions),
    )


def serial_cost(
    records: int, work: WorkModel, *, memory_mb: int = 512, architecture: Architecture = "arm64"
) -> JobCost:
    """One invocation doing the whole job and writing one report item."""
    billed = pricing.billed_duration_ms(serial_ms(records, work))
    return JobCost(
        lambda_usd=_lambda_usd(1, billed, memory_mb, architecture),
        sqs_usd=0.0,
        dynamodb_usd=pricing.dynamodb_on_demand_cost(0, 1),
    )
