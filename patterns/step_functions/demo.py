"""The step-functions demonstration: deploy the order workflow, run it through its paths, measure it.

Every number printed (statuses, retry waits, transitions, costs, wall times) comes from the run.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import table
from patterns.lab.sandbox import Sandbox
from patterns.step_functions.adapters import ExecutionResult, MachineType, create_state_machine, run_execution
from patterns.step_functions.asl import Retrier, load_definition, render_definition, retriers_of
from patterns.step_functions.history import execution_cost, retry_waits, timeline

__all__ = [
    "DEMO_NEEDS",
    "ORDER_HANDLERS",
    "SCENARIOS",
    "OrchestrationOverhead",
    "OrderWorkflow",
    "RetryTiming",
    "ScenarioOutcome",
    "compare_with_orchestrator",
    "deploy_order_workflow",
    "main",
    "measure_retry_timing",
    "orchestrator_cost",
    "run_order",
    "run_scenarios",
    "sample_order",
    "with_retrier",
]

# What the demonstration checks with `sandbox.unavailable`; the README's backend table is tested against it.
DEMO_NEEDS: tuple[Capability, ...] = (Capability.STATE_MACHINE_LAMBDA_TASKS,)

# Task state -> the handler that runs it.
ORDER_HANDLERS: dict[str, str] = {
    "ValidateOrder": "patterns.step_functions.handlers.validate_order",
    "CheckInventory": "patterns.step_functions.handlers.check_inventory",
    "ChargePayment": "patterns.step_functions.handlers.charge_payment",
    "CreateShipment": "patterns.step_functions.handlers.create_shipment",
    "SendConfirmation": "patterns.step_functions.handlers.send_confirmation",
    "PickItem": "patterns.step_functions.handlers.pick_item",
    "NotifyRejection": "patterns.step_functions.handlers.notify_rejection",
}
_GATEWAY_DOWN = "PaymentGatewayUnavailableError"


@dataclass(frozen=True)
class OrderWorkflow:
    """A deployed order workflow: its state machine, its definition and its functions."""

    machine_arn: str
    definition: dict[str, Any]
    function_arns: dict[str, str]
    machine_type: MachineType

    def payment_retrier(self) -> Retrier:
        return retriers_of(self.definition, "ChargePayment")[0]


def sample_order(order_id: str = "o-1", *, express: bool = False, lines: int = 2) -> dict[str, Any]:
    """A valid order of ``lines`` lines that is in stock."""
    catalogue = [("book", 2, 1500), ("lamp", 1, 4000), ("desk", 1, 25000)]
    items = [
        {"sku": sku, "quantity": quantity, "unit_cents": unit}
        for sku, quantity, unit in (catalogue * lines)[:lines]
    ]
    return {"order_id": order_id, "customer": "ada@example.com", "express": express, "items": items}


# Label -> (order, faults): one run through each path of the workflow.
SCENARIOS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "happy path": (sample_order("o-happy", express=True, lines=3), {}),
    "gateway flaky twice": (sample_order("o-flaky"), {"ChargePayment": {"error": _GATEWAY_DOWN, "times": 2}}),
    "gateway down": (sample_order("o-down"), {"ChargePayment": {"error": _GATEWAY_DOWN}}),
    "card declined": (sample_order("o-declined"), {"ChargePayment": {"error": "PaymentDeclinedError"}}),
    "out of stock": (
        {**sample_order("o-stock"), "items": [{"sku": "chair", "quantity": 1, "unit_cents": 9900}]},
        {},
    ),
    "invalid order": ({"order_id": "o-bad", "customer": "nobody", "items": []}, {}),
}


@dataclass(frozen=True)
class ScenarioOutcome:
    """One execution of the workflow, summarised."""

    label: str
    status: str
    error: str | None
    path: str
    transitions: int
    retries: int
    lambda_invocations: int
    standard_usd: float
    express_usd: float
    wall_s: float


@dataclass(frozen=True)
class RetryTiming:
    """Observed waits before each retry of ChargePayment next to the ASL formula's."""

    retrier: Retrier
    expected_s: list[float]
    from_history_s: list[float]
    from_invocations_s: list[float]
    virtual_s: float
    wall_s: float


def deploy_order_workflow(
    sandbox: Sandbox,
    *,
    name: str = "order-workflow",
    machine_type: MachineType = "STANDARD",
) -> OrderWorkflow:
    """Deploy the task handlers and create the state machine."""
    arns = {state: sandbox.deploy(f"{name}-{state}", handler) for state, handler in ORDER_HANDLERS.items()}
    definition = render_definition(load_definition("order_workflow"), arns)
    machine = create_state_machine(sandbox, name, definition, machine_type=machine_type)
    return OrderWorkflow(machine, definition, arns, machine_type)


