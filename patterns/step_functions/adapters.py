"""Step Functions through boto3: create a state machine, start and drive an execution, read its history.

Executions run on moto's interpreter threads; :func:`wait_for_execution` drives the sandbox's clock
meanwhile, so Retry backoffs and Wait states pass in virtual time (see :mod:`patterns.lab.states`).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from patterns.lab.sandbox import Sandbox
from patterns.lab.states import advance_to_next_wait
from patterns.step_functions.asl import validate_definition
from patterns.step_functions.exceptions import ExecutionTimeoutError

__all__ = [
    "STATES_ROLE_ARN",
    "ExecutionResult",
    "MachineType",
    "create_state_machine",
    "get_execution_history",
    "run_execution",
    "start_execution",
    "wait_for_execution",
]

MachineType = Literal["STANDARD", "EXPRESS"]
STATES_ROLE_ARN = "arn:aws:iam::123456789012:role/lab-states-execution-role"
_POLL_S = 0.002


@dataclass(frozen=True)
class ExecutionResult:
    """How an execution ended, with its history events (as ``get_execution_history`` returns them)."""

    execution_arn: str
    status: str
    output: Any
    error: str | None
    cause: str | None
    history: list[dict[str, Any]]
    wall_s: float

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"


def create_state_machine(
    sandbox: Sandbox,
    name: str,
    definition: str | Mapping[str, Any],
    *,
    machine_type: MachineType = "STANDARD",
) -> str:
    """Validate ``definition`` and create (or update) the state machine ``name``; return its ARN."""
    body = json.dumps(validate_definition(definition))
    sfn = sandbox.client("stepfunctions")
    arn = f"arn:aws:states:{sandbox.region}:{sandbox.account_id}:stateMachine:{name}"
    try:
        sfn.describe_state_machine(stateMachineArn=arn)
    except sfn.exceptions.StateMachineDoesNotExist:
        created: str = sfn.create_state_machine(
            name=name, definition=body, roleArn=STATES_ROLE_ARN, type=machine_type
        )["stateMachineArn"]
        return created
    sfn.update_state_machine(stateMachineArn=arn, definition=body)
    return arn


def start_execution(sandbox: Sandbox, machine_arn: str, payload: Any, *, name: str | None = None) -> str:
    """Start an execution with ``payload`` as its JSON input; return the execution's ARN."""
    started: str = sandbox.client("stepfunctions").start_execution(
        stateMachineArn=machine_arn, name=name or f"run-{uuid.uuid4().hex[:12]}", input=json.dumps(payload)
    )["executionArn"]
    return started


def get_execution_history(sandbox: Sandbox, execution_arn: str) -> list[dict[str, Any]]:
    """Every history event of an execution, oldest first (all pages)."""
    sfn = sandbox.client("stepfunctions")
    events: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = sfn.get_execution_history(
            executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token else {})
        )
        events.extend(page["events"])
        token = page.get("nextToken")
        if not token:
            return events


def wait_for_execution(sandbox: Sandbox, execution_arn: str, *, timeout_s: float = 30.0) -> ExecutionResult:
    """Drive the clock until the execution ends (waits skip); raise after ``timeout_s`` real seconds."""
    sfn = sandbox.client("stepfunctions")
    started = time.perf_counter()
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            break
        if time.perf_counter() - started > timeout_s:
            raise ExecutionTimeoutError(
                f"execution {execution_arn} still RUNNING after {timeout_s} s of real time "
                "(a handler that never returns, or a Task TimeoutSeconds longer than that?)"
            )
        if not advance_to_next_wait(sandbox):
            time.sleep(_POLL_S)
    output = described.get("output")
    return ExecutionResult(
        execution_arn=execution_arn,
        status=described["status"],
        output=json.loads(output) if output else None,
        error=described.get("error"),
        cause=described.get("cause"),
        history=get_execution_history(sandbox, execution_arn),
        wall_s=time.perf_counter() - started,
    )


def run_execution(
    sandbox: Sandbox, machine_arn: str, payload: Any, *, name: str | None = None, timeout_s: float = 30.0
) -> ExecutionResult:
    """Start an execution and wait for its end."""
    arn = start_execution(sandbox, machine_arn, payload, name=name)
    return wait_for_execution(sandbox, arn, timeout_s=timeout_s)
