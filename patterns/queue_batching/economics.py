"""Batching economics: dollars per million messages from what runs counted, a model fitted to the runs,
where the savings come from, and the seeds' cost claims checked with :mod:`patterns.lab.pricing`.

Costs are list prices, tier 1, without the free tier (see :mod:`patterns.lab.pricing`). A run's cost is
priced from its counts (invocations, billed milliseconds by the work model, billed SQS requests by kind)
and scaled to a million messages; prices are linear at tier 1, so the scaling is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from patterns.lab import pricing
from patterns.lab.exceptions import ConfigurationError
from patterns.queue_batching.pipeline import PipelineRun
from patterns.queue_batching.service import WorkModel

__all__ = [
    "SEED_002_CLAIMS",
    "BatchingModel",
    "CostPerMillion",
    "FittedLine",
    "SavingStep",
    "SeedMemoryCheck",
    "check_seed_002_memory_table",
    "fit_line",
    "fit_model",
    "run_cost_per_million",
    "savings_breakdown",
]

Architecture = Literal["x86_64", "arm64"]
MILLION = 1_000_000

SEED_002_CLAIMS: tuple[tuple[int, int, float], ...] = ((128, 1000, 0.0021), (512, 200, 0.0017))
"""Seed 002's memory table as printed: (memory MB, duration ms, "cost"), "faster AND cheaper"."""


@dataclass(frozen=True)
class CostPerMillion:
    """USD per million messages, by where the money goes."""

    lambda_requests: float
    lambda_duration: float
    sqs_send: float
    sqs_receive: float
    sqs_delete: float

    @property
    def lambda_total(self) -> float:
        return self.lambda_requests + self.lambda_duration

    @property
    def sqs_total(self) -> float:
        return self.sqs_send + self.sqs_receive + self.sqs_delete

    @property
    def total(self) -> float:
        return self.lambda_total + self.sqs_total

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "total": self.total}


def _priced(
    *,
    invocations: int,
    billed_ms: int,
    sends: int,
    receives: int,
    deletes: int,
    memory_mb: int,
    architecture: Architecture,
    fifo: bool,
    scale: float,
) -> CostPerMillion:
    duration = pricing.lambda_duration_cost(
        pricing.gb_seconds(memory_mb, billed_ms), architecture=architecture
    )
    return CostPerMillion(
        lambda_requests=pricing.lambda_request_cost(invocations) * scale,
        lambda_duration=duration * scale,
        sqs_send=pricing.sqs_cost(sends, fifo=fifo) * scale,
        sqs_receive=pricing.sqs_cost(receives, fifo=fifo) * scale,
        sqs_delete=pricing.sqs_cost(deletes, fifo=fifo) * scale,
    )


def run_cost_per_million(
    run: PipelineRun,
    *,
    memory_mb: int | None = None,
    architecture: Architecture | None = None,
    work: WorkModel | None = None,
) -> CostPerMillion:
    """The run's counted usage priced per million messages; reprice with another memory size,
    architecture or work model (the counts stay those of the run)."""
    config = run.config
    work = work or config.work
    billed_ms = sum(work.billed_ms(size) for size in run.stats.batch_sizes) + run.cold_starts * work.init_ms
    billed = run.sqs_billed
    return _priced(
        invocations=run.invocations,
        billed_ms=billed_ms,
        sends=billed.get("SendMessage", 0) + billed.get("SendMessageBatch", 0),
        receives=billed.get("ReceiveMessage", 0),
        deletes=billed.get("DeleteMessage", 0) + billed.get("DeleteMessageBatch", 0),
        memory_mb=memory_mb or config.memory_mb,
        architecture=architecture or config.architecture,
        fifo=config.fifo,
        scale=MILLION / len(run.sent),
    )


@dataclass(frozen=True)
class FittedLine:
    """``per_message(batch) = intercept + slope / batch``: a fixed part per message plus a part per batch."""

    intercept: float
    slope: float

    def __call__(self, batch: float) -> float:
        return self.intercept + self.slope / batch


