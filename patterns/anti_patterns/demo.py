"""The six anti-patterns, each run failing and then fixed, with what every run counted and billed.

Each part reuses the earlier pattern's own code: ``patterns.fan_out`` (the long job),
``patterns.choreography`` (the synchronous chain), ``patterns.state`` (state in memory),
``patterns.secrets_config`` (the hard-coded secret, scanned with ``detect-secrets``), ``patterns.faas``
(the monolithic handler). The recursive loop is this pattern's: real S3 notifications invoke
:mod:`patterns.anti_patterns.handlers`, and the local runtime stops the chain as Lambda's recursive loop
detection does (:mod:`patterns.lab.recursion`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from patterns.anti_patterns import adapters
from patterns.anti_patterns.service import ANTI_PATTERNS, LoopBill, TimeoutRun, loop_bill, run_in_one_function
from patterns.choreography.demo import Comparison, compare, compositions
from patterns.faas.demo import DeploymentComparison, compare_deployments
from patterns.fan_out.economics import JobCost, Schedule, WorkModel, job_cost, job_usage, schedule
from patterns.fan_out.pipeline import JobConfig, JobRun, run_job
from patterns.lab import limits
from patterns.lab.capabilities import Capability
from patterns.lab.display import category_ticks, count_axis
from patterns.lab.recursion import RecursiveLoop, StoppedInvocation
from patterns.lab.sandbox import Sandbox, aws_sandbox
from patterns.secrets_config.adapters import Finding
from patterns.secrets_config.demo import scan_samples
from patterns.state.adapters import create_tables
from patterns.state.demo import CounterRun, count_visits

__all__ = [
    "ALLOWED_HOPS",
    "DEMO_NEEDS",
    "JOB_RECORDS",
    "LOOP_BUCKET",
    "MONOLITH_WORKLOAD",
    "OUTPUT_BUCKET",
    "LongJob",
    "LoopRun",
    "explore_loop",
    "fixed_loop",
    "hard_coded_secret",
    "long_job",
    "main",
    "memory_state",
    "monolith",
    "plot_long_job",
    "plot_loop_cost",
    "plot_loops",
    "queued_job",
    "recursive_loop",
    "sync_chain",
]

DEMO_NEEDS: tuple[Capability, ...] = (Capability.PUSH_DELIVERIES,)
HANDLERS = "patterns.anti_patterns.handlers"
JOB_RECORDS = 60_000
CHUNK_SIZE = 2_000
WORKERS = 10
MONOLITH_WORKLOAD: dict[str, int] = {"register": 5, "get": 15, "export": 1}
"""Pattern 01's mix of routes (many reads, some sign-ups, a rare export), smaller to keep the run short."""
LOOP_BUCKET = "anti-patterns-photos"
OUTPUT_BUCKET = "anti-patterns-thumbnails"
LOOP_FUNCTION = "thumbnail-in-place"
FIXED_FUNCTION = "thumbnail-to-output"
ALLOWED_HOPS = 5 * limits.RECURSIVE_LOOP_MAX_INVOCATIONS
"""Where the lab cuts the loop whose detection is off (``Allow``): the operator noticing it, say."""


# --- 1. a long job in one function --------------------------------------------------------------


@dataclass(frozen=True)
class LongJob:
    """The same job in one function (against the 900 s timeout) and in chunks (pattern 08's model)."""

    work: WorkModel
    one_function: TimeoutRun
    chunked: Schedule
    chunked_cost: JobCost

    @property
    def longest_chunk_ms(self) -> float:
        return max(span.end_ms - span.start_ms for span in self.chunked.chunks)


def long_job(
    records: int = JOB_RECORDS,
    *,
    chunk_size: int = CHUNK_SIZE,
    workers: int = WORKERS,
    work: WorkModel | None = None,
) -> LongJob:
    """Run ``records`` records on the work model both ways (virtual time: nothing sleeps)."""
    model = work or WorkModel()
    return LongJob(
        work=model,
        one_function=run_in_one_function(records, model),
        chunked=schedule(records, chunk_size, workers, model),
        chunked_cost=job_cost(job_usage(records, chunk_size, model)),
    )


