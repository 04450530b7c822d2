"""Probes of the state exercise: they run in the learner's process, call the learner's code inside a
fresh AWS sandbox, and return plain JSON data for the grader to check (the checks live elsewhere)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import learner_module
from patterns.lab import aws_sandbox
from patterns.lab.races import RaceGate, hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Backend

SESSIONS = "sessions"
COUNTERS = "counters"


def warm_up() -> None:
    """Load the course code and moto's DynamoDB once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        ensure_table(COUNTERS, hash_key="name")
        sandbox.client("dynamodb").scan(TableName=COUNTERS)


def read(sessions: list[dict[str, Any]], reads: list[list[Any]]) -> dict[str, Any]:
    """Task 1: store ``sessions``, then ``read_session`` for each ``[session_id, now]``."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("sessions")  # init code runs inside the sandbox, as on Lambda
        ensure_table(SESSIONS, hash_key="session_id")
        for session in sessions:
            sandbox.client("dynamodb").put_item(
                TableName=SESSIONS,
                Item={
                    "session_id": {"S": session["session_id"]},
                    "user": {"S": session["user"]},
                    "expires_at": {"N": str(session["expires_at"])},
                },
            )
        return {"returned": [module.read_session(SESSIONS, session_id, now) for session_id, now in reads]}


def count(visits: int, concurrent: bool = False) -> dict[str, Any]:
    """Task 2: ``count_visit`` ``visits`` times (all at once with ``concurrent``: every call's reads held
    until every call has read or finished); what each returned and what the table holds."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("sessions")
        ensure_table(COUNTERS, hash_key="name")

        def visit(_: int) -> Any:
            return module.count_visit(COUNTERS, "home")

        gate: RaceGate | None = None
        if concurrent:
            with hold_reads(visits) as gate, ThreadPoolExecutor(visits) as pool:
                returned = list(pool.map(gate.participant(visit), range(visits)))
        else:
            returned = [visit(n) for n in range(visits)]
        item = (
            sandbox.client("dynamodb").get_item(TableName=COUNTERS, Key={"name": {"S": "home"}}).get("Item")
        )
        stored = int(item["value"]["N"]) if item and "value" in item else None
        stalled = gate.report().stalled if gate is not None else None
        return {"returned": returned, "stored": stored, "stalled": stalled}


def cache(calls: list[list[Any]], ttl_s: float) -> dict[str, Any]:
    """Task 3: ``cached`` for each ``[key, now]`` with one shared cache; what it returned and the loads."""
    module = learner_module("sessions")
    store: dict[str, Any] = {}
    loads: list[str] = []

    def load(key: str) -> str:
        loads.append(key)
        return f"{key}#{len(loads)}"

    returned = []
    for key, now in calls:
        answer = module.cached(store, key, now, ttl_s, load)
        # a tuple goes back as a list; anything else as a description the check refuses, naming its type
        returned.append(
            list(answer) if type(answer) is tuple else f"a {type(answer).__name__}: {answer!r:.80}"
        )
    return {"returned": returned, "loads": loads}
