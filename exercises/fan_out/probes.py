"""Probes of the fan-out exercise: they run in the learner's process, call the learner's fan-in inside a
fresh AWS sandbox (concurrent calls with every read held until all have read: ``hold_reads``), and
return plain JSON data for the grader to check."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import learner_module
from patterns.lab import aws_sandbox
from patterns.lab.races import hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Backend, Sandbox

TABLE = "fan-in"
JOB = "job-1"


def warm_up() -> None:
    """Load the course code and moto's DynamoDB once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        _job(sandbox, 1)
        sandbox.client("dynamodb").get_item(TableName=TABLE, Key={"job_id": {"S": JOB}})


def _job(sandbox: Sandbox, total_chunks: int) -> Any:
    client = sandbox.client("dynamodb")
    ensure_table(TABLE, hash_key="job_id", client=client)
    client.put_item(
        TableName=TABLE,
        Item={
            "job_id": {"S": JOB},
            "total_chunks": {"N": str(total_chunks)},
            "done_count": {"N": "0"},
            "job_status": {"S": "RUNNING"},
        },
    )
    return client


def _plain(value: dict[str, Any]) -> Any:
    kind, data = next(iter(value.items()))
    if kind == "N":
        number = float(data)
        return int(number) if number.is_integer() else number
    if kind in ("SS", "NS"):
        return sorted(str(v) for v in data)
    if kind == "L":
        return [_plain(v) for v in data]
    if kind == "M":
        return {k: _plain(v) for k, v in data.items()}
    return data


def _item(client: Any) -> dict[str, Any]:
    item = client.get_item(TableName=TABLE, Key={"job_id": {"S": JOB}}, ConsistentRead=True).get("Item", {})
    return {key: _plain(value) for key, value in item.items()}


def count(total: int, deliveries: list[int]) -> dict[str, Any]:
    """Task 1: record_chunk_done for each delivered chunk index in turn; then the job's item."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("fan_in")
        client = _job(sandbox, total)
        returned = [module.record_chunk_done(client, TABLE, JOB, index) for index in deliveries]
        return {"returned": returned, "item": _item(client)}


def count_together(total: int, before: list[int], together: list[int]) -> dict[str, Any]:
    """Task 1: ``before`` counted one by one, then ``together`` all at once, each call's reads (if it
    reads) held until every call has read or finished."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("fan_in")
        client = _job(sandbox, total)
        first = [module.record_chunk_done(client, TABLE, JOB, index) for index in before]
        with hold_reads(len(together)) as gate, ThreadPoolExecutor(len(together)) as pool:
            call = gate.participant(lambda index: module.record_chunk_done(client, TABLE, JOB, index))
            returned = list(pool.map(call, together))
        return {"before": first, "returned": returned, "item": _item(client), "race": gate.report().as_data()}


def finish(amounts: list[int], together: bool = False) -> dict[str, Any]:
    """Task 2: finish_job once per amount, in turn or all at once; then the job's item."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("fan_in")
        client = _job(sandbox, 2)
        if not together:
            returned = [module.finish_job(client, TABLE, JOB, amount) for amount in amounts]
            return {"returned": returned, "item": _item(client)}
        with hold_reads(len(amounts)) as gate, ThreadPoolExecutor(len(amounts)) as pool:
            call = gate.participant(lambda amount: module.finish_job(client, TABLE, JOB, amount))
            returned = list(pool.map(call, amounts))
        return {"returned": returned, "item": _item(client), "race": gate.report().as_data()}
