"""The fan-out demonstration: real jobs on both paths, the fan-in race, a failing chunk, speed-up and
cost, and Step Functions' Map state as the managed alternative. The notebook calls these functions.

Counts come from runs against moto (``pipeline``); durations from the stated
:class:`~patterns.fan_out.economics.WorkModel`; dollars from :mod:`patterns.lab.pricing`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from patterns.fan_out.adapters import DynamoDbFanInStore
from patterns.fan_out.economics import (
    Schedule,
    WorkModel,
    job_cost,
    job_usage,
    schedule,
    serial_cost,
)
from patterns.fan_out.exceptions import FanOutError
from patterns.fan_out.pipeline import JobConfig, JobRun, Via, run_job
from patterns.fan_out.service import (
    FanInStore,
    InMemoryFanInStore,
    SeedStore,
    chunk_body,
    chunk_steps,
    interleave,
    make_records,
    run_steps,
    seed_item_steps,
    split_into_chunks,
)
from patterns.lab import limits, pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import GanttBar, gantt, table
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Sandbox

__all__ = [
    "CHUNK_SIZES",
    "DEMO_NEEDS",
    "WORKER_COUNTS",
    "RaceResult",
    "explore",
    "main",
    "map_state_transitions",
    "plot_speedup_and_cost",
    "plot_speedup_vs_workers",
    "plot_timeline",
    "race_results",
    "sweep_rows",
]

DEMO_NEEDS: tuple[Capability, ...] = (Capability.STATE_MACHINE_LAMBDA_TASKS,)

CHUNK_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000)
WORKER_COUNTS = (2, 5, 10, 50, 200, 1_000)
VIAS: tuple[Via, ...] = ("sqs", "async")
BOTH = [0, 1] * 8
"""Two workers in lockstep: each makes a request, then the other (the worst case for a fan-in)."""


@dataclass(frozen=True)
class RaceResult:
    """How many aggregations one fan-in ran in one scenario."""

    fan_in: str
    scenario: str
    store: str
    aggregations: int


def _ours(store: FanInStore, job_id: str, scenario: str) -> int:
    """Our fan-in on ``store``: 3 chunks, chunk 0 done first; then the scenario."""
    chunks = split_into_chunks(job_id, make_records(30), 10)
    store.create_job(job_id, 3)
    finished = [run_steps(chunk_steps(chunks[0], store))]
    if scenario == "two last finishers together":
        outcomes = interleave(
            [chunk_steps(chunks[1], store, by="A"), chunk_steps(chunks[2], store, by="B")], BOTH
        )
    elif scenario == "the last chunk and its duplicate together":
        run_steps(chunk_steps(chunks[1], store))
        outcomes = interleave(
            [chunk_steps(chunks[2], store, by="A"), chunk_steps(chunks[2], store, by="A'")], BOTH
        )
    else:  # a duplicate after the end
        outcomes = [run_steps(chunk_steps(c, store)) for c in (chunks[1], chunks[2], chunks[2])]
    return sum(o.report is not None for o in [*finished, *outcomes])


def _seed(scenario: str) -> int:
    store = SeedStore.pending(3)
    run_steps(seed_item_steps(store, 0, by="first"))
    if scenario == "two last finishers together":
        interleave([seed_item_steps(store, 1, by="A"), seed_item_steps(store, 2, by="B")], BOTH)
    elif scenario == "the last chunk and its duplicate together":
        run_steps(seed_item_steps(store, 1, by="second"))
        interleave([seed_item_steps(store, 2, by="A"), seed_item_steps(store, 2, by="A'")], BOTH)
    else:
        for item in (1, 2, 2):
            run_steps(seed_item_steps(store, item, by=str(item)))
    return len(store.published)


SCENARIOS = (
    "two last finishers together",
    "the last chunk and its duplicate together",
    "a duplicate after the end",
)


def race_results(sandbox: Sandbox | None = None) -> list[RaceResult]:
    """Each scenario, stepped request by request: seed 001's fan-in (count pending, publish at zero)
    and ours (atomic counter + done marker + conditional finish), in memory and, with ``sandbox``, on
    DynamoDB (moto) with the very same interleavings."""
    rows = []
    table_name = None
    if sandbox is not None:
        table_name = f"fan-race-{uuid.uuid4().hex[:6]}"
        ensure_table(table_name, hash_key="pk", range_key="sk", client=sandbox.client("dynamodb"))
    for number, scenario in enumerate(SCENARIOS):
        rows.append(RaceResult("seed 001: count pending, publish at 0", scenario, "memory", _seed(scenario)))
        rows.append(
            RaceResult(
                "atomic counter + done marker",
                scenario,
                "memory",
                _ours(InMemoryFanInStore(), "job", scenario),
            )
        )
        if sandbox is not None and table_name is not None:
            dynamo = DynamoDbFanInStore(table_name, sandbox.client("dynamodb"))
            rows.append(
                RaceResult(
                    "atomic counter + done marker",
                    scenario,
                    "DynamoDB",
                    _ours(dynamo, f"job{number}", scenario),
                )
            )
    return rows


def plot_timeline(plan: Schedule, *, title: str = "", max_rows: int = 12) -> Figure:
    """Gantt of a modelled schedule: split, each worker's chunks, the aggregation (virtual seconds)."""
    bars = [GanttBar("splitter", 0.0, plan.split_end_ms / 1000, "split")]
    workers = sorted({span.worker for span in plan.chunks})[:max_rows]
    for span in plan.chunks:
        if span.worker in workers:
            bars.append(
                GanttBar(f"worker {span.worker + 1}", span.start_ms / 1000, span.end_ms / 1000, "chunk")
            )
    bars.append(GanttBar("aggregator", plan.aggregate_start_ms / 1000, plan.makespan_ms / 1000, "aggregate"))
    bars.append(GanttBar("serial run", 0.0, plan.serial_ms / 1000, "serial"))
    colours = {"split": "#9467bd", "chunk": "#1f77b4", "aggregate": "#2ca02c", "serial": "#7f7f7f"}
    used = len({span.worker for span in plan.chunks})
    default = f"{plan.records} records, chunks of {plan.chunk_size}, {plan.workers} workers (modelled)"
    if used > len(workers):
        default += f"\nthe first {len(workers)} of {used} busy workers shown"
    return gantt(
        bars,
        colours,
        title=title or default,
        xlabel="virtual seconds",
    )


