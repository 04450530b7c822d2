"""Probes of the step-functions exercise: they run in the learner's sandboxed process, execute the
learner's ASL definition against moto with injected failures, and return plain JSON data for the
grader to check (the checks live elsewhere)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from patterns.lab.sandbox import Backend, Sandbox, aws_sandbox
from patterns.step_functions.adapters import create_state_machine, run_execution
from patterns.step_functions.asl import render_definition
from patterns.step_functions.exceptions import AslValidationError
from patterns.step_functions.history import timeline

__all__ = ["FILE", "SCENARIOS", "execute", "warm_up"]

FILE = "payment.asl.json"
GATEWAY = "PaymentGatewayUnavailableError"
ORDER = {
    "order_id": "o-7",
    "customer": "grace@example.com",
    "items": [{"sku": "book", "quantity": 1, "unit_cents": 2500}],
}
# Scenario -> the faults injected into ChargePayment (the first `times` attempts fail; null: all).
SCENARIOS: dict[str, dict[str, Any]] = {
    "paid": {},
    "gateway fails twice": {"ChargePayment": {"error": GATEWAY, "times": 2}},
    "gateway fails three times": {"ChargePayment": {"error": GATEWAY, "times": 3}},
    "gateway down": {"ChargePayment": {"error": GATEWAY, "times": None}},
    "card declined": {"ChargePayment": {"error": "PaymentDeclinedError", "times": None}},
    "invalid order": {"ChargePayment": {"error": "InvalidOrderError", "times": None}},
}
HANDLERS = {
    "ChargePayment": "patterns.step_functions.handlers.charge_payment",
    "NotifyRejection": "patterns.step_functions.handlers.notify_rejection",
}


def _deploy(sandbox: Sandbox) -> dict[str, str]:
    return {name: sandbox.deploy(name, handler) for name, handler in HANDLERS.items()}


def _import_interpreter() -> None:
    """Import moto's Step Functions interpreter with one shared botocore session: on import, moto's
    EC2 models (which its Batch integration pulls in) list the regions through three new
    ``boto3.Session()`` each reading the endpoint tables again (about half a second)."""
    import boto3
    import botocore.session

    shared = botocore.session.get_session()
    original = boto3.Session
    importing = [True]

    def session(*args: Any, **kwargs: Any) -> boto3.Session:
        """Shared only during the import below (a module may keep this function as its Session)."""
        if importing[0] and not args and not kwargs:
            return original(botocore_session=shared)
        return original(*args, **kwargs)

    boto3.Session = session  # type: ignore[assignment,misc]
    try:
        import moto.stepfunctions.parser.models  # noqa: F401
    finally:
        importing[0] = False
        boto3.Session = original  # type: ignore[misc]


def _vocabulary(arns: dict[str, str]) -> dict[str, Any]:
    """A definition using the ASL a learner may write (every state type, Retry and Catch fields,
    paths, Choice rules): moto's ANTLR parser builds its lexer and parser caches lazily, so parsing
    this once here spares every test's process most of the cost of parsing the learner's file."""
    retry = {
        "ErrorEquals": ["States.ALL"],
        "IntervalSeconds": 2,
        "MaxAttempts": 3,
        "BackoffRate": 2.0,
        "MaxDelaySeconds": 60,
        "JitterStrategy": "NONE",
        "Comment": "retry",
    }
    return {
        "Comment": "every construct, once",
        "StartAt": "Charge",
        "TimeoutSeconds": 300,
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": arns["ChargePayment"],
                "InputPath": "$",
                "Parameters": {"order.$": "$.order", "faults.$": "$.faults", "attempt": 0},
                "ResultSelector": {"charge.$": "$"},
                "ResultPath": "$.payment",
                "OutputPath": "$",
                "TimeoutSeconds": 30,
                "Retry": [{**retry, "ErrorEquals": [GATEWAY, "States.Timeout", "States.TaskFailed"]}, retry],
                "Catch": [
                    {"ErrorEquals": ["PaymentDeclinedError"], "ResultPath": "$.error", "Next": "Notify"},
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"},
                ],
                "Next": "Route",
            },
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.payment.charge.paid", "BooleanEquals": True, "Next": "Done"},
                    {
                        "And": [
                            {"Variable": "$.order.order_id", "IsPresent": True},
                            {"Not": {"Variable": "$.attempt", "NumericGreaterThan": 1.5}},
                        ],
                        "Next": "Pause",
                    },
                    {"Variable": "$.order.customer", "StringEquals": "x@example.com", "Next": "Pause"},
                ],
                "Default": "Done",
            },
            "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Shape"},
            "Shape": {
                "Type": "Pass",
                "Result": {"note": None, "n": -1},
                "ResultPath": "$.pass",
                "Next": "Done",
            },
            "Notify": {
                "Type": "Task",
                "Resource": arns["NotifyRejection"],
                "ResultPath": "$.notice",
                "Next": "Declined",
            },
            "Declined": {"Type": "Fail", "Error": "PaymentDeclined", "Cause": "the card was declined"},
            "Failed": {"Type": "Fail", "Error": "PaymentFailed", "Cause": "the payment failed"},
            "Done": {"Type": "Succeed"},
        },
    }


def warm_up() -> None:
    """Load moto's Step Functions interpreter and the course's handlers once, before any learner file."""
    _import_interpreter()
    with aws_sandbox(backend=Backend()) as sandbox:
        arns = _deploy(sandbox)
        definition = {
            "StartAt": "Charge",
            "States": {"Charge": {"Type": "Task", "Resource": arns["ChargePayment"], "End": True}},
        }
        machine = create_state_machine(sandbox, "warm", definition)
        run_execution(sandbox, machine, {"order": ORDER, "faults": {}, "attempt": 0})
        create_state_machine(sandbox, "vocabulary", _vocabulary(arns))  # parsed, not run


def execute(scenario: str) -> dict[str, Any]:
    """Run the learner's definition once with ``scenario``'s faults; what happened, from the history."""
    text = Path(FILE).read_text(encoding="utf-8")
    with aws_sandbox(backend=Backend()) as sandbox:
        arns = _deploy(sandbox)
        try:
            definition = render_definition(text, arns)
        except AslValidationError as invalid:
            return {"problems": invalid.problems}
        machine = create_state_machine(sandbox, "payment", definition)
        result = run_execution(sandbox, machine, {"order": ORDER, "faults": SCENARIOS[scenario]})
        charges = [r.started_at for r in sandbox.lambdas.reports if r.function_name == "ChargePayment"]
        notices = [
            json.loads(event["stateExitedEventDetails"]["output"]).get("notice")
            for event in result.history
            if (event.get("stateExitedEventDetails") or {}).get("name") == "NotifyRejection"
        ]
        return {
            "status": result.status,
            "error": result.error,
            "visited": [span.label for span in timeline(result.history)],
            "charge_attempts": len(charges),
            "waits_s": [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(charges)],
            "notices": notices,
        }
