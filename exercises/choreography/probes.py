"""Probes of the choreography exercise: they run in the learner's process, call the learner's code inside
a fresh AWS sandbox, and return plain JSON data for the grader to check (the checks live elsewhere)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import handler_error, learner_module
from patterns.choreography.contracts import SCHEMAS, problems_with
from patterns.lab import aws_sandbox
from patterns.lab.events import eventbridge_event
from patterns.lab.races import hold_reads
from patterns.lab.resources import ensure_queue, ensure_table, message_bodies
from patterns.lab.sandbox import Backend, Sandbox

LEARNER_FILE = "fulfilment.py"
TABLE = "fulfilments"
QUEUE = "emails"


def warm_up() -> None:
    """Load the course code and moto's services once, before any learner code exists (jsonschema too:
    its import takes over a second, which every test would otherwise pay again)."""
    problems_with(SCHEMAS["PaymentProcessed"], {})
    with aws_sandbox(backend=Backend()) as sandbox:
        _resources()
        sandbox.deploy("warm", "patterns.choreography.handlers.fulfil_once")
        sandbox.client("lambda").list_functions()


def _resources() -> dict[str, str]:
    ensure_table(TABLE, hash_key="order_id")
    return {"TABLE_NAME": TABLE, "EMAIL_QUEUE_URL": ensure_queue(QUEUE).url}


def _items(sandbox: Sandbox) -> list[dict[str, Any]]:
    items = sandbox.client("dynamodb").scan(TableName=TABLE)["Items"]
    return sorted(({k: next(iter(v.values())) for k, v in item.items()} for item in items), key=str)


def _event(detail: Any, detail_type: str, event_id: str) -> dict[str, Any]:
    event = eventbridge_event({}, source="lab.orders", detail_type=detail_type, id=event_id)
    event["detail"] = json.loads(json.dumps(detail))  # as delivered, even when it is not an object
    return event


def contract(detail: Any, detail_type: str = "PaymentProcessed") -> dict[str, Any]:
    """Task 1: what payment_processed returns for a delivery of ``detail``, or the problems it raises."""
    module = learner_module("fulfilment")
    try:
        return {"returned": module.payment_processed(_event(detail, detail_type, "evt-1"))}
    except module.ContractBroken as broken:
        return {"problems": broken.problems}  # as raised: the grader checks it is a list of str


def claim(payments: list[dict[str, Any]], concurrency: int = 1) -> dict[str, Any]:
    """Task 2: claim_order for each payment in turn, or all at once (each call's reads held until every
    call has read or finished, so a read-then-write always races and always loses); then the table."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("fulfilment")  # init code runs inside the sandbox, as on Lambda
        _resources()
        race = None
        if concurrency > 1:
            with hold_reads(len(payments)) as gate, ThreadPoolExecutor(len(payments)) as pool:
                call = gate.participant(lambda payment: module.claim_order(TABLE, dict(payment)))
                returned = list(pool.map(call, payments))
            race = gate.report().as_data()
        else:
            returned = [module.claim_order(TABLE, dict(payment)) for payment in payments]
        return {"returned": returned, "items": _items(sandbox), "race": race}


def deliver(deliveries: list[dict[str, Any]], concurrency: int = 1) -> dict[str, Any]:
    """Task 3: deploy ``fulfilment.handler`` as a Lambda function and deliver each event to it (an
    EventBridge delivery; ``{"detail", "detail_type", "id"}``); with ``concurrency`` > 1 all at once,
    each delivery's reads held until every delivery has read or finished."""
    with aws_sandbox(backend=Backend()) as sandbox:
        learner_module("fulfilment")  # a syntax error shows here, with its line, not inside the runtime
        environment = _resources()
        sandbox.deploy("fulfil", "fulfilment.handler", environment=environment, timeout_s=5)

        def send(delivery: dict[str, Any]) -> dict[str, Any]:
            event = _event(
                delivery["detail"], delivery.get("detail_type", "PaymentProcessed"), delivery["id"]
            )
            result = sandbox.lambdas.invoke("fulfil", event, invocation_type="Event")
            if not result.ok:
                if result.payload.get("errorType") == "NotImplementedError":
                    raise NotImplementedError(result.payload.get("errorMessage"))
                return {
                    "error": handler_error(result.payload, LEARNER_FILE),
                    "error_type": result.payload.get("errorType"),
                }
            return {"returned": result.payload}

        race = None
        if concurrency > 1:
            with hold_reads(len(deliveries)) as gate, ThreadPoolExecutor(len(deliveries)) as pool:
                answers = list(pool.map(gate.participant(send), deliveries))
            race = gate.report().as_data()
        else:
            answers = [send(delivery) for delivery in deliveries]
        return {
            "answers": answers,
            "messages": message_bodies(environment["EMAIL_QUEUE_URL"]),
            "items": _items(sandbox),
            "race": race,
        }