def sweep_rows(
    records: int,
    work: WorkModel,
    *,
    chunk_sizes: Sequence[int] = CHUNK_SIZES,
    workers: Sequence[int] = WORKER_COUNTS,
    memory_mb: int = 512,
) -> list[dict[str, Any]]:
    """Speed-up and cost per job for every chunk size and worker count (chunk sizes above the job skipped)."""
    rows = []
    for size in [s for s in chunk_sizes if s <= records]:
        usage = job_usage(records, size, work)
        cost = job_cost(usage, memory_mb=memory_mb)
        for count in workers:
            plan = schedule(records, size, count, work)
            rows.append(
                {
                    "chunk_size": size,
                    "workers": count,
                    "chunks": usage.chunks,
                    "makespan_s": plan.makespan_ms / 1000,
                    "speedup": plan.speedup,
                    "usd_per_job": cost.total,
                    "usd_lambda": cost.lambda_usd,
                    "usd_sqs": cost.sqs_usd,
                    "usd_dynamodb": cost.dynamodb_usd,
                }
            )
    return rows


def plot_speedup_and_cost(
    records: int, work: WorkModel, *, workers: Sequence[int] = WORKER_COUNTS, memory_mb: int = 512
) -> Figure:
    """Left: speed-up against chunk size, a line per worker count. Right: USD per job against chunk
    size, with the serial run's cost."""
    rows = sweep_rows(records, work, workers=workers, memory_mb=memory_mb)
    figure = Figure(figsize=(10.0, 3.8), layout="constrained")
    left, right = figure.subplots(1, 2)
    for number, count in enumerate(workers):
        mine = [r for r in rows if r["workers"] == count]
        left.plot(
            [r["chunk_size"] for r in mine],
            [r["speedup"] for r in mine],
            marker="o",
            ms=3,
            linestyle=("-", "--", "-.", ":")[number % 4],
            label=f"{count} workers",
        )
    left.axhline(1.0, color="grey", linestyle=":", linewidth=1)
    left.set_xscale("log")
    left.set(
        title=f"speed-up over the serial run, {records:,} records",
        xlabel="records per chunk",
        ylabel="speed-up (x)",
    )
    left.legend(fontsize="x-small", loc="upper right")
    sizes = sorted({r["chunk_size"] for r in rows})
    costs = [next(r["usd_per_job"] for r in rows if r["chunk_size"] == s) for s in sizes]
    right.plot(sizes, [c * 1000 for c in costs], marker="o", ms=3, label="fan-out (Lambda + SQS + DynamoDB)")
    right.axhline(
        serial_cost(records, work, memory_mb=memory_mb).total * 1000,
        color="grey",
        linestyle="--",
        label="serial run",
    )
    right.set_xscale("log")
    right.set(title="cost per 1,000 jobs", xlabel="records per chunk", ylabel="USD per 1,000 jobs")
    right.legend(fontsize="x-small", loc="upper right")
    return figure


