"""Pure cost logic (no boto3): the Power Tuning method, a CPU model, break-even and caps, a workload bill.

The Power Tuning method (AWS Lambda Power Tuning): run the same function N times at each memory size,
drop the fastest and slowest 20 % (a trimmed mean), price ``ceil(ms)`` at the size's per-ms price, then
pick the cheapest (``cost``), the fastest (``speed``) or the best weighted mix (``balanced``).

Locally every memory size runs on the same CPU, so the duration at a size is *modelled* from what one
invocation measured here: its CPU time (on this machine's core, taken as one vCPU) stretched by the CPU
share Lambda gives that size (proportional to memory, one vCPU at 1,769 MB, a single-threaded handler
gains nothing above it), plus its I/O wait, which does not scale with CPU. Every price comes from
:mod:`patterns.lab.pricing`.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, TypeVar

from patterns.cost.exceptions import InvalidWorkloadError, TuningError
from patterns.lab import limits, pricing
from patterns.lab.pricing import ApiType, Architecture

__all__ = [
    "ARCHITECTURES",
    "MEMORY_SIZES",
    "SECONDS_PER_MONTH",
    "TRIM",
    "BreakEven",
    "CostCap",
    "CpuModel",
    "MonthlyBill",
    "Sample",
    "Strategy",
    "TuningPoint",
    "Workload",
    "choose",
    "cpu_work",
    "measured",
    "monthly_bill",
    "provisioned_break_even",
    "reserved_concurrency_cap",
    "summarise",
    "trimmed_mean",
    "tuning_point",
]

MEMORY_SIZES: Final = (128, 256, 512, 1024, 1536, limits.MEMORY_PER_VCPU_MB, 2048, 3008)
"""Power Tuning's usual range, 128 MB to 3,008 MB, with the one-vCPU size added."""
TRIM: Final = 0.2
"""Power Tuning drops this share of the fastest and of the slowest samples."""
ARCHITECTURES: Final[tuple[Architecture, ...]] = ("x86_64", "arm64")
SECONDS_PER_MONTH: Final = 30 * 24 * 3600
"""A month, for monthly figures: 30 days."""
Strategy = Literal["cost", "speed", "balanced"]
T = TypeVar("T")


def trimmed_mean(samples: Sequence[float], trim: float = TRIM) -> float:
    """The mean after dropping ``floor(n * trim)`` of the smallest and of the largest samples."""
    if not 0 <= trim < 0.5:
        raise TuningError(f"trim must be in [0, 0.5), got {trim!r}")
    ordered = sorted(float(s) for s in samples)
    if not ordered:
        raise TuningError("trimmed_mean needs at least one sample, got none")
    cut = math.floor(len(ordered) * trim)
    kept = ordered[cut : len(ordered) - cut]
    return math.fsum(kept) / len(kept)


# --- the work the handlers do, and how it is measured ----------------------------------------------
def cpu_work(rounds: int) -> str:
    """CPU-bound work: ``rounds`` chained SHA-256 hashes of a 1 KB block; returns the last digest."""
    if type(rounds) is not int or rounds < 1:
        raise TuningError(f"rounds must be an int >= 1, got {rounds!r}")
    block = b"x" * 1024
    for _ in range(rounds):
        block = hashlib.sha256(block).digest() * 32
    return hashlib.sha256(block).hexdigest()


def summarise(items: Sequence[Mapping[str, object]]) -> dict[str, int]:
    """The I/O-bound handler's small CPU part: count the items and their total size."""
    return {"items": len(items), "bytes": sum(len(str(item)) for item in items)}


def measured(work: Callable[[], T]) -> tuple[T, float]:
    """Run ``work`` and return its result and the CPU time this thread spent on it, in ms."""
    start = time.thread_time_ns()
    result = work()
    return result, (time.thread_time_ns() - start) / 1e6


# --- the CPU model -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    """What one invocation measured on this machine: CPU time and time waiting on I/O, in ms."""

    cpu_ms: float
    io_ms: float


@dataclass(frozen=True)
class CpuModel:
    """Lambda's CPU share: ``memory / vcpu_mb`` vCPUs, at most ``max_useful_vcpus`` usable by the handler.

    This machine's core is taken as one vCPU: a handler that measured ``c`` ms of CPU here takes
    ``c * vcpu_mb / memory`` ms at a size below ``vcpu_mb``, and ``c`` ms above it (one thread).
    """

    vcpu_mb: int = limits.MEMORY_PER_VCPU_MB
    max_useful_vcpus: float = 1.0

    def vcpus(self, memory_mb: int) -> float:
        return memory_mb / self.vcpu_mb

    def cpu_ms(self, measured_cpu_ms: float, memory_mb: int) -> float:
        """The CPU time measured here (one vCPU), stretched to ``memory_mb``'s CPU share."""
        return measured_cpu_ms / min(self.vcpus(memory_mb), self.max_useful_vcpus)

    def duration_ms(self, sample: Sample, memory_mb: int) -> float:
        """Modelled duration at ``memory_mb``: the stretched CPU time plus the I/O wait (unchanged)."""
        return self.cpu_ms(sample.cpu_ms, memory_mb) + sample.io_ms

    def describe(self) -> str:
        return (
            f"CPU model: CPU share proportional to memory, 1 vCPU at {self.vcpu_mb:,} MB; this machine's "
            f"core counts as 1 vCPU; a handler uses at most {self.max_useful_vcpus:g} vCPU (one thread); "
            "I/O wait does not scale with CPU"
        )


