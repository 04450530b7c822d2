"""The queue-batching demonstration: sweeps of real pipeline runs, the failure comparison, and the charts.

Every count comes from a run of the pipeline against moto; every dollar from :mod:`patterns.lab.pricing`
applied to those counts (:mod:`patterns.queue_batching.economics`). The notebook calls these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from matplotlib.figure import Figure

from patterns.lab import limits
from patterns.lab.capabilities import Capability
from patterns.lab.display import table
from patterns.lab.sandbox import Sandbox
from patterns.queue_batching.economics import (
    BatchingModel,
    CostPerMillion,
    check_seed_002_memory_table,
    fit_model,
    run_cost_per_million,
    savings_breakdown,
)
from patterns.queue_batching.pipeline import Architecture, PipelineConfig, PipelineRun, run_pipeline
from patterns.queue_batching.service import WorkModel

__all__ = [
    "DEMO_NEEDS",
    "SWEEP_BATCH_SIZES",
    "compare_failure_handling",
    "cost_rows",
    "explore",
    "main",
    "plot_cost_breakdown",
    "plot_cost_vs_batch",
    "plot_cost_vs_overhead",
    "plot_latency_vs_window",
    "sweep_batch_sizes",
    "sweep_windows",
    "window_for",
]

# What the demonstration checks with `sandbox.unavailable`; the README's backend table is tested against it.
DEMO_NEEDS: tuple[Capability, ...] = ()

SWEEP_BATCH_SIZES = (1, 3, 10, 50)
EXTRAPOLATED_BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000)
Progress = Callable[[int, int], None]


def window_for(batch_size: int) -> int:
    """The smallest batching window AWS accepts for ``batch_size`` on a standard queue (0 or 1 s)."""
    return 1 if batch_size > limits.SQS_BATCH_WITHOUT_WINDOW_MAX else 0


def sweep_batch_sizes(
    sandbox: Sandbox,
    batch_sizes: Sequence[int] = SWEEP_BATCH_SIZES,
    *,
    base: PipelineConfig | None = None,
    progress: Progress | None = None,
) -> list[PipelineRun]:
    """One run per batch size (with the smallest window it needs), everything else as in ``base``."""
    config = base or PipelineConfig(messages=60)
    runs = []
    for done, batch_size in enumerate(batch_sizes, start=1):
        runs.append(
            run_pipeline(
                sandbox, replace(config, batch_size=batch_size, batching_window_s=window_for(batch_size))
            )
        )
        if progress:
            progress(done, len(batch_sizes))
    return runs


def sweep_windows(
    sandbox: Sandbox,
    windows: Sequence[int] = (0, 1, 2, 5),
    *,
    base: PipelineConfig | None = None,
    progress: Progress | None = None,
) -> list[PipelineRun]:
    """One run per batching window; by default messages arrive one at a time, 4 a second, so a window of
    ``w`` seconds gathers about ``4 w`` of them into a batch of up to 10 and makes them wait for it."""
    config = base or PipelineConfig(messages=30, batch_size=10, arrival_rate_per_s=4.0, producer_batch=1)
    runs = []
    for done, window in enumerate(windows, start=1):
        runs.append(run_pipeline(sandbox, replace(config, batching_window_s=window)))
        if progress:
            progress(done, len(windows))
    return runs


def compare_failure_handling(
    sandbox: Sandbox, *, base: PipelineConfig | None = None
) -> dict[str, PipelineRun]:
    """The same poisoned workload without and with partial batch responses (ReportBatchItemFailures)."""
    config = base or PipelineConfig(messages=100, batch_size=10, failure_rate=0.02)
    return {
        "whole batch fails": run_pipeline(sandbox, replace(config, report_batch_item_failures=False)),
        "batchItemFailures": run_pipeline(sandbox, replace(config, report_batch_item_failures=True)),
    }


def cost_rows(
    runs: Sequence[PipelineRun], *, memory_mb: int | None = None, architecture: Architecture | None = None
) -> list[dict[str, Any]]:
    """A row per run: its counts and its USD per million messages by component."""
    rows = []
    for run in runs:
        cost = run_cost_per_million(run, memory_mb=memory_mb, architecture=architecture)
        rows.append({**run.summary(), **{f"usd_{k}": v for k, v in cost.as_dict().items()}})
    return rows


def plot_cost_vs_batch(
    model: BatchingModel,
    runs: Sequence[PipelineRun],
    *,
    work: WorkModel,
    memory_mb: int = 128,
    architecture: Architecture = "x86_64",
    size: tuple[float, float] = (7.0, 3.5),
) -> Figure:
    """The model's USD per million messages against batch size (log x), with the measured runs on it."""
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    sizes = list(EXTRAPOLATED_BATCH_SIZES)
    predicted = [
        model.cost_per_million(b, work=work, memory_mb=memory_mb, architecture=architecture) for b in sizes
    ]
    axes.plot(sizes, [c.total for c in predicted], label="model: total", color="#1f77b4")
    axes.plot(sizes, [c.lambda_total for c in predicted], label="model: Lambda", color="#ff7f0e", ls="--")
    axes.plot(sizes, [c.sqs_total for c in predicted], label="model: SQS", color="#2ca02c", ls=":")
    measured = [
        run_cost_per_million(run, memory_mb=memory_mb, architecture=architecture, work=work) for run in runs
    ]
    axes.scatter(
        [run.mean_batch_size for run in runs],
        [c.total for c in measured],
        color="black",
        zorder=3,
        label="measured runs",
    )
    axes.set_xscale("log")
    axes.set(
        title=f"cost per million messages, {memory_mb} MB {architecture}",
        xlabel="messages per invocation (batch size)",
        ylabel="USD per million messages",
    )
    axes.legend(fontsize="small")
    return figure


