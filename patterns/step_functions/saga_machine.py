"""The saga of pattern 14 as a state machine: Catch routes a failed step into its compensations, in reverse.

Built from the saga's own handlers (``patterns.saga.handlers``) and step list
(``patterns.saga.service.STEPS``), so the two patterns run the same services on the same tables. For
steps 1..n the machine is::

    Step1 -> Step2 -> ... -> StepN -> SagaCompleted (Succeed)
    StepK fails (after its retries) -> Catch -> UndoK -> UndoK-1 -> ... -> Undo1 -> AnyParked (Choice)
    AnyParked -> SagaCompensated (Fail), or CompensationParked (Fail) if an UndoJ kept failing: its
    Catch noted the error under ``$.parked`` and the chain went on with UndoJ-1 (the execution's
    history keeps the record for an operator)

The failed step is compensated too: after a timeout its effect may have happened, and the saga's
compensations are idempotent (compensating a step that never ran leaves a tombstone, nothing else).
The state machine replaces the hand-written orchestrator's saga log: Step Functions persists each
execution's position and history, so there is no orchestrator to crash and resume.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from patterns.lab.sandbox import Sandbox
from patterns.saga.adapters import DynamoDbServiceStore, SagaResources, create_resources, deploy_handlers
from patterns.saga.service import STEPS, Order
from patterns.step_functions.adapters import ExecutionResult, create_state_machine, run_execution
from patterns.step_functions.asl import validate_definition

__all__ = [
    "COMPENSATION_RETRY",
    "SAGA_ORDER",
    "STEP_RETRY",
    "SagaMachine",
    "SagaRun",
    "deploy_saga_machine",
    "run_saga",
    "saga_definition",
    "saga_faults",
    "state_name",
]

SagaOutcome = Literal["COMPLETED", "COMPENSATED", "PARKED", "UNKNOWN"]
FailureKind = Literal["error", "timeout"]
SAGA_ORDER = Order("order-1", (("book", 2), ("lamp", 1)), 5997, "ada@example.com")
# A step gets one retry after a second; a compensation must not give up easily.
STEP_RETRY: dict[str, Any] = {
    "ErrorEquals": ["InjectedFaultError", "Sandbox.Timedout"],
    "IntervalSeconds": 1,
    "MaxAttempts": 1,
    "BackoffRate": 2.0,
}
COMPENSATION_RETRY: dict[str, Any] = {
    "ErrorEquals": ["States.ALL"],
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 2.0,
}
_OUTCOMES: dict[str, SagaOutcome] = {"SagaCompensated": "COMPENSATED", "CompensationParked": "PARKED"}


def state_name(action: str) -> str:
    """The state of a saga action: ``charge_payment`` -> ``ChargePayment``."""
    return "".join(part.capitalize() for part in action.split("_"))


def _parameters() -> dict[str, str]:
    return {
        "saga_id.$": "$.saga_id",
        "order.$": "$.order",
        "faults.$": "$.faults",
        "attempt.$": "States.MathAdd($$.State.RetryCount, 1)",  # the handlers count attempts from 1
    }


def saga_definition(arns: Mapping[str, str]) -> dict[str, Any]:
    """The saga's ASL definition for the handlers' ARNs (``arns``: action -> function ARN)."""
    states: dict[str, Any] = {}
    for index, spec in enumerate(STEPS):
        following = state_name(STEPS[index + 1].action) if index + 1 < len(STEPS) else "SagaCompleted"
        states[state_name(spec.action)] = {
            "Type": "Task",
            "Resource": arns[spec.action],
            "Parameters": _parameters(),
            "ResultPath": f"$.done.{spec.action}",
            "Retry": [dict(STEP_RETRY)],
            "Catch": [
                {
                    "ErrorEquals": ["States.ALL"],
                    "ResultPath": "$.failure",
                    "Next": state_name(spec.compensation),
                }
            ],
            "Next": following,
        }
        previous = state_name(STEPS[index - 1].compensation) if index else "AnyParked"
        states[state_name(spec.compensation)] = {
            "Type": "Task",
            "Resource": arns[spec.compensation],
            "Parameters": _parameters(),
            "ResultPath": f"$.undone.{spec.compensation}",
            "Retry": [dict(COMPENSATION_RETRY)],
            "Catch": [
                {
                    "ErrorEquals": ["States.ALL"],
                    "ResultPath": f"$.parked.{spec.compensation}",
                    "Next": previous,
                }
            ],
            "Next": previous,
        }
    states["SagaCompleted"] = {"Type": "Succeed"}
    states["AnyParked"] = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.parked", "IsPresent": True, "Next": "CompensationParked"}],
        "Default": "SagaCompensated",
    }
    states["SagaCompensated"] = {
        "Type": "Fail",
        "Error": "SagaCompensated",
        "Cause": "a step failed; every completed step was compensated in reverse order",
    }
    states["CompensationParked"] = {
        "Type": "Fail",
        "Error": "CompensationParked",
        "Cause": "a compensation kept failing: the others ran; this execution's history is the record",
    }
    return validate_definition(
        {
            "Comment": "Order saga: Catch routes a failure into compensations",
            "StartAt": state_name(STEPS[0].action),
            "States": states,
        }
    )


@dataclass(frozen=True)
class SagaMachine:
    """The deployed saga state machine, its handlers and the services' tables."""

    machine_arn: str
    definition: dict[str, Any]
    resources: SagaResources