@dataclass(frozen=True)
class TuningPoint:
    """One memory size of a tuning run: trimmed-mean modelled duration and its price per invocation."""

    memory_mb: int
    architecture: Architecture
    invocations: int
    duration_ms: float
    billed_ms: int
    cost_usd: float
    """Duration charge per invocation (Power Tuning's cost: no request charge)."""
    request_usd: float = field(default=0.0)

    @property
    def usd_per_million(self) -> float:
        """Duration and request charges of a million invocations."""
        return (self.cost_usd + self.request_usd) * 1_000_000


def tuning_point(
    memory_mb: int,
    samples: Sequence[Sample],
    *,
    model: CpuModel | None = None,
    architecture: Architecture = "x86_64",
    trim: float = TRIM,
) -> TuningPoint:
    """Power Tuning's figure for one memory size: trimmed mean of the modelled durations, then priced."""
    model = model or CpuModel()
    duration = trimmed_mean([model.duration_ms(s, memory_mb) for s in samples], trim)
    billed = pricing.billed_duration_ms(duration)
    cost = pricing.lambda_duration_cost(pricing.gb_seconds(memory_mb, billed), architecture=architecture)
    return TuningPoint(
        memory_mb, architecture, len(samples), duration, billed, cost, pricing.lambda_request_cost(1)
    )


def choose(points: Sequence[TuningPoint], strategy: Strategy, weight: float = 0.5) -> TuningPoint:
    """Power Tuning's choice: cheapest (ties: faster), fastest (ties: cheaper), or ``balanced``, the
    smallest ``weight * cost / max cost + (1 - weight) * duration / max duration``."""
    if not points:
        raise TuningError("choose needs at least one tuning point, got none")
    if not 0 <= weight <= 1:
        raise TuningError(f"weight must be in [0, 1], got {weight!r}")
    if strategy == "cost":
        return min(points, key=lambda p: (p.cost_usd, p.duration_ms, p.memory_mb))
    if strategy == "speed":
        return min(points, key=lambda p: (p.duration_ms, p.cost_usd, p.memory_mb))
    if strategy == "balanced":
        top_cost = max(p.cost_usd for p in points) or 1.0
        top_ms = max(p.duration_ms for p in points) or 1.0
        return min(
            points,
            key=lambda p: (
                weight * p.cost_usd / top_cost + (1 - weight) * p.duration_ms / top_ms,
                p.memory_mb,
            ),
        )
    raise TuningError(f"strategy must be 'cost', 'speed' or 'balanced', got {strategy!r}")


# --- provisioned concurrency and reserved concurrency -------------------------------------------------
@dataclass(frozen=True)
class BreakEven:
    """One environment for one hour, on demand against provisioned, as a function of its utilisation."""

    memory_mb: int
    architecture: Architecture
    on_demand_busy_hour_usd: float
    """Duration charge of a fully busy hour on demand."""
    provisioned_idle_hour_usd: float
    """The kept-warm charge of an hour with provisioned concurrency (paid busy or idle)."""
    provisioned_busy_hour_usd: float
    """The duration charge of a fully busy hour at the provisioned-duration price."""

    def on_demand_usd(self, utilisation: float) -> float:
        return self.on_demand_busy_hour_usd * utilisation

    def provisioned_usd(self, utilisation: float) -> float:
        return self.provisioned_idle_hour_usd + self.provisioned_busy_hour_usd * utilisation

    @property
    def utilisation(self) -> float:
        """The busy share above which provisioned concurrency is cheaper (requests cost the same)."""
        return self.provisioned_idle_hour_usd / (
            self.on_demand_busy_hour_usd - self.provisioned_busy_hour_usd
        )


def provisioned_break_even(memory_mb: int, architecture: Architecture = "x86_64") -> BreakEven:
    """The break-even utilisation of one provisioned environment of ``memory_mb``, from the price table."""
    hour_ms = 3600 * 1000
    busy = pricing.lambda_duration_cost(pricing.gb_seconds(memory_mb, hour_ms), architecture=architecture)
    provisioned = pricing.provisioned_concurrency_breakdown(
        1, memory_mb, 3600, architecture=architecture, invocations=1, avg_billed_ms=hour_ms
    )
    return BreakEven(memory_mb, architecture, busy, provisioned.provisioned_concurrency, provisioned.duration)


