"""The same saga by choreography: no orchestrator, each service reacts to events on an EventBridge bus.

Each service is one Lambda function subscribed (by an EventBridge rule) to the events it reacts to:

* ``OrderPlaced`` -> inventory reserves -> ``InventoryReserved`` -> payments charge -> ``PaymentCharged``
  -> shipping creates -> ``ShipmentCreated`` -> notifications confirm -> ``OrderConfirmed``;
* a service whose step fails undoes its own step (a tombstone if nothing happened) and emits
  ``<Service>Failed``; the service before it compensates and emits a compensating event
  (``ShipmentCancelled``, ``PaymentRefunded``, ``InventoryReleased``), and so on back to the start;
* a compensation that keeps failing is retried by Lambda's asynchronous retries and then parked by the
  function's on-failure destination (an SQS queue). The chain behind it waits there too.

There is no saga log: the saga's state is spread over the four services' tables and the events. An
audit rule copies every event to an SQS queue, which is how this module reconstructs a saga and counts
the events a run published.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.lab.resources import ensure_queue
from patterns.lab.sandbox import Sandbox
from patterns.saga.adapters import DynamoDbServiceStore, service_store_from_environment
from patterns.saga.exceptions import InjectedFaultError
from patterns.saga.service import (
    STEPS,
    Order,
    check_fault,
    compensate_step,
    parse_event,
    perform_step,
)

__all__ = [
    "REACTIONS",
    "SOURCE",
    "ChoreographedRun",
    "Choreography",
    "coupling",
    "deploy_choreography",
    "inventory_service",
    "notification_service",
    "payment_service",
    "run_choreographed",
    "shipping_service",
]

SOURCE = "lab.saga"
# service -> {event it reacts to: (what it does, event on success, event on failure)}
REACTIONS: dict[str, dict[str, tuple[str, str, str | None]]] = {
    "inventory": {
        "OrderPlaced": ("step", "InventoryReserved", "InventoryFailed"),
        "PaymentFailed": ("compensate", "InventoryReleased", None),
        "PaymentRefunded": ("compensate", "InventoryReleased", None),
    },
    "payments": {
        "InventoryReserved": ("step", "PaymentCharged", "PaymentFailed"),
        "ShipmentFailed": ("compensate", "PaymentRefunded", None),
        "ShipmentCancelled": ("compensate", "PaymentRefunded", None),
    },
    "shipments": {
        "PaymentCharged": ("step", "ShipmentCreated", "ShipmentFailed"),
        "ConfirmationFailed": ("compensate", "ShipmentCancelled", None),
    },
    "confirmations": {
        "ShipmentCreated": ("step", "OrderConfirmed", "ConfirmationFailed"),
    },
}
COMPLETED_EVENT = "OrderConfirmed"
COMPENSATED_EVENTS = ("InventoryReleased", "InventoryFailed")
_SERVICE_HANDLERS = {
    "inventory": "inventory_service",
    "payments": "payment_service",
    "shipments": "shipping_service",
    "confirmations": "notification_service",
}

_store: DynamoDbServiceStore | None = None
_events: Any = None


def _publish(detail_type: str, detail: dict[str, Any]) -> None:
    global _events
    if _events is None:
        _events = boto3.client("events")
    _events.put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "EventBusName": os.environ["BUS_NAME"],
            }
        ]
    )


def _react(service: str, event: dict[str, Any]) -> dict[str, Any]:
    global _store
    if _store is None:
        _store = service_store_from_environment()
    spec = next(s for s in STEPS if s.service == service)
    detail, trigger = event["detail"], event["detail-type"]
    what, on_success, on_failure = REACTIONS[service][trigger]
    saga_id, order, attempt, faults = parse_event(detail, spec.action)
    next_detail = {"saga_id": saga_id, "order": order.to_dict(), "faults": dict(faults)}
    if what == "compensate":
        check_fault(faults, spec.compensation, attempt)  # raises: Lambda retries, then parks the event
        undone = compensate_step(spec, saga_id, _store)
        _publish(on_success, next_detail)
        return {"service": service, "outcome": undone, "emitted": on_success, "writes": 1}
    try:
        check_fault(faults, spec.action, attempt)
    except InjectedFaultError:
        compensate_step(spec, saga_id, _store)  # a tombstone, so a late duplicate cannot take effect
        assert on_failure is not None
        _publish(on_failure, next_detail)
        return {"service": service, "outcome": "failed", "emitted": on_failure, "writes": 1}
    outcome = perform_step(spec, saga_id, order, _store, "")
    emitted = on_success if outcome != "blocked" else on_failure
    if emitted:
        _publish(emitted, next_detail)
    return {"service": service, "outcome": outcome, "emitted": emitted, "writes": 1}


def inventory_service(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Inventory: reserves on OrderPlaced, releases on PaymentFailed or PaymentRefunded."""
    return _react("inventory", event)