def with_retrier(
    sandbox: Sandbox, workflow: OrderWorkflow, name: str, **retrier_changes: Any
) -> OrderWorkflow:
    """A second state machine on the same functions, with ChargePayment's retrier changed."""
    definition = copy.deepcopy(workflow.definition)
    definition["States"]["ChargePayment"]["Retry"][0].update(retrier_changes)
    machine = create_state_machine(sandbox, name, definition, machine_type=workflow.machine_type)
    return OrderWorkflow(machine, definition, workflow.function_arns, workflow.machine_type)


def run_order(
    sandbox: Sandbox,
    workflow: OrderWorkflow,
    order: Mapping[str, Any],
    faults: Mapping[str, Any] | None = None,
) -> ExecutionResult:
    """Run one order through the workflow; ``faults`` maps a state name to an injected error."""
    return run_execution(sandbox, workflow.machine_arn, {"order": dict(order), "faults": dict(faults or {})})


def run_scenarios(
    sandbox: Sandbox,
    workflow: OrderWorkflow,
    scenarios: Mapping[str, tuple[dict[str, Any], dict[str, Any]]] = SCENARIOS,
) -> list[ScenarioOutcome]:
    """Run each scenario once and summarise its path, transitions and cost."""
    outcomes = []
    for label, (order, faults) in scenarios.items():
        result = run_order(sandbox, workflow, order, faults)
        cost = execution_cost(result.history)
        spans = [span for span in timeline(result.history) if span.iteration is None]
        outcomes.append(
            ScenarioOutcome(
                label=label,
                status=result.status,
                error=result.error,
                path=" > ".join(dict.fromkeys(span.name for span in spans)),
                transitions=cost.transitions,
                retries=cost.retries,
                lambda_invocations=cost.lambda_invocations,
                standard_usd=cost.standard_usd,
                express_usd=cost.express_usd,
                wall_s=result.wall_s,
            )
        )
    return outcomes


def measure_retry_timing(sandbox: Sandbox, workflow: OrderWorkflow, *, failures: int = 3) -> RetryTiming:
    """Fail ChargePayment ``failures`` times and measure the waits before each retry two ways."""
    function = workflow.function_arns["ChargePayment"]
    before = len(sandbox.lambdas.reports)
    clock_before = sandbox.clock.elapsed
    result = run_order(
        sandbox,
        workflow,
        sample_order("o-retry"),
        {"ChargePayment": {"error": _GATEWAY_DOWN, "times": failures}},
    )
    starts = [
        report.started_at
        for report in sandbox.lambdas.reports[before:]
        if function.endswith(f":{report.function_name}")
    ]
    retrier = workflow.payment_retrier()
    return RetryTiming(
        retrier=retrier,
        expected_s=retrier.delays()[: min(failures, retrier.max_attempts)],
        from_history_s=retry_waits(result.history, "ChargePayment"),
        from_invocations_s=[
            (later - earlier).total_seconds() for earlier, later in itertools.pairwise(starts)
        ],
        virtual_s=sandbox.clock.elapsed - clock_before,
        wall_s=result.wall_s,
    )


@dataclass(frozen=True)
class OrchestrationOverhead:
    """The cost of running one execution's flow, on top of its tasks: state machine vs Lambda orchestrator."""

    label: str
    task_invocations: int
    task_ms: float
    backoff_s: float
    transitions: int
    standard_usd: float
    express_usd: float
    orchestrator_billed_ms: float
    orchestrator_usd: float


def compare_with_orchestrator(
    sandbox: Sandbox,
    workflow: OrderWorkflow,
    scenarios: Mapping[str, tuple[dict[str, Any], dict[str, Any]]],
    *,
    orchestrator_memory_mb: int = 128,
) -> list[OrchestrationOverhead]:
    """Run each scenario on the state machine; price its flow as Standard, Express and a Lambda orchestrator.

    The orchestrator is priced, not run: one invocation that calls the same tasks synchronously (its
    billed time includes theirs, measured in this run) and sleeps through the same backoff waits.
    """
    rows = []
    for label, (order, faults) in scenarios.items():
        before = len(sandbox.lambdas.reports)
        result = run_order(sandbox, workflow, order, faults)
        reports = sandbox.lambdas.reports[before:]
        cost = execution_cost(result.history)
        waits = sum(retry_waits(result.history, "ChargePayment"))
        task_ms = sum(report.duration_ms for report in reports)
        orchestrator = orchestrator_cost([waits], task_ms, memory_mb=orchestrator_memory_mb)
        rows.append(
            OrchestrationOverhead(
                label=label,
                task_invocations=len(reports),
                task_ms=task_ms,
                backoff_s=waits,
                transitions=cost.transitions,
                standard_usd=cost.standard_usd,
                express_usd=cost.express_usd,
                orchestrator_billed_ms=orchestrator["billed_ms"],
                orchestrator_usd=orchestrator["usd"],
            )
        )
    return rows