@dataclass(frozen=True)
class CostCap:
    """The most a month can cost a function whose reserved concurrency is ``reserved``."""

    reserved: int
    memory_mb: int
    duration_ms: float
    architecture: Architecture
    max_invocations: int
    max_usd: float


def reserved_concurrency_cap(
    reserved: int, memory_mb: int, duration_ms: float, architecture: Architecture = "x86_64"
) -> CostCap:
    """Reserved concurrency caps the environments, so it caps the bill: every environment busy all month,
    one invocation of ``duration_ms`` after another (a runaway loop can do no worse)."""
    if type(reserved) is not int or reserved < 0:
        raise InvalidWorkloadError(f"reserved must be an int >= 0, got {reserved!r}")
    billed = pricing.billed_duration_ms(duration_ms)
    if billed < 1:
        raise InvalidWorkloadError(f"duration_ms must be above 0, got {duration_ms!r}")
    invocations = reserved * (SECONDS_PER_MONTH * 1000 // billed)
    usd = pricing.lambda_monthly_cost(invocations, billed, memory_mb, architecture=architecture).total
    return CostCap(reserved, memory_mb, duration_ms, architecture, invocations, usd)


# --- a workload's monthly bill -------------------------------------------------------------------------
@dataclass(frozen=True)
class Workload:
    """Requests through API Gateway into an SQS queue; a worker function takes them ``batch_size`` at a
    time, spending ``duration_ms`` on each message."""

    requests_per_month: int
    duration_ms: float
    memory_mb: int
    architecture: Architecture = "x86_64"
    payload_bytes: int = 1024
    batch_size: int = 10
    api: ApiType = "http"


@dataclass(frozen=True)
class MonthlyBill:
    """A month of a workload, in USD by service, and the counts priced."""

    workload: Workload
    invocations: int
    billed_ms: int
    sqs_requests: int
    by_service: dict[str, float]

    @property
    def total(self) -> float:
        return math.fsum(self.by_service.values())


SQS_MESSAGES_PER_CALL: Final = 10
"""Messages per SendMessageBatch, ReceiveMessage and DeleteMessageBatch call."""


def monthly_bill(workload: Workload) -> MonthlyBill:
    """API Gateway, SQS and Lambda charges of ``workload`` for a month (list prices, no free tier).

    SQS: one SendMessage per request and, per invocation, ``ceil(batch/10)`` receives and batch deletes;
    a call is billed one request per started 64 KB of its payload.
    """
    w = workload
    if type(w.requests_per_month) is not int or w.requests_per_month < 0:
        raise InvalidWorkloadError(f"requests_per_month must be an int >= 0, got {w.requests_per_month!r}")
    if type(w.batch_size) is not int or w.batch_size < 1:
        raise InvalidWorkloadError(f"batch_size must be an int >= 1, got {w.batch_size!r}")
    if w.payload_bytes < 0 or w.duration_ms < 0:
        raise InvalidWorkloadError("payload_bytes and duration_ms must be >= 0")
    if w.batch_size * w.payload_bytes > limits.SYNC_PAYLOAD_BYTES:
        raise InvalidWorkloadError(
            f"a batch of {w.batch_size} x {w.payload_bytes} bytes is over Lambda's "
            f"{limits.SYNC_PAYLOAD_BYTES:,}-byte invocation payload"
        )
    full, rest = divmod(w.requests_per_month, w.batch_size)
    sizes = [(w.batch_size, full)] + ([(rest, 1)] if rest else [])
    invocations = full + (1 if rest else 0)
    billed = sum(pricing.billed_duration_ms(size * w.duration_ms) * count for size, count in sizes)

    def batch_calls(size: int) -> int:
        calls, last = divmod(size, SQS_MESSAGES_PER_CALL)
        chunk = pricing.sqs_request_count(SQS_MESSAGES_PER_CALL * w.payload_bytes)
        return calls * chunk + (pricing.sqs_request_count(last * w.payload_bytes) if last else 0)

    sends = w.requests_per_month * pricing.sqs_request_count(w.payload_bytes)
    receives = sum(batch_calls(size) * count for size, count in sizes)
    deletes = sum(math.ceil(size / SQS_MESSAGES_PER_CALL) * count for size, count in sizes)
    sqs_requests = sends + receives + deletes
    average_ms = billed / invocations if invocations else 0.0
    by_service = {
        "API Gateway": pricing.apigateway_cost(w.requests_per_month, api=w.api),
        "SQS": pricing.sqs_cost(sqs_requests),
        "Lambda": pricing.lambda_monthly_cost(
            invocations, average_ms, w.memory_mb, architecture=w.architecture
        ).total,
    }
    return MonthlyBill(w, invocations, billed, sqs_requests, by_service)