def payment_service(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Payments: charges on InventoryReserved, refunds on ShipmentFailed or ShipmentCancelled."""
    return _react("payments", event)


def shipping_service(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Shipping: creates on PaymentCharged, cancels on ConfirmationFailed."""
    return _react("shipments", event)


def notification_service(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Notifications: confirms on ShipmentCreated."""
    return _react("confirmations", event)


@dataclass(frozen=True)
class Choreography:
    """The deployed choreography: bus, functions, the audit queue and the parking queue."""

    prefix: str
    bus_name: str
    functions: dict[str, str]
    audit_queue_url: str
    parking_queue_url: str
    service_tables: dict[str, str]


def deploy_choreography(
    sandbox: Sandbox, service_tables: dict[str, str], prefix: str = "chor"
) -> Choreography:
    """Create the bus, the audit and parking queues, and deploy one function per service with its rule."""
    events = sandbox.client("events")
    bus_name = f"{prefix}-bus"
    with contextlib.suppress(events.exceptions.ResourceAlreadyExistsException):
        events.create_event_bus(Name=bus_name)
    audit = ensure_queue(f"{prefix}-saga-events")
    parking = ensure_queue(f"{prefix}-parked")
    events.put_rule(
        Name=f"{prefix}-audit", EventBusName=bus_name, EventPattern=json.dumps({"source": [SOURCE]})
    )
    events.put_targets(
        Rule=f"{prefix}-audit", EventBusName=bus_name, Targets=[{"Id": "audit", "Arn": audit.arn}]
    )
    functions = {}
    for service, handler in _SERVICE_HANDLERS.items():
        name = f"{prefix}-{service}"
        arn = sandbox.deploy(
            name,
            f"patterns.saga.choreography.{handler}",
            environment={"SERVICE_TABLE": service_tables[service], "BUS_NAME": bus_name},
            on_failure=parking.arn,
        )
        functions[service] = arn
        pattern = {"source": [SOURCE], "detail-type": sorted(REACTIONS[service])}
        events.put_rule(Name=name, EventBusName=bus_name, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=name, EventBusName=bus_name, Targets=[{"Id": service, "Arn": arn}])
    return Choreography(prefix, bus_name, functions, audit.url, parking.url, dict(service_tables))


@dataclass(frozen=True)
class ChoreographedRun:
    """One choreographed saga: the events in order, the derived status, and what it billed."""

    saga_id: str
    events: list[str]
    status: str
    lambda_invocations: int
    dynamodb_writes: int
    records: dict[str, str]
    parked: int


def _drain(sandbox: Sandbox, queue_url: str) -> list[dict[str, Any]]:
    sqs, bodies = sandbox.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )
    return bodies


def run_choreographed(
    sandbox: Sandbox, choreography: Choreography, order: Order, faults: dict[str, Any] | None = None
) -> ChoreographedRun:
    """Publish ``OrderPlaced`` for ``order`` and let the services react until the platform is quiet
    (retries included)."""
    saga_id = f"chor-{uuid.uuid4().hex[:8]}"
    _drain(sandbox, choreography.audit_queue_url)
    runtime = sandbox.lambdas
    asynchronous_before = len(runtime.async_invocations)
    sandbox.client("events").put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": "OrderPlaced",
                "Detail": json.dumps({"saga_id": saga_id, "order": order.to_dict(), "faults": faults or {}}),
                "EventBusName": choreography.bus_name,
            }
        ]
    )
    sandbox.advance(600)  # long enough for Lambda's two asynchronous retries (1 and 2 minutes)
    attempts = [a for pending in runtime.async_invocations[asynchronous_before:] for a in pending.attempts]
    writes = sum(a.payload.get("writes", 0) for a in attempts if a.ok)
    events = [
        e["detail-type"]
        for e in _drain(sandbox, choreography.audit_queue_url)
        if e["detail"]["saga_id"] == saga_id
    ]
    parked = _drain(sandbox, choreography.parking_queue_url)
    client = sandbox.client("dynamodb")
    records = {}
    for service, table in choreography.service_tables.items():
        record = DynamoDbServiceStore(table, client).get(saga_id)
        records[service] = str(record["status"]) if record else "-"
    if COMPLETED_EVENT in events:
        status = "COMPLETED"
    elif any(name in events for name in COMPENSATED_EVENTS):
        status = "COMPENSATED"
    elif parked:
        status = "PARKED"
    else:
        status = "RUNNING"
    return ChoreographedRun(saga_id, events, status, len(attempts), writes, records, len(parked))


def coupling() -> dict[str, dict[str, list[str]]]:
    """Who knows whom: for each style, each party and the parties whose names or events it must know."""
    emitted_by = {
        event: service
        for service, reactions in REACTIONS.items()
        for outcome in reactions.values()
        for event in outcome[1:]
        if event
    }
    choreographed = {
        service: sorted({emitted_by[event] for event in reactions if event in emitted_by} - {service})
        for service, reactions in REACTIONS.items()
    }
    orchestrated: dict[str, list[str]] = {"orchestrator": [s.service for s in STEPS]}
    orchestrated |= {s.service: [] for s in STEPS}
    return {"orchestration": orchestrated, "choreography": choreographed}