def orchestrator_cost(
    waits_s: Sequence[float], handler_ms: float, *, memory_mb: int = 128
) -> dict[str, float]:
    """One execution of a hand-written Lambda orchestrator: it is billed while it sleeps between retries.

    ``handler_ms`` is its own work (measured), ``waits_s`` the backoff waits it sleeps through.
    """
    billed_ms = pricing.billed_duration_ms(handler_ms + 1000.0 * sum(waits_s))
    return {
        "billed_ms": float(billed_ms),
        "usd": pricing.lambda_invocation_cost(memory_mb, billed_ms),
    }


def _print_what_runs_without_executions(sandbox: Sandbox, workflow: OrderWorkflow) -> None:
    """On a backend that cannot run Lambda tasks: the machine as the backend stored it, the retry formula."""
    described = sandbox.client("stepfunctions").describe_state_machine(stateMachineArn=workflow.machine_arn)
    states = json.loads(described["definition"])["States"]
    print(f"   state machine {described['name']} ({described['type']}) created: {len(states)} states")
    print(f"   task functions deployed to the local runtime: {len(workflow.function_arns)}")
    retrier = workflow.payment_retrier()
    print(f"   ChargePayment's retry waits by the ASL formula (s): {[round(w, 3) for w in retrier.delays()]}")


def main() -> int:
    """Run the whole demonstration against moto and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    started = time.perf_counter()
    with aws_sandbox() as sandbox:
        workflow = deploy_order_workflow(sandbox)
        if sandbox.unavailable(Capability.STATE_MACHINE_LAMBDA_TASKS, "running the workflow's executions"):
            _print_what_runs_without_executions(sandbox, workflow)
            return 0
        print("1. The order workflow through each of its paths (one execution each)")
        outcomes = run_scenarios(sandbox, workflow)
        print(
            table(
                [
                    {
                        "scenario": o.label,
                        "status": o.status,
                        "error": o.error or "-",
                        "transitions": o.transitions,
                        "retries": o.retries,
                        "lambda calls": o.lambda_invocations,
                        "wall s": o.wall_s,
                    }
                    for o in outcomes
                ]
            ).indented()
        )
        for outcome in outcomes:
            print(f"   {outcome.label}: {outcome.path}")

        print("\n2. Retry timing of ChargePayment (3 failures, then success)")
        timing = measure_retry_timing(sandbox, workflow)
        retrier = timing.retrier
        print(
            f"   retrier: IntervalSeconds={retrier.interval_seconds} BackoffRate={retrier.backoff_rate} "
            f"MaxAttempts={retrier.max_attempts} MaxDelaySeconds={retrier.max_delay_seconds} "
            f"JitterStrategy={retrier.jitter_strategy}"
        )
        print(f"   formula waits (s):          {[round(w, 3) for w in timing.expected_s]}")
        print(f"   history waits (s):          {[round(w, 3) for w in timing.from_history_s]}")
        print(f"   handler start gaps (s):     {[round(w, 3) for w in timing.from_invocations_s]}")
        print(f"   virtual time {timing.virtual_s:.1f} s passed in {timing.wall_s:.2f} s of real time")

        print("\n3. Cost per execution (no free tier), Standard vs Express (64 MB)")
        print(
            table(
                [
                    {
                        "scenario": o.label,
                        "transitions": o.transitions,
                        "standard $/1M": pricing.stepfunctions_standard_cost(o.transitions * 1_000_000),
                        "express $/1M": o.express_usd * 1_000_000,
                    }
                    for o in outcomes
                ]
            ).indented()
        )
        print(
            "\n4. The flow's own cost per million executions: state machine vs a Lambda orchestrator (128 MB)"
        )
        chosen = {label: SCENARIOS[label] for label in ("happy path", "gateway flaky twice", "gateway down")}
        print(
            table(
                [
                    {
                        "scenario": row.label,
                        "task calls": row.task_invocations,
                        "task ms": row.task_ms,
                        "backoff s": row.backoff_s,
                        "transitions": row.transitions,
                        "standard $/1M": row.standard_usd * 1_000_000,
                        "express $/1M": row.express_usd * 1_000_000,
                        "orchestrator ms": row.orchestrator_billed_ms,
                        "orchestrator $/1M": row.orchestrator_usd * 1_000_000,
                    }
                    for row in compare_with_orchestrator(sandbox, workflow, chosen)
                ]
            ).indented()
        )
    print(f"\ndemonstration wall time {time.perf_counter() - started:.1f} s")
    return 0