def queued_job(sandbox: Sandbox) -> JobRun:
    """A small job through pattern 08's real pipeline (SQS, workers, a DynamoDB fan-in): nothing lost."""
    return run_job(sandbox, JobConfig(records=100, chunk_size=20, workers=5))


# --- 2. a synchronous chain --------------------------------------------------------------------------


def sync_chain(sandbox: Sandbox) -> list[Comparison]:
    """Pattern 06's three-step order flow, by synchronous invokes and (where it can run) by events."""
    return compare(sandbox, orders=1, styles=compositions(sandbox))


# --- 3. state in memory -----------------------------------------------------------------------------


def memory_state(sandbox: Sandbox, *, requests: int = 20, environments: int = 4) -> CounterRun:
    """Pattern 04's visit counter: in each environment's memory, and in DynamoDB."""
    return count_visits(sandbox, create_tables(), requests=requests, environments=environments)


# --- 4. a hard-coded secret -------------------------------------------------------------------------


def hard_coded_secret() -> dict[str, list[Finding]]:
    """``detect-secrets`` on pattern 21's handler with a hard-coded secret, and on its fix."""
    return scan_samples()


# --- 5. a monolithic handler --------------------------------------------------------------------------


def monolith(sandbox: Sandbox, workload: dict[str, int] | None = None) -> DeploymentComparison:
    """A workload of pattern 01's routes through its multi-purpose handler and single-purpose functions."""
    return compare_deployments(sandbox, workload or MONOLITH_WORKLOAD)


# --- 6. a recursive loop --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoopRun:
    """One upload into a bucket whose function writes back into it (or, fixed, elsewhere)."""

    function: str
    setting: RecursiveLoop
    uploads: int
    bill: LoopBill
    stopped: tuple[StoppedInvocation, ...]
    objects_in_trigger_bucket: int

    @property
    def longest_chain(self) -> int:
        return max((s.lineage - 1 for s in self.stopped), default=self.bill.invocations)


def _run_uploads(
    sandbox: Sandbox, function: str, uploads: int, setting: RecursiveLoop, cap: int | None
) -> LoopRun:
    runtime = sandbox.lambdas
    first_report, first_stop = len(runtime.reports), len(runtime.stopped)
    saved_cap, runtime.loop_safety_cap = runtime.loop_safety_cap, cap
    try:
        for upload in range(uploads):
            adapters.put_object(LOOP_BUCKET, f"uploads/photo-{upload}.jpg", b"\xff\xd8" + bytes(200))
        sandbox.settle()
    finally:
        runtime.loop_safety_cap = saved_cap
    reports = [r for r in runtime.reports[first_report:] if r.function_name == function]
    stopped = tuple(s for s in runtime.stopped[first_stop:] if s.function_name == function)
    return LoopRun(
        function,
        setting,
        uploads,
        loop_bill(reports, len(stopped)),
        stopped,
        adapters.count_objects(LOOP_BUCKET),
    )


def recursive_loop(
    sandbox: Sandbox, *, setting: RecursiveLoop = "Terminate", allowed_hops: int = ALLOWED_HOPS
) -> LoopRun:
    """One upload to a bucket whose function writes its thumbnail back into it: every write triggers it
    again. ``Terminate`` (Lambda's default) stops the chain at the limit; ``Allow`` runs until the lab's
    cut at ``allowed_hops``."""
    adapters.create_bucket(LOOP_BUCKET)
    arn = sandbox.deploy(
        LOOP_FUNCTION, f"{HANDLERS}.thumbnail_in_place", memory_mb=512, recursive_loop=setting
    )
    adapters.notify_function(LOOP_BUCKET, arn)
    return _run_uploads(sandbox, LOOP_FUNCTION, 1, setting, allowed_hops if setting == "Allow" else None)


def fixed_loop(sandbox: Sandbox, *, uploads: int = 3) -> LoopRun:
    """The fix: the function writes to another bucket (and the trigger is filtered to ``uploads/``)."""
    adapters.create_bucket(LOOP_BUCKET)
    adapters.create_bucket(OUTPUT_BUCKET)
    arn = sandbox.deploy(
        FIXED_FUNCTION,
        f"{HANDLERS}.thumbnail_to_output",
        memory_mb=512,
        environment={"OUTPUT_BUCKET": OUTPUT_BUCKET},
    )
    adapters.notify_function(LOOP_BUCKET, arn, prefix="uploads/")
    return _run_uploads(sandbox, FIXED_FUNCTION, uploads, "Terminate", None)