@dataclass(frozen=True)
class SagaRun:
    """One saga execution: how it ended and each service's record afterwards."""

    saga_id: str
    outcome: SagaOutcome
    execution: ExecutionResult
    records: dict[str, dict[str, Any] | None]
    parked: dict[str, Any]


def deploy_saga_machine(sandbox: Sandbox, *, prefix: str = "sfn-saga") -> SagaMachine:
    """Create the saga's tables, deploy its eight handlers and the state machine."""
    resources = create_resources(prefix)
    definition = saga_definition(deploy_handlers(sandbox, resources))
    machine = create_state_machine(sandbox, f"{prefix}-machine", definition)
    return SagaMachine(machine, definition, resources)


def saga_faults(
    failing_step: int, kind: FailureKind = "error", *, compensation_fails: bool = False
) -> dict[str, Any]:
    """Faults for step ``failing_step`` (1-based; 0: none), and optionally its compensation too."""
    if not 0 <= failing_step <= len(STEPS):
        raise ValueError(f"failing_step must be from 0 (no failure) to {len(STEPS)}, got {failing_step}")
    if failing_step == 0:
        return {}
    spec = STEPS[failing_step - 1]
    faults: dict[str, Any] = {spec.action: {"kind": kind, "times": None}}
    if compensation_fails:
        faults[spec.compensation] = {"kind": "error", "times": None}
    return faults


def run_saga(
    sandbox: Sandbox, machine: SagaMachine, saga_id: str, faults: Mapping[str, Any], order: Order = SAGA_ORDER
) -> SagaRun:
    """Run one saga to its end and read every service's record of it."""
    result = run_execution(
        sandbox, machine.machine_arn, {"saga_id": saga_id, "order": order.to_dict(), "faults": dict(faults)}
    )
    if result.succeeded:
        outcome: SagaOutcome = "COMPLETED"
    else:
        outcome = _OUTCOMES.get(result.error or "", "UNKNOWN")
    records = {
        spec.service: DynamoDbServiceStore(machine.resources.service_tables[spec.service]).get(saga_id)
        for spec in STEPS
    }
    return SagaRun(saga_id, outcome, result, records, _parked(result.history))


def _parked(history: list[dict[str, Any]]) -> dict[str, Any]:
    """The compensations parked on the way (compensation -> {Error, Cause}), from the final state's input."""
    for event in reversed(history):
        details = event.get("stateEnteredEventDetails") or {}
        if details.get("name") in ("CompensationParked", "SagaCompensated", "SagaCompleted"):
            parked: dict[str, Any] = json.loads(details.get("input") or "{}").get("parked", {})
            return parked
    return {}