def plot_cost_vs_overhead(
    model: BatchingModel,
    batch_sizes: Sequence[int],
    *,
    work: WorkModel,
    overheads_ms: Sequence[float] = (0, 10, 20, 50, 100, 200),
    memory_mb: int = 128,
    architecture: Architecture = "x86_64",
    size: tuple[float, float] = (7.0, 3.5),
) -> Figure:
    """USD per million messages against the per-invocation overhead (set-up), one line per batch size."""
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    for batch in batch_sizes:
        costs = [
            model.cost_per_million(
                batch,
                work=replace(work, per_invocation_ms=ms),
                memory_mb=memory_mb,
                architecture=architecture,
            ).total
            for ms in overheads_ms
        ]
        axes.plot(list(overheads_ms), costs, marker="o", label=f"batch {batch}")
    axes.set(
        title="what batching amortises: per-invocation overhead",
        xlabel="per-invocation overhead (ms: init of a connection, set-up)",
        ylabel="USD per million messages",
    )
    axes.legend(fontsize="small")
    return figure


def plot_latency_vs_window(runs: Sequence[PipelineRun], *, size: tuple[float, float] = (7.0, 3.5)) -> Figure:
    """p50 and p99 enqueue -> processed latency (virtual seconds) against the batching window."""
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    windows = [run.config.batching_window_s for run in runs]
    axes.plot(windows, [run.latency_percentile(50) for run in runs], marker="o", label="p50")
    axes.plot(windows, [run.latency_percentile(99) for run in runs], marker="s", label="p99")
    axes.set(
        title="latency the batching window adds",
        xlabel="MaximumBatchingWindowInSeconds",
        ylabel="enqueue -> processed (s)",
    )
    axes.legend(fontsize="small")
    return figure


def plot_cost_breakdown(
    costs: dict[str, CostPerMillion], *, size: tuple[float, float] = (7.0, 3.5)
) -> Figure:
    """Stacked bars: where each configuration's dollars per million messages go."""
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    labels = list(costs)
    bottoms = [0.0] * len(labels)
    for part in ("lambda_requests", "lambda_duration", "sqs_send", "sqs_receive", "sqs_delete"):
        values = [getattr(costs[label], part) for label in labels]
        axes.bar(labels, values, bottom=bottoms, label=part.replace("_", " "))
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    axes.set(title="where the money goes", ylabel="USD per million messages")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def explore(
    sandbox: Sandbox,
    model: BatchingModel,
    *,
    batch_size: int,
    batching_window_s: int,
    failure_rate: float,
    message_bytes: int,
    memory_mb: int,
    architecture: Architecture,
    messages: int = 40,
) -> tuple[PipelineRun, Figure]:
    """Run one small pipeline with these settings (the window raised to what the batch size needs) and
    chart it on the model's curve for the same memory size and architecture."""
    config = PipelineConfig(
        messages=messages,
        batch_size=batch_size,
        batching_window_s=max(batching_window_s, window_for(batch_size)),
        failure_rate=failure_rate,
        message_bytes=message_bytes,
        memory_mb=memory_mb,
        architecture=architecture,
    )
    run = run_pipeline(sandbox, config)
    run.check_accounting()
    figure = plot_cost_vs_batch(
        model, [run], work=config.work, memory_mb=memory_mb, architecture=architecture
    )
    return run, figure