def explore_loop(hops: int, usd_per_invocation: float) -> str:
    """What a loop of ``hops`` invocations costs at a measured price per invocation (widget glue)."""
    return f"{hops} hops before it is stopped: ${hops * usd_per_invocation:.6f} of Lambda, {hops} invocations"


# --- figures ---------------------------------------------------------------------------------------------


def plot_long_job(job: LongJob) -> Figure:
    """Records kept and lost, and the longest single invocation, for one function against chunks."""
    figure = Figure(figsize=(9.0, 3.4), layout="constrained")
    left, right = figure.subplots(1, 2)
    one = job.one_function
    labels = ["one function", f"{len(job.chunked.chunks)} chunks"]
    kept = [one.records if one.completed else 0, job.chunked.records]
    left.bar([0, 1], kept, color=["#c44e52", "#55a868"], width=0.6)
    left.set_ylabel("records in the result")
    left.set_title(f"{one.records:,} records, {one.attempts} attempt(s)")
    count_axis(left.yaxis)
    category_ticks(left, [0, 1], labels, width_in=4.0)
    longest = [min(one.needed_ms, one.timeout_s * 1000) / 1000, job.longest_chunk_ms / 1000]
    right.bar([0, 1], longest, color=["#c44e52", "#55a868"], width=0.6)
    right.axhline(limits.TIMEOUT_MAX_S, color="black", linestyle="--", linewidth=1)
    right.set_ylabel("longest invocation (s)")
    right.set_ylim(0, limits.TIMEOUT_MAX_S * 1.25)
    right.set_title(f"timeout {limits.TIMEOUT_MAX_S} s (dashed)")
    category_ticks(right, [0, 1], labels, width_in=4.0)
    return figure


def plot_loop_cost(hops: int, usd_per_invocation: float) -> Figure:
    """Lambda dollars of one loop stopped by detection, against one stopped after ``hops`` hops."""
    figure = Figure(figsize=(7.0, 3.2), layout="constrained")
    axes = figure.subplots()
    limit = limits.RECURSIVE_LOOP_MAX_INVOCATIONS
    labels = [f"detection: {limit} hops", f"Allow: {hops:,} hops"]
    axes.bar(
        [0, 1],
        [limit * usd_per_invocation, hops * usd_per_invocation],
        color=["#55a868", "#c44e52"],
        width=0.5,
    )
    axes.set_yscale("log")
    axes.set_ylabel("USD of Lambda per loop")
    category_ticks(axes, [0, 1], labels, width_in=6.0)
    return figure


def plot_loops(runs: Sequence[LoopRun]) -> Figure:
    """Invocations of one upload per run (Terminate, Allow, fixed), and their Lambda dollars."""
    figure = Figure(figsize=(9.0, 3.4), layout="constrained")
    left, right = figure.subplots(1, 2)
    labels = [f"{run.function.removeprefix('thumbnail-')} ({run.setting})" for run in runs]
    positions = list(range(len(runs)))
    left.bar(positions, [run.bill.invocations / run.uploads for run in runs], color="#4c72b0", width=0.6)
    left.set_ylabel("invocations per upload")
    left.axhline(limits.RECURSIVE_LOOP_MAX_INVOCATIONS, color="black", linestyle="--", linewidth=1)
    left.set_title("dashed: Lambda's stop", fontsize="medium")
    count_axis(left.yaxis)
    category_ticks(left, positions, labels, width_in=4.0)
    right.bar(
        positions, [run.bill.lambda_usd / run.uploads * 1e6 for run in runs], color="#dd8452", width=0.6
    )
    right.set_ylabel("USD per million uploads")
    right.set_yscale("log")
    category_ticks(right, positions, labels, width_in=4.0)
    return figure


# --- the demonstration ----------------------------------------------------------------------------------


