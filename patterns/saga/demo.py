"""The saga demonstration: real handlers in the local Lambda runtime, a saga log in DynamoDB (moto),
failures injected at every step and in compensations, orchestrator crashes, and the invariants checked
after every run. Every number printed comes from the run.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from matplotlib.figure import Figure

from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import GanttBar, gantt
from patterns.lab.sandbox import Sandbox
from patterns.saga.adapters import (
    STEP_TIMEOUT_S,
    DynamoDbSagaLog,
    DynamoDbServiceStore,
    LabClockAdapter,
    LambdaInvoker,
    SagaResources,
    SqsParking,
    create_resources,
    deploy_handlers,
)
from patterns.saga.choreography import deploy_choreography, run_choreographed
from patterns.saga.exceptions import OrchestratorCrashedError
from patterns.saga.invariants import InvariantReport, check_invariants
from patterns.saga.orchestrator import SagaOrchestrator, SagaState, TimelineEntry
from patterns.saga.service import STEPS, Order

__all__ = [
    "DEMO_NEEDS",
    "DEMO_ORDER",
    "FAILURE_KINDS",
    "RESTART_DELAY_S",
    "FailureKind",
    "RunCounts",
    "SagaLab",
    "ScenarioResult",
    "compare_styles",
    "main",
    "plot_timeline",
    "run_matrix",
    "run_scenario",
    "setup_lab",
]

# What the demonstration checks with `sandbox.unavailable`; the README's backend table is tested against it.
DEMO_NEEDS: tuple[Capability, ...] = (Capability.PUSH_DELIVERIES,)

FailureKind = Literal["error", "timeout", "crash"]
FAILURE_KINDS: tuple[FailureKind, ...] = ("error", "timeout", "crash")
RESTART_DELAY_S = 3.0  # virtual seconds before a crashed orchestrator is started again
DEMO_ORDER = Order("order-1", (("book", 2), ("lamp", 1)), 5997, "ada@example.com")
_RESULT_COLOURS = {
    "done": "#2ca02c",
    "duplicate": "#98df8a",
    "undone": "#1f77b4",
    "nothing_to_undo": "#aec7e8",
    "InjectedFaultError": "#d62728",
    "Sandbox.Timedout": "#ff7f0e",
    "other": "#7f7f7f",
}


@dataclass(frozen=True)
class RunCounts:
    """What a run billed: Lambda requests, DynamoDB writes, EventBridge events."""

    lambda_invocations: int
    dynamodb_writes: int
    events: int = 0

    def cost_usd(self) -> float:
        """Request charges at list prices (:mod:`patterns.lab.pricing`); Lambda duration not included."""
        return (
            pricing.lambda_request_cost(self.lambda_invocations)
            + pricing.dynamodb_on_demand_cost(0, self.dynamodb_writes)
            + pricing.eventbridge_cost(self.events)
        )

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(
            self.lambda_invocations + other.lambda_invocations,
            self.dynamodb_writes + other.dynamodb_writes,
            self.events + other.events,
        )


@dataclass
class SagaLab:
    """The deployed saga: its resources, the saga log, the parking queue and the lab's clock."""

    sandbox: Sandbox
    resources: SagaResources
    log: DynamoDbSagaLog
    parking: SqsParking
    clock: LabClockAdapter
    timeout_s: float = STEP_TIMEOUT_S

    def records(self, saga_ids: Sequence[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Each service's records (only those of ``saga_ids``, if given)."""
        client = self.sandbox.client("dynamodb")
        stores = {
            service: DynamoDbServiceStore(table, client)
            for service, table in self.resources.service_tables.items()
        }
        if saga_ids is None:
            return {service: store.records() for service, store in stores.items()}
        return {
            service: [record for saga_id in saga_ids if (record := store.get(saga_id))]
            for service, store in stores.items()
        }

    def statuses(self, saga_id: str) -> dict[str, str]:
        """Each service's record status for one saga ("-": no record)."""
        found = self.records([saga_id])
        return {service: str(rows[0]["status"]) if rows else "-" for service, rows in found.items()}

    def invariants(self, saga_ids: Sequence[str] | None = None) -> InvariantReport:
        """Check the invariants over the sagas in the log (only ``saga_ids``, if given)."""
        if saga_ids is None:
            sagas = self.log.sagas()
        else:
            sagas = [state for saga_id in saga_ids if (state := self.log.load(saga_id))]
        parked = [p for p in self.parking.messages() if saga_ids is None or p["saga_id"] in saga_ids]
        return check_invariants(sagas, self.records(saga_ids), parked)


def setup_lab(sandbox: Sandbox, prefix: str = "saga", *, timeout_s: float = STEP_TIMEOUT_S) -> SagaLab:
    """Create the tables and the parking queue, deploy the eight handlers (Lambda timeout ``timeout_s``:
    what an injected timeout costs in real time), return the lab."""
    resources = create_resources(prefix)
    deploy_handlers(sandbox, resources, timeout_s=timeout_s)
    return SagaLab(
        sandbox,
        resources,
        DynamoDbSagaLog(resources.log_table, sandbox.client("dynamodb")),
        SqsParking(resources.parking_queue_url, sandbox.client("sqs")),
        LabClockAdapter(sandbox.clock),
        timeout_s,
    )


@dataclass
class ScenarioResult:
    """One saga run (and its resumption after a crash): final state, timeline, invariants, counts."""

    label: str
    state: SagaState
    timeline: list[TimelineEntry]
    crashes: list[tuple[float, float]]  # (crashed at, restarted at), virtual seconds
    invariants: InvariantReport
    counts: RunCounts
    checkpoints: list[str] = field(default_factory=list)
    crash_label: str | None = None

    @property
    def compensations(self) -> list[str]:
        """The compensations invoked, in order (each once, however many attempts it took)."""
        return list(dict.fromkeys(e.action for e in self.timeline if e.kind == "compensation"))

    def summary(self) -> str:
        verdict = (
            "invariants hold" if self.invariants.ok else f"VIOLATED: {'; '.join(self.invariants.violations)}"
        )
        crash = f", crashed and resumed {len(self.crashes)}x" if self.crashes else ""
        undo = " -> ".join(self.compensations) or "none"
        return f"{self.label:<34} {self.state.status:<11} compensations: {undo}{crash}; {verdict}"


def run_scenario(
    lab: SagaLab,
    failing_step: int = 0,
    kind: FailureKind = "error",
    *,
    compensation_fault: str | None = None,
    compensate_failed_step: bool = True,
    duplicate: Callable[[str, int], bool] | None = None,
    label: str | None = None,
) -> ScenarioResult:
    """Run one saga with step ``failing_step`` (1-4; 0: none) failing by ``kind``.

    ``error`` and ``timeout`` fail every attempt of that step; ``crash`` kills the orchestrator just
    after the step answered (before the log records it), then starts it again after
    :data:`RESTART_DELAY_S`. ``compensation_fault`` makes that compensation fail every attempt.
    """
    if not 0 <= failing_step <= len(STEPS):
        raise ValueError(f"failing_step must be 0 (none) to {len(STEPS)}, got {failing_step}")
    if kind not in FAILURE_KINDS:
        raise ValueError(f"kind must be one of {FAILURE_KINDS}, got {kind!r}")
    saga_id = f"saga-{uuid.uuid4().hex[:8]}"
    faults: dict[str, Any] = {}
    crash_at = None
    if failing_step and kind == "crash":
        crash_at = 2 * failing_step  # checkpoint "<step> answered"
    elif failing_step:
        faults[STEPS[failing_step - 1].action] = {"kind": kind}
    if compensation_fault:
        faults[compensation_fault] = {"kind": "error"}
    invoker = LambdaInvoker(
        lab.resources.prefix, lab.sandbox.client("lambda"), timeout_s=lab.timeout_s, duplicate=duplicate
    )
    checkpoints: list[str] = []
    orchestrator = SagaOrchestrator(
        lab.log,
        invoker,
        lab.parking,
        lab.clock,
        compensate_failed_step=compensate_failed_step,
        on_checkpoint=checkpoints.append,
    )
    writes_before = lab.log.writes
    crashes = []
    crash_label = None
    try:
        state = orchestrator.run(saga_id, DEMO_ORDER, faults=faults, crash_at=crash_at)
    except OrchestratorCrashedError as crash:
        crash_label = crash.label
        crashed_at = lab.clock.elapsed
        lab.clock.advance(RESTART_DELAY_S)
        crashes.append((crashed_at, lab.clock.elapsed))
        state = orchestrator.run(saga_id, DEMO_ORDER)
    counts = RunCounts(
        invoker.invocations + orchestrator.runs, invoker.service_writes + lab.log.writes - writes_before
    )
    name = label or (f"step {failing_step} {kind}" if failing_step else "no failure")
    if compensation_fault:
        name += f" + {compensation_fault} fails"
    return ScenarioResult(
        name,
        state,
        orchestrator.timeline,
        crashes,
        lab.invariants([saga_id]),
        counts,
        checkpoints,
        crash_label,
    )


def run_matrix(lab: SagaLab, kinds: Sequence[FailureKind] = FAILURE_KINDS) -> list[ScenarioResult]:
    """No failure, then every step failing by every kind, then a compensation that keeps failing."""
    results = [run_scenario(lab)]
    results += [run_scenario(lab, step, kind) for step in range(1, len(STEPS) + 1) for kind in kinds]
    results.append(run_scenario(lab, 3, "error", compensation_fault="refund_payment"))
    return results


def plot_timeline(result: ScenarioResult, *, size: tuple[float, float] = (8.0, 3.6)) -> Figure:
    """A Gantt chart of one saga: one row per step and compensation, one bar per attempt."""
    rows = [spec.action for spec in STEPS] + [spec.compensation for spec in reversed(STEPS)]
    origin = result.timeline[0].start if result.timeline else 0.0
    bars = [
        GanttBar(
            entry.action,
            entry.start - origin,
            entry.end - origin,
            entry.result if entry.result in _RESULT_COLOURS else "other",
        )
        for entry in result.timeline
    ]
    return gantt(
        bars,
        _RESULT_COLOURS,
        rows=rows,
        shaded=[(crashed - origin, restarted - origin) for crashed, restarted in result.crashes],
        shaded_label="orchestrator down",
        title=f"{result.label}: {result.state.status}",
        xlabel="virtual seconds since the saga started",
        size=size,
    )


def compare_styles(
    sandbox: Sandbox, lab: SagaLab, scenarios: tuple[int, ...] = (0, 2, 4)
) -> list[dict[str, Any]]:
    """Run each scenario (0: no failure, k: step k errors) both ways; one row per style and scenario."""
    choreography = deploy_choreography(sandbox, lab.resources.service_tables)
    rows = []
    for step in scenarios:
        label = f"step {step} error" if step else "no failure"
        orchestrated = run_scenario(lab, step, "error")
        faults = {STEPS[step - 1].action: {"kind": "error"}} if step else {}
        choreographed = run_choreographed(sandbox, choreography, DEMO_ORDER, faults)
        choreographed_counts = RunCounts(
            choreographed.lambda_invocations, choreographed.dynamodb_writes, len(choreographed.events)
        )
        for style, status, counts in (
            ("orchestration", orchestrated.state.status, orchestrated.counts),
            ("choreography", choreographed.status, choreographed_counts),
        ):
            rows.append(
                {
                    "style": style,
                    "scenario": label,
                    "status": status,
                    "lambda_invocations": counts.lambda_invocations,
                    "dynamodb_writes": counts.dynamodb_writes,
                    "events": counts.events,
                    "cost_usd": counts.cost_usd(),
                }
            )
    return rows


def main() -> int:
    """Run the demonstration against moto and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        lab = setup_lab(sandbox)
        print("1. Every failure point: each step fails by error, timeout or an orchestrator crash")
        matrix = run_matrix(lab)
        for result in matrix:
            print(f"   {result.summary()}")
        print("\n2. Crash and resume: no completed step runs twice")
        crash = next(r for r in matrix if r.label == "step 3 crash")
        repeated = sorted({e.action for e in crash.timeline if e.run == 2 and e.result == "done"})
        print(f"   crashed at '{crash.crash_label}', restarted {RESTART_DELAY_S:g} virtual s later")
        print(f"   steps the resumed run performed anew: {repeated or 'none'}")
        found_done = [e.action for e in crash.timeline if e.result == "duplicate"]
        print(f"   steps it re-asked and found done: {found_done}")

        print("\n3. Parked compensation")
        parked = lab.parking.messages()
        listed = [(p["saga_id"], p["compensation"]) for p in parked]
        print(f"   {len(parked)} record(s) on the parking queue: {listed}")

        print("\n4. The seeds' compensation (completed steps only) vs ours, payment timing out")
        seeds = run_scenario(
            lab, 2, "timeout", compensate_failed_step=False, label="seeds: completed steps only"
        )
        same_timeout = next(r for r in matrix if r.label == "step 2 timeout")
        ours = replace(same_timeout, label="ours: started steps too")
        for result in (seeds, ours):
            print(f"   {result.summary()}")

        print("\n5. Duplicate deliveries of every request")
        twice = run_scenario(
            lab, 4, "error", duplicate=lambda _action, _attempt: True, label="step 4 error, twice"
        )
        payments = lab.records([twice.state.saga_id])["payments"]
        print(f"   {twice.summary()}")
        print(f"   {twice.counts.lambda_invocations} invocations; payment record now {payments[0]['status']}")

        results = [*matrix, twice]
        checks = sum(r.invariants.checks for r in results)
        broken = sum(not r.invariants.ok for r in results)
        print(f"\nInvariants: {len(results)} runs, {checks} checks, {broken} runs violated them")
        print(f"(the seeds' variant violated them: {not seeds.invariants.ok})")

        print("\n6. Orchestration vs choreography, same scenarios")
        choreography = "the choreographed saga (EventBridge to its functions)"
        if sandbox.unavailable(Capability.PUSH_DELIVERIES, choreography):
            return 0
        comparison = compare_styles(sandbox, lab)
        for row in comparison:
            print(
                f"   {row['style']:<13} {row['scenario']:<16} {row['status']:<11} "
                f"lambda {row['lambda_invocations']:>2}  writes {row['dynamodb_writes']:>2}  "
                f"events {row['events']:>2}  ${row['cost_usd']:.8f}"
            )
    return 0
