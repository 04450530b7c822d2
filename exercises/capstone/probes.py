"""Probes of the capstone: they run in the learner's process, call the learner's code (the end-to-end
scenarios inside a fresh AWS sandbox, through the lab's front door) and return plain JSON data."""

from __future__ import annotations

import json
from typing import Any

from exercises.grader.support import handler_error, learner_module
from patterns.capstone import create_resources, deploy, measure_cost, read_model, service_records
from patterns.lab import aws_sandbox
from patterns.lab.events import eventbridge_event
from patterns.lab.gateway import FrontDoor
from patterns.lab.gateway.front_door import HttpResponse
from patterns.lab.sandbox import Backend, Sandbox
from patterns.saga.adapters import InMemoryServiceStore
from patterns.saga.service import STEPS, Order

MODULE = "order_system"
SOURCE = "capstone.orders"


def warm_up() -> None:
    """Load moto's DynamoDB and EventBridge once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        create_resources(sandbox, "warm")


def _order(order_id: str, amount_cents: int = 1999) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "items": [{"sku": "lamp", "quantity": 1}],
        "amount_cents": amount_cents,
        "email": "ada@example.com",
    }


def saga(faults: dict[str, Any]) -> dict[str, Any]:
    """Task 1: run_order over in-memory service stores with ``faults``; what it returned, each store."""
    module = learner_module(MODULE)
    stores = {spec.service: InMemoryServiceStore() for spec in STEPS}
    returned = module.run_order("o-1", Order.from_dict(_order("o-1")), stores, dict(faults))
    records = {service: store.items.get("o-1", {}).get("status") for service, store in sorted(stores.items())}
    functions = ("run_order", "order_event", "place_order", "project")
    defined_in = {name: getattr(getattr(module, name, None), "__module__", None) for name in functions}
    return {"returned": returned, "records": records, "defined_in": defined_in}


def event(outcome: dict[str, Any]) -> dict[str, Any]:
    """Task 2: order_event for order o-7 (1,999 cents) with ``outcome``, on the bus ``shop-bus``."""
    module = learner_module(MODULE)
    entry = module.order_event(Order.from_dict(_order("o-7")), dict(outcome), "shop-bus")
    detail = entry.get("Detail") if type(entry) is dict else None
    parsed = json.loads(detail) if type(detail) is str else None
    return {"returned": entry, "detail": parsed}


def _crashed(error: BaseException) -> bool:
    # Each execution environment imports the package afresh: its SimulatedCrash is its own class.
    return type(error).__name__ == "SimulatedCrash"


def _unwritten(response: HttpResponse) -> Any:
    """The learner's handler error behind a 502 (NotImplementedError raised, as the stub does), or None."""
    invocation = response.invocation
    if invocation is None or invocation.ok:
        return None
    payload = invocation.payload
    if isinstance(payload, dict) and payload.get("errorType") == "NotImplementedError":
        raise NotImplementedError(payload.get("errorMessage"))
    return handler_error(payload, f"{MODULE}.py")


def _projection_errors(sandbox: Sandbox, function: str) -> list[str]:
    errors = [
        str(r.error_type) for r in sandbox.lambdas.reports if r.function_name == function and r.error_type
    ]
    if "NotImplementedError" in errors:
        raise NotImplementedError("Task 4: project raised NotImplementedError")
    return errors


def scenario(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Tasks 3 and 4 end to end. Each step: ``order`` (id), ``key`` (or null: no header), ``header``
    (the key's header name), ``amount``, ``faults`` / ``crash_at`` (a redeploy with the lab's chaos
    settings first), ``advance`` (virtual seconds first), ``body`` (raw, instead of the order). Returns
    each answer, the read model, each service's records and how many events reached the projection."""
    with aws_sandbox(backend=Backend()) as sandbox:
        learner_module(MODULE)  # a syntax error shows here, with its line, not inside the runtime
        resources = create_resources(sandbox)
        deploy(sandbox, resources, MODULE)
        door = FrontDoor(sandbox.lambdas, {"POST /orders": resources.api_function})
        answers: list[Any] = []
        for step in steps:
            if "faults" in step or "crash_at" in step:
                deploy(sandbox, resources, MODULE, faults=step.get("faults"), crash_at=step.get("crash_at"))
            if step.get("advance"):
                sandbox.advance(float(step["advance"]))
            headers = {"Content-Type": "application/json"}
            if step.get("key") is not None:
                headers[step.get("header", "Idempotency-Key")] = step["key"]
            body = step.get("body") or json.dumps(_order(step["order"], step.get("amount", 1999)))
            try:
                response = door.request("POST", "/orders", headers=headers, body=body)
            except BaseException as error:
                if not _crashed(error):
                    raise
                answers.append("crashed")
                continue
            sandbox.settle()
            problem = _unwritten(response)
            if problem is not None:
                answers.append({"status": response.status, "error": problem})
                continue
            try:
                parsed: Any = json.loads(response.text)
            except json.JSONDecodeError:
                parsed = response.text
            answers.append({"status": response.status, "body": parsed})
        sandbox.settle()
        delivered = sum(
            1 for r in sandbox.lambdas.reports if r.function_name == resources.projection_function
        )
        return {
            "answers": answers,
            "view": read_model(sandbox, resources),
            "services": service_records(sandbox, resources),
            "events": delivered,
            "projection_errors": _projection_errors(sandbox, resources.projection_function),
        }


def projection(details: list[dict[str, Any]]) -> dict[str, Any]:
    """Task 4: deploy ``project`` and invoke it with one EventBridge event per detail, in order (the same
    detail twice is a redelivery); what each call returned and the read model afterwards."""
    with aws_sandbox(backend=Backend()) as sandbox:
        learner_module(MODULE)
        resources = create_resources(sandbox)
        deploy(sandbox, resources, MODULE)
        returned: list[Any] = []
        for detail in details:
            kind = "OrderCompleted" if detail.get("status") == "COMPLETED" else "OrderCancelled"
            event = eventbridge_event(detail, source=SOURCE, detail_type=kind)
            invocation = sandbox.lambdas.invoke(resources.projection_function, event)
            payload = invocation.payload
            if not invocation.ok:
                if isinstance(payload, dict) and payload.get("errorType") == "NotImplementedError":
                    raise NotImplementedError(payload.get("errorMessage"))
                payload = {"error": handler_error(payload, f"{MODULE}.py")}
            returned.append(payload)
        return {"returned": returned, "view": read_model(sandbox, resources)}


def cost(orders: int) -> dict[str, Any]:
    """The bill of ``orders`` orders through the front door, measured, per 1,000 orders."""
    with aws_sandbox(backend=Backend()) as sandbox:
        learner_module(MODULE)
        resources = create_resources(sandbox)
        with measure_cost(sandbox, resources) as meter:
            deploy(sandbox, resources, MODULE)
            door = FrontDoor(sandbox.lambdas, {"POST /orders": resources.api_function})
            for number in range(orders):
                response = door.request(
                    "POST",
                    "/orders",
                    headers={"Idempotency-Key": f"k-{number}", "Content-Type": "application/json"},
                    body=json.dumps(_order(f"o-{number}")),
                )
                meter.requests += 1
                _unwritten(response)
            sandbox.settle()
            _projection_errors(sandbox, resources.projection_function)
        report = meter.report
        assert report is not None
        return {
            "per_1000_usd": report.per_1000_orders_usd,
            "by_service": report.by_service_per_1000(),
            "completed": sum(
                1 for row in read_model(sandbox, resources).values() if row.get("status") == "COMPLETED"
            ),
        }