def _print_long_job(job: LongJob, queued: JobRun) -> None:
    one = job.one_function
    print(f"1. {ANTI_PATTERNS[0][0]} ({job.work.describe()})")
    print(
        f"   one function: needs {one.needed_ms / 1000:,.0f} s, stopped at {one.timeout_s:g} s after "
        f"{one.processed_per_attempt:,} of {one.records:,} records, {one.attempts} attempts: "
        f"{one.lost_records:,} records processed and lost, "
        f"{one.billed_ms / 1000:,.0f} s billed, ${one.usd:.4f}"
    )
    print(
        f"   fixed, {len(job.chunked.chunks)} chunks on {job.chunked.workers} workers: longest invocation "
        f"{job.longest_chunk_ms / 1000:.0f} s, done in {job.chunked.makespan_ms / 1000:.0f} s, "
        f"${job.chunked_cost.total:.4f}"
    )
    report = queued.report
    done = report.records if report else 0
    print(
        f"   a real queued run (pattern 08): {done} of {queued.expected_records} records, "
        f"invocations {queued.invocations}"
    )


def _print_sync_chain(rows: Sequence[Comparison]) -> None:
    print(f"2. {ANTI_PATTERNS[1][0]}")
    for row in rows:
        share = row.waiting_gb_s / row.gb_s if row.gb_s else 0.0
        print(
            f"   {row.composition}: {row.invocations:.0f} invocations, {row.billed_ms:.0f} ms billed, "
            "of which "
            f"{row.waiting_ms:.0f} ms callers waiting ({share:.0%} of GB-s billed twice), "
            f"${row.usd_per_million:.2f} per million orders"
        )


def _print_state(run: CounterRun) -> None:
    print(f"3. {ANTI_PATTERNS[2][0]}")
    print(
        f"   {run.requests} visits over {run.environments} environments: memory answered "
        f"{run.in_memory_last_answer} (each environment counts its own: "
        f"{sorted(run.in_memory_per_environment.values())}); DynamoDB answered {run.dynamodb_last_answer} "
        f"and holds {run.dynamodb_stored}"
    )


def _print_secret(found: dict[str, list[Finding]]) -> None:
    print(f"4. {ANTI_PATTERNS[3][0]} (scanned with detect-secrets, pattern 21's samples)")
    for name, findings in found.items():
        kinds = sorted({finding.kind for finding in findings})
        print(f"   {name}: {len(findings)} finding(s) {kinds}")


def _print_monolith(comparison: DeploymentComparison) -> None:
    print(f"5. {ANTI_PATTERNS[4][0]} (pattern 01's workload {comparison.workload})")
    for row in comparison.rows():
        print(
            f"   {row['deployment']:>14} {row['route']:>8}: {row['requests']:>3} requests at "
            f"{row['memory_mb']:>4} MB, {row['billed_ms']:>5} ms billed, ${row['cost_usd']:.7f}"
        )


def _print_loop(runs: Sequence[LoopRun]) -> None:
    print(f"6. {ANTI_PATTERNS[5][0]}")
    for run in runs:
        stopped = f", {run.bill.stopped} stopped ({run.stopped[0].reason})" if run.stopped else ""
        print(
            f"   {run.function} ({run.setting}), {run.uploads} upload(s): {run.bill.invocations} invocations"
            f"{stopped}, {run.bill.billed_ms} ms billed, ${run.bill.lambda_usd:.7f}"
        )


def main() -> int:
    with aws_sandbox() as sandbox:
        print("Six anti-patterns, each failing and then fixed (figures measured in this run):")
        job = long_job()
        _print_long_job(job, queued_job(sandbox))
        _print_sync_chain(sync_chain(sandbox))
        _print_state(memory_state(sandbox))
        _print_secret(hard_coded_secret())
        _print_monolith(monolith(sandbox))
        if not sandbox.unavailable(Capability.PUSH_DELIVERIES, "the recursive loop through S3 notifications"):
            runs = [
                recursive_loop(sandbox),
                recursive_loop(sandbox, setting="Allow"),
                fixed_loop(sandbox),
            ]
            _print_loop(runs)
            allowed = runs[1]
            print(
                f"   without the stop: {allowed.bill.invocations} invocations by the lab's cut "
                "and still going, "
                f"${allowed.bill.usd_per_invocation:.9f} per invocation; "
                + explore_loop(1_000_000, allowed.bill.usd_per_invocation)
            )
    return 0
