"""Probes of the microservices exercise: they run in the learner's process, call the learner's code
inside a fresh AWS sandbox, and return plain JSON data for the grader to check (the checks live
elsewhere)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import handler_error, learner_module
from patterns.lab import aws_sandbox
from patterns.lab.events import eventbridge_event, sqs_record
from patterns.lab.races import hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Backend, Sandbox

LEARNER_FILE = "customer_copy.py"
TABLE = "orders-customer-copy"


def warm_up() -> None:
    """Load the course code and moto's services once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        ensure_table(TABLE, hash_key="customer_id")
        sandbox.deploy("warm", "patterns.microservices.handlers.orders_events")
        sandbox.client("lambda").list_functions()


def _record(delivery: dict[str, Any]) -> dict[str, Any]:
    """An SQS record whose body is the EventBridge event of ``delivery`` (or its ``raw`` body)."""
    if "raw" in delivery:
        body = str(delivery["raw"])
    else:
        event = eventbridge_event(
            {},
            source="shop.customers",
            detail_type=delivery.get("detail_type", "CustomerUpdated"),
            id=delivery.get("id", "evt-1"),
        )
        event["detail"] = json.loads(json.dumps(delivery.get("detail")))  # as delivered, object or not
        body = json.dumps(event)
    return sqs_record(body, message_id=delivery.get("id", "msg-1"))


def _items(sandbox: Sandbox) -> list[dict[str, Any]]:
    items = sandbox.client("dynamodb").scan(TableName=TABLE)["Items"]
    plain = [
        {key: int(value["N"]) if "N" in value else next(iter(value.values())) for key, value in item.items()}
        for item in items
    ]
    return sorted(plain, key=lambda item: str(item.get("customer_id")))


def contract(delivery: dict[str, Any]) -> dict[str, Any]:
    """Task 1: what copy_from_record returns for an SQS record of ``delivery``, or the problems raised."""
    module = learner_module("customer_copy")
    try:
        return {"returned": module.copy_from_record(_record(delivery))}
    except module.ContractBroken as broken:
        return {"problems": broken.problems}  # as raised: the grader checks it is a list of str


def apply(
    copies: list[dict[str, Any]], concurrency: int = 1, stored: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Task 2: apply_copy for each copy in turn, or all at once (each call's reads held until every call
    has read or finished, so a read-then-write always races); then the table. ``stored`` is written first."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("customer_copy")  # init code runs inside the sandbox, as on Lambda
        ensure_table(TABLE, hash_key="customer_id")
        if stored is not None:
            item = {k: {"N": str(v)} if k == "version" else {"S": v} for k, v in stored.items()}
            sandbox.client("dynamodb").put_item(TableName=TABLE, Item=item)
        race = None
        if concurrency > 1:
            with hold_reads(len(copies)) as gate, ThreadPoolExecutor(len(copies)) as pool:
                call = gate.participant(lambda copy: module.apply_copy(TABLE, dict(copy)))
                returned = list(pool.map(call, copies))
            race = gate.report().as_data()
        else:
            returned = [module.apply_copy(TABLE, dict(copy)) for copy in copies]
        return {"returned": returned, "items": _items(sandbox), "race": race}


def deliver(batches: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Task 3: deploy ``customer_copy.handler`` as a Lambda function (COPY_TABLE in its environment) and
    invoke it with each batch as an SQS event, in turn; what it answered, and the table."""
    with aws_sandbox(backend=Backend()) as sandbox:
        learner_module("customer_copy")  # a syntax error shows here, with its line, not inside the runtime
        ensure_table(TABLE, hash_key="customer_id")
        sandbox.deploy("copy", "customer_copy.handler", environment={"COPY_TABLE": TABLE}, timeout_s=5)
        answers = []
        for batch in batches:
            result = sandbox.lambdas.invoke("copy", {"Records": [_record(delivery) for delivery in batch]})
            if not result.ok:
                if (
                    isinstance(result.payload, dict)
                    and result.payload.get("errorType") == "NotImplementedError"
                ):
                    raise NotImplementedError(result.payload.get("errorMessage"))
                answers.append({"error": handler_error(result.payload, LEARNER_FILE)})
            else:
                answers.append({"returned": result.payload})
        return {"answers": answers, "items": _items(sandbox)}