def plot_speedup_vs_workers(
    records: int, work: WorkModel, *, chunk_sizes: Sequence[int] = (10, 100, 1_000), max_workers: int = 1_000
) -> Figure:
    """Speed-up against the worker count (log-log), a line per chunk size, with the ideal line: where
    Amdahl bites (the split and the aggregation are serial) and where chunks run out."""
    counts = sorted({2, 5, 10, 20, 50, 100, 200, 500, max_workers})
    figure = Figure(figsize=(7.0, 3.8), layout="constrained")
    axes = figure.add_subplot()
    axes.plot(counts, counts, color="grey", linestyle=":", label="ideal (speed-up = workers)")
    for size in [s for s in chunk_sizes if s <= records]:
        axes.plot(
            counts,
            [schedule(records, size, n, work).speedup for n in counts],
            marker="o",
            ms=3,
            label=f"chunks of {size}",
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set(
        title=f"where Amdahl bites: {records:,} records",
        xlabel="workers (concurrency limit)",
        ylabel="speed-up (x)",
    )
    axes.legend(fontsize="x-small", loc="upper left")
    return figure


def explore(records: int, chunk_size: int, workers: int, per_chunk_ms: float, per_record_ms: float) -> Figure:
    """The widget's view: the modelled timeline of one configuration and its figures, printed."""
    work = WorkModel(per_record_ms=per_record_ms, per_chunk_ms=per_chunk_ms)
    plan = schedule(records, chunk_size, workers, work)
    usage = job_usage(records, chunk_size, work)
    cost, alone = job_cost(usage), serial_cost(records, work)
    print(
        f"{usage.chunks} chunks on {workers} workers: {plan.makespan_ms / 1000:.2f} s against "
        f"{plan.serial_ms / 1000:.2f} s serial, speed-up {plan.speedup:.2f}x; "
        f"${cost.total * 1000:.4f} per 1,000 jobs against ${alone.total * 1000:.4f} serial"
    )
    if plan.serial_ms / 1000 > limits.TIMEOUT_MAX_S:
        print(
            f"the serial run would exceed Lambda's {limits.TIMEOUT_MAX_S} s timeout: "
            "it cannot run as one function"
        )
    return plot_timeline(plan)


def map_state_transitions(sandbox: Sandbox, chunks: int) -> int:
    """Run a Step Functions Map state whose iteration is a Lambda task (the chunk worker,
    ``handlers.map_chunk``) over ``chunks`` chunks, then an aggregation state; count its billed
    transitions from the execution's history."""
    from patterns.step_functions.adapters import create_state_machine, run_execution
    from patterns.step_functions.history import state_transitions

    suffix = uuid.uuid4().hex[:6]
    worker = sandbox.deploy(f"fan-map-chunk-{suffix}", "patterns.fan_out.handlers.map_chunk", timeout_s=30.0)
    definition = {
        "StartAt": "FanOut",
        "States": {
            "FanOut": {
                "Type": "Map",
                "ItemsPath": "$.chunks",
                "MaxConcurrency": limits.STATES_MAP_INLINE_MAX_CONCURRENCY,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "ProcessChunk",
                    "States": {"ProcessChunk": {"Type": "Task", "Resource": worker, "End": True}},
                },
                "ResultPath": "$.partials",
                "Next": "Aggregate",
            },
            "Aggregate": {"Type": "Pass", "End": True},
        },
    }
    arn = create_state_machine(sandbox, f"fan-out-map-{suffix}", definition)
    pieces = split_into_chunks(f"map-{suffix}", make_records(10 * chunks), 10)
    result = run_execution(sandbox, arn, {"chunks": [json.loads(chunk_body(c)) for c in pieces]})
    if not result.succeeded:
        raise FanOutError(f"the Map execution ended {result.status}: {result.error} {result.cause}")
    return state_transitions(result.history)


def _run_line(run: JobRun) -> str:
    report = run.report
    assert report is not None
    failed = f", failed chunks {list(report.failed_chunks)}" if report.failed_chunks else ""
    return (
        f"   {run.config.via:<5} {report.status:<8} "
        f"{report.chunks_done}/{report.chunks} chunks done{failed}; "
        f"{report.records} records, {report.amount_cents} cents; invocations {run.invocations}; "
        f"deliveries ok {run.chunk_deliveries}, failed {run.chunk_failures}, "
        f"dead-lettered {run.dead_lettered}, "
        f"duplicates refused {run.duplicates_refused}; {run.virtual_s:g} virtual s"
    )


