"""Probes of the saga exercise: they run in the learner's process, call the learner's code (inside a
fresh AWS sandbox for task 2), and return plain JSON data for the grader to check."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import learner_module
from patterns.lab import aws_sandbox
from patterns.lab.races import hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Backend, Sandbox

TABLE = "payments"
STEPS = ("reserve_inventory", "charge_payment", "create_shipment", "send_confirmation")


def warm_up() -> None:
    """Load moto's DynamoDB once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        ensure_table(TABLE, hash_key="saga_id")
        sandbox.client("dynamodb").scan(TableName=TABLE)


def order(log: dict[str, str]) -> dict[str, Any]:
    """Task 1: what compensation_order returns for ``log``, or the error it raises."""
    module = learner_module("saga")
    try:
        return {"returned": module.compensation_order(dict(log))}
    except (ValueError, KeyError) as error:
        return {"raised": type(error).__name__, "message": str(error)}


def _items(sandbox: Sandbox) -> dict[str, str]:
    items = sandbox.client("dynamodb").scan(TableName=TABLE, ConsistentRead=True)["Items"]
    return {item["saga_id"]["S"]: item.get("status", {}).get("S", "") for item in items}


def compensations(existing: dict[str, str], calls: list[str], concurrency: int = 1) -> dict[str, Any]:
    """Task 2: with the table holding ``existing`` (saga id -> status), compensate each saga id of
    ``calls`` in turn (or all at once from ``concurrency`` threads, each call's reads held until every
    call has read or finished, so a read-then-write always races); CHARGED -> REFUNDED."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("saga")  # init code runs inside the sandbox, as on Lambda
        ensure_table(TABLE, hash_key="saga_id")
        for saga_id, status in existing.items():
            sandbox.client("dynamodb").put_item(
                TableName=TABLE, Item={"saga_id": {"S": saga_id}, "status": {"S": status}}
            )

        def call(saga_id: str) -> Any:
            return module.compensate(TABLE, saga_id, status="CHARGED", compensated_status="REFUNDED")

        race: dict[str, Any] | None = None
        if concurrency > 1:
            with hold_reads(len(calls)) as gate, ThreadPoolExecutor(len(calls)) as pool:
                returned = list(pool.map(gate.participant(call), calls))
            report = gate.report()
            race = {"rounds": report.rounds, "held": report.held, "stalled": report.stalled}
        else:
            returned = [call(saga_id) for saga_id in calls]
        return {"returned": returned, "items": _items(sandbox), "race": race}


class _Service:
    """One step's service in memory: its effect, and a failure plan for its step and its undo."""

    def __init__(self, name: str, calls: list[list[str]], fail_do: str | None, undo_failures: int) -> None:
        self.name, self.calls, self.fail_do, self.undo_failures = name, calls, fail_do, undo_failures
        self.effect = "none"

    def do(self, saga_id: str) -> None:
        self.calls.append(["do", self.name])
        if self.fail_do == "error":
            raise RuntimeError(f"{self.name} failed for {saga_id}")
        self.effect = "done"
        if self.fail_do == "timeout":
            raise TimeoutError(f"{self.name} timed out for {saga_id} (after taking effect)")

    def undo(self, saga_id: str) -> None:
        self.calls.append(["undo", self.name])
        if self.undo_failures != 0:
            self.undo_failures -= 1
            raise RuntimeError(f"undoing {self.name} failed for {saga_id}")
        if self.effect == "done":
            self.effect = "undone"


def run(
    failing: str | None = None,
    kind: str = "error",
    undo_failures: dict[str, int] | None = None,
    attempts: int = 3,
) -> dict[str, Any]:
    """Task 3: run_saga over four in-memory services. ``failing`` step fails by ``kind`` (error: before
    any effect; timeout: after it); ``undo_failures`` maps a step to how many of its undo calls fail
    (-1: all of them). Returns what run_saga returned, every call in order, and each effect."""
    module = learner_module("saga")
    calls: list[list[str]] = []
    services = [
        _Service(name, calls, kind if name == failing else None, (undo_failures or {}).get(name, 0))
        for name in STEPS
    ]
    returned = module.run_saga("saga-1", [(s.name, s.do, s.undo) for s in services], attempts=attempts)
    return {"returned": returned, "calls": calls, "effects": {s.name: s.effect for s in services}}