def main() -> int:
    """Run the demonstration against moto and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        base = PipelineConfig(messages=60)
        print(f"1. Batch size sweep: {base.messages} messages per run, work model {base.work}")
        runs = sweep_batch_sizes(sandbox, base=base)
        for run in runs:
            run.check_accounting()
        print(
            table(
                cost_rows(runs),
                ["batch_size", "mean_batch", "invocations", "sqs_requests", "billed_ms", "usd_total"],
                formats={"usd_total": ".4f", "mean_batch": ".1f"},
            ).indented()
        )
        for run in runs:
            cost = run_cost_per_million(run)
            print(
                f"   batch {run.config.batch_size:>3}: ${cost.total:.4f} per million messages "
                f"(Lambda ${cost.lambda_total:.4f}, SQS ${cost.sqs_total:.4f}); SQS calls {run.sqs_calls}, "
                f"{run.empty_receives} of the receives empty"
            )
        model = fit_model(runs)
        print("\n2. Model fitted to those runs, extrapolated (USD per million messages)")
        for batch in (1, 10, 100, 1_000, 10_000):
            print(f"   batch {batch:>6}: ${model.cost_per_million(batch, work=base.work).total:.4f}")

        print("\n3. Latency added by the batching window (batch 10, 4 messages/s)")
        for run in sweep_windows(sandbox):
            print(
                f"   window {run.config.batching_window_s} s: mean batch {run.mean_batch_size:.1f}, "
                f"p50 {run.latency_percentile(50):.2f} s, p99 {run.latency_percentile(99):.2f} s, "
                f"${run_cost_per_million(run).total:.4f} per million"
            )

        print("\n4. A poison message in a batch (2% poison, batch 10, maxReceiveCount 3)")
        for label, run in compare_failure_handling(sandbox).items():
            run.check_accounting()
            cost = run_cost_per_million(run)
            print(
                f"   {label:<18}: {run.invocations} invocations, "
                f"{run.duplicate_deliveries} duplicate deliveries, "
                f"{run.repeats_refused} repeats refused by the idempotent write, "
                f"{len(run.dead_lettered)} in the DLQ "
                f"({run.good_messages_dead_lettered} not poison, {run.good_messages_never_applied} of those "
                f"never applied), lost {len(run.lost)}; per million messages: "
                f"Lambda ${cost.lambda_total:.4f}, SQS ${cost.sqs_total:.4f}, total ${cost.total:.4f}"
            )

        print("\n5. Where a '70% saving' comes from (batch workload, repriced from the counted runs)")
        for step in savings_breakdown(runs[0], runs[2], oversized_mb=1024, right_sized_mb=256):
            print(
                f"   {step.step:<52} ${step.cost_per_million:.4f}/M  "
                f"saves {step.saved_percent_of_baseline:5.1f}% (total {step.cumulative_percent:5.1f}%)"
            )

        print("\n6. Seed 002's memory table, per 1,000 invocations")
        for row in check_seed_002_memory_table():
            claimed = f"seed ${row.seed_usd}" if row.seed_usd is not None else "(4x CPU, CPU-bound)"
            print(
                f"   {row.memory_mb} MB, {row.duration_ms} ms: {claimed:<19} "
                f"duration ${row.duration_usd:.7f}, "
                f"with requests ${row.total_usd:.7f}, arm64 ${row.arm64_total_usd:.7f}"
            )
    return 0