def main() -> int:
    """Run the demonstration against the sandbox's backend and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    work = WorkModel()
    with aws_sandbox() as sandbox:
        print(f"Durations are modelled, not measured: {work.describe()}.")
        print("Counted in the runs: invocations, SQS and DynamoDB requests, deliveries, the reports.\n")
        print("1. One job, 200 records in chunks of 20, 5 workers, on both paths")
        runs = [run_job(sandbox, JobConfig(via=via)) for via in VIAS]
        for run in runs:
            run.check_accounting()
            print(_run_line(run))
            usage, cost = run.usage(), run.cost()
            print(
                f"         SQS requests {run.sqs_requests}; DynamoDB requests {run.dynamodb_requests}; "
                f"${cost.total * 1000:.4f} per 1,000 jobs (Lambda ${cost.lambda_usd * 1000:.4f}, "
                f"SQS ${cost.sqs_usd * 1000:.4f}, DynamoDB ${cost.dynamodb_usd * 1000:.4f}; "
                f"{usage.billed_ms} billed ms)"
            )
        modelled = job_usage(200, 20, work)
        print(
            f"   the formula for the same job: {modelled.invocations} invocations, "
            f"{modelled.dynamodb_write_units} DynamoDB writes, {modelled.dynamodb_read_units} query"
        )

        print("\n2. Duplicates: chunks 1, 2 and 7 delivered twice")
        for via in VIAS:
            run = run_job(sandbox, JobConfig(via=via, duplicates=(1, 2, 7)))
            run.check_accounting()
            print(_run_line(run))

        print("\n3. The fan-in race, stepped request by request (aggregations run; a correct fan-in runs 1)")
        print(
            table(
                [vars(r) for r in race_results(sandbox)], ["fan_in", "scenario", "store", "aggregations"]
            ).indented()
        )

        print("\n4. A chunk that keeps failing (chunk 3 holds a poison record)")
        for via in VIAS:
            run = run_job(sandbox, JobConfig(via=via, poison_chunks=(3,)))
            run.check_accounting()
            print(_run_line(run))
        print(
            f"   SQS: {JobConfig().max_receive_count} receives (maxReceiveCount), then the DLQ; "
            "async: 1 attempt + "
            f"{limits.ASYNC_MAX_RETRY_ATTEMPTS} retries after {limits.ASYNC_RETRY_DELAYS_S} s, then the DLQ"
        )

        records = 10_000
        print(
            f"\n5. Speed-up and cost, {records:,} records (modelled durations, counted-by-formula requests)"
        )
        serial = schedule(records, records, 2, work).serial_ms / 1000
        print(f"   serial run: {serial:.1f} s, ${serial_cost(records, work).total * 1000:.4f} per 1,000 jobs")
        best = max(sweep_rows(records, work), key=lambda r: r["speedup"])
        for row in sweep_rows(records, work, chunk_sizes=(10, 100, 1_000), workers=(10, 100, 1_000)):
            print(
                f"   chunks of {row['chunk_size']:>5} on {row['workers']:>4} workers: "
                f"{row['makespan_s']:7.2f} s, "
                f"speed-up {row['speedup']:6.1f}x, ${row['usd_per_job'] * 1000:.4f} per 1,000 jobs"
            )
        print(
            f"   best of the sweep: chunks of {best['chunk_size']} on {best['workers']} workers, "
            f"speed-up {best['speedup']:.1f}x, ${best['usd_per_job'] * 1000:.4f} per 1,000 jobs"
        )
        big = 50_000
        print(
            f"   {big:,} records: serial {schedule(big, big, 2, work).serial_ms / 1000:.1f} s "
            f"(Lambda's timeout is {limits.TIMEOUT_MAX_S} s); chunks of 100 on 100 workers "
            f"{schedule(big, 100, 100, work).makespan_ms / 1000:.2f} s"
        )

        print("\n6. The managed alternative: a Step Functions Map state over the chunks")
        chunks = 10
        if not sandbox.unavailable(Capability.STATE_MACHINE_LAMBDA_TASKS, "the Map state over the chunks"):
            transitions = map_state_transitions(sandbox, chunks)
            sfn = pricing.stepfunctions_standard_cost(transitions)
            sqs_run = runs[0].cost()
            print(
                f"   {chunks} chunks: {transitions} state transitions counted, Standard workflow "
                f"${sfn * 1000:.4f} per 1,000 jobs, against SQS + DynamoDB fan-in "
                f"${(sqs_run.sqs_usd + sqs_run.dynamodb_usd) * 1000:.4f} per 1,000 jobs "
                "(Lambda the same on both)"
            )
            big_chunks = records // 100
            transitions = map_state_transitions(sandbox, big_chunks)
            ours = job_cost(job_usage(records, 100, work))
            print(
                f"   {big_chunks} chunks ({records:,} records in chunks of 100): {transitions} state "
                f"transitions counted, ${pricing.stepfunctions_standard_cost(transitions) * 1000:.4f} "
                f"per 1,000 jobs, against SQS + DynamoDB "
                f"${(ours.sqs_usd + ours.dynamodb_usd) * 1000:.4f} per 1,000 jobs"
            )
    return 0
