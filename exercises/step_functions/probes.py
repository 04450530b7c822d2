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


def warm_up() -> None:
    """Load moto's Step Functions interpreter and the course's handlers once, before any learner file."""
    with aws_sandbox(backend=Backend()) as sandbox:
        arns = _deploy(sandbox)
        definition = {
            "StartAt": "Charge",
            "States": {"Charge": {"Type": "Task", "Resource": arns["ChargePayment"], "End": True}},
        }
        machine = create_state_machine(sandbox, "warm", definition)
        run_execution(sandbox, machine, {"order": ORDER, "faults": {}, "attempt": 0})


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