def fit_line(points: Sequence[tuple[float, float]]) -> FittedLine:
    """Least-squares fit of ``y = intercept + slope / x`` to ``(x, y)``; x: messages per invocation."""
    if len({x for x, _ in points}) < 2:
        raise ConfigurationError(f"fitting needs points at two or more batch sizes, got {list(points)}")
    xs = [1 / x for x, _ in points]
    ys = [y for _, y in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return FittedLine(mean_y - slope * mean_x, slope)


@dataclass(frozen=True)
class BatchingModel:
    """Counts per message as a function of the batch size, fitted to runs; extrapolates to any batch size.

    Each count (invocations; billed sends, receives and deletes) is ``intercept + slope / batch``.
    Durations come from the work model (billed per invocation, rounded up to 1 ms); cold starts are left
    out (under 1% of invocations in production, as AWS states).
    """

    invocations: FittedLine
    sends: FittedLine
    receives: FittedLine
    deletes: FittedLine
    fitted_batches: tuple[float, ...]

    def cost_per_million(
        self,
        batch: float,
        *,
        work: WorkModel,
        memory_mb: int = 128,
        architecture: Architecture = "x86_64",
        fifo: bool = False,
    ) -> CostPerMillion:
        """Predicted USD per million messages with full batches of ``batch`` messages."""
        invocations = max(0.0, self.invocations(batch)) * MILLION
        return _priced(
            invocations=round(invocations),
            billed_ms=round(invocations * work.billed_ms(max(1, round(batch)))),
            sends=round(max(0.0, self.sends(batch)) * MILLION),
            receives=round(max(0.0, self.receives(batch)) * MILLION),
            deletes=round(max(0.0, self.deletes(batch)) * MILLION),
            memory_mb=memory_mb,
            architecture=architecture,
            fifo=fifo,
            scale=1.0,
        )


def fit_model(runs: Sequence[PipelineRun]) -> BatchingModel:
    """Fit a :class:`BatchingModel` to runs at two or more batch sizes (each at its mean batch size)."""

    def per_message(run: PipelineRun, *operations: str) -> float:
        return sum(run.sqs_billed.get(operation, 0) for operation in operations) / len(run.sent)

    def line(count: Callable[[PipelineRun], float]) -> FittedLine:
        return fit_line([(run.mean_batch_size, count(run)) for run in runs])

    return BatchingModel(
        invocations=line(lambda run: run.invocations / len(run.sent)),
        sends=line(lambda run: per_message(run, "SendMessage", "SendMessageBatch")),
        receives=line(lambda run: per_message(run, "ReceiveMessage")),
        deletes=line(lambda run: per_message(run, "DeleteMessage", "DeleteMessageBatch")),
        fitted_batches=tuple(run.mean_batch_size for run in runs),
    )


@dataclass(frozen=True)
class SavingStep:
    """One step of a savings decomposition: the configuration's cost and what the step saved."""

    step: str
    cost_per_million: float
    saved_per_million: float
    saved_percent_of_baseline: float
    cumulative_percent: float


def savings_breakdown(
    unbatched: PipelineRun,
    batched: PipelineRun,
    *,
    oversized_mb: int,
    right_sized_mb: int,
    order: Sequence[str] = ("batching", "arm64", "right-sizing"),
) -> list[SavingStep]:
    """Decompose the saving from (batch 1, x86_64, ``oversized_mb``) to (``batched``, arm64, right-sized).

    Each step changes one thing, in ``order``; a step's share depends on the order (the steps multiply).
    Right-sizing assumes the work is I/O-bound, so its duration does not change with memory, and arm64
    runs it as fast as x86_64: measure both for a real function (e.g. AWS Lambda Power Tuning).
    """
    if sorted(order) != ["arm64", "batching", "right-sizing"]:
        raise ConfigurationError(f"order must be a permutation of batching, arm64, right-sizing; got {order}")
    run, memory_mb = unbatched, oversized_mb
    architecture: Architecture = "x86_64"
    labels = {
        "batching": f"batching ({batched.mean_batch_size:g} messages per invocation)",
        "arm64": "arm64 (Graviton)",
        "right-sizing": f"right-sizing to {right_sized_mb} MB",
    }
    baseline = previous = run_cost_per_million(run, memory_mb=memory_mb, architecture=architecture).total
    steps = [
        SavingStep(f"baseline: one message per invocation, x86_64, {oversized_mb} MB", baseline, 0, 0, 0)
    ]
    for name in order:
        if name == "batching":
            run = batched
        elif name == "arm64":
            architecture = "arm64"
        else:
            memory_mb = right_sized_mb
        now = run_cost_per_million(run, memory_mb=memory_mb, architecture=architecture).total
        steps.append(
            SavingStep(
                labels[name],
                now,
                previous - now,
                100 * (previous - now) / baseline,
                100 * (baseline - now) / baseline,
            )
        )
        previous = now
    return steps


@dataclass(frozen=True)
class SeedMemoryCheck:
    """One row of seed 002's memory table, recomputed per 1,000 invocations."""

    memory_mb: int
    duration_ms: int
    seed_usd: float | None
    duration_usd: float
    requests_usd: float
    arm64_total_usd: float

    @property
    def total_usd(self) -> float:
        return self.duration_usd + self.requests_usd


def check_seed_002_memory_table(invocations: int = 1_000) -> list[SeedMemoryCheck]:
    """Seed 002's rows (128 MB for 1000 ms; 512 MB for 200 ms), plus the row its own CPU rule implies
    for CPU-bound work (512 MB is 4x the CPU of 128 MB, so 250 ms at best), priced per ``invocations``."""
    rows = [*SEED_002_CLAIMS, (512, 250, None)]
    checks = []
    for memory_mb, duration_ms, claimed in rows:
        gb_s = pricing.gb_seconds(memory_mb, pricing.billed_duration_ms(duration_ms)) * invocations
        requests = pricing.lambda_request_cost(invocations)
        checks.append(
            SeedMemoryCheck(
                memory_mb,
                duration_ms,
                claimed,
                pricing.lambda_duration_cost(gb_s),
                requests,
                pricing.lambda_duration_cost(gb_s, architecture="arm64") + requests,
            )
        )
    return checks
