"""Power tuning on the local runtime: deploy a handler, run it N times at each memory size, model and price.

Each memory size is a real redeploy of the function on the lab's local Lambda runtime (its report shows
the size), invoked ``invocations`` times; each invocation returns the CPU and I/O time it measured on this
machine, and :class:`~patterns.cost.service.CpuModel` turns that into the duration Lambda would bill at the
size. Both architectures are priced from the same modelled durations (arm64 assumed as fast as x86_64:
measure your own function on both).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from patterns.cost.adapters import TABLE_ENV, create_catalogue
from patterns.cost.exceptions import TuningError
from patterns.cost.service import (
    ARCHITECTURES,
    MEMORY_SIZES,
    CpuModel,
    Sample,
    TuningPoint,
    trimmed_mean,
    tuning_point,
)
from patterns.lab.pricing import Architecture
from patterns.lab.sandbox import Sandbox

__all__ = ["CPU_BOUND", "IO_BOUND", "TuningRun", "deploy_handlers", "power_tune"]

CPU_BOUND = "cost-hash-report"
IO_BOUND = "cost-read-catalogue"
CATALOGUE_TABLE = "cost-catalogue"
CPU_ROUNDS = 4_000
IO_KEYS = 5


@dataclass(frozen=True)
class TuningRun:
    """A handler's samples by memory size, and its tuning points for each architecture."""

    function: str
    label: str
    samples: Mapping[int, tuple[Sample, ...]]
    points: Mapping[Architecture, tuple[TuningPoint, ...]]
    model: CpuModel = field(default_factory=CpuModel)
    reports: int = 0

    @property
    def calibration(self) -> Sample:
        """The handler as measured here: trimmed means of CPU and I/O time over every invocation."""
        every = [s for samples in self.samples.values() for s in samples]
        return Sample(trimmed_mean([s.cpu_ms for s in every]), trimmed_mean([s.io_ms for s in every]))


def deploy_handlers(sandbox: Sandbox, *, items: int = 20) -> dict[str, dict[str, Any]]:
    """Deploy the CPU-bound and the I/O-bound handler (and the I/O one's table); return their events."""
    keys = create_catalogue(CATALOGUE_TABLE, items, client=sandbox.client("dynamodb"))
    sandbox.lambdas.deploy(CPU_BOUND, "patterns.cost.handlers.hash_report")
    sandbox.lambdas.deploy(
        IO_BOUND, "patterns.cost.handlers.read_catalogue", environment={TABLE_ENV: CATALOGUE_TABLE}
    )
    return {CPU_BOUND: {"rounds": CPU_ROUNDS}, IO_BOUND: {"keys": keys[:IO_KEYS]}}


def power_tune(
    sandbox: Sandbox,
    function: str,
    event: Mapping[str, Any],
    *,
    label: str = "",
    memory_sizes: Sequence[int] = MEMORY_SIZES,
    invocations: int = 5,
    model: CpuModel | None = None,
) -> TuningRun:
    """Redeploy ``function`` at each memory size, invoke it ``invocations`` times, model and price it."""
    if invocations < 1:
        raise TuningError(f"invocations must be >= 1, got {invocations}")
    model = model or CpuModel()
    samples: dict[int, tuple[Sample, ...]] = {}
    reports = 0
    for memory_mb in memory_sizes:
        sandbox.lambdas.configure(function, memory_mb=memory_mb)
        taken = []
        for _ in range(invocations):
            result = sandbox.lambdas.invoke(function, dict(event))
            if not result.ok or result.report.memory_mb != memory_mb:
                raise TuningError(f"{function} at {memory_mb} MB: {result.function_error or result.report}")
            reports += 1
            taken.append(Sample(float(result.payload["cpu_ms"]), float(result.payload["io_ms"])))
        samples[memory_mb] = tuple(taken)
    points = {
        arch: tuple(tuning_point(m, s, model=model, architecture=arch) for m, s in samples.items())
        for arch in ARCHITECTURES
    }
    return TuningRun(function, label or function, samples, points, model, reports)
