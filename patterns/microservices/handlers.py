"""The functions of the three services (thin: parse, delegate, answer).

Database per service, talking by events: ``customers_api`` (+ ``customers_mailer``, seed 000's welcome
emails), ``orders_api`` and ``orders_events`` (the customer copy and the orders' outcomes),
``inventory_api`` and ``inventory_events``. The shared-database design of the seeds:
``shared_orders_api`` reads the customers table itself and calls ``shared_inventory_reserve``
synchronously.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from patterns.lab.http import json_response
from patterns.microservices.adapters import (
    CopyStore,
    CustomerStore,
    EventPublisher,
    Mailer,
    OrderStore,
    StockStore,
    WelcomeScheduler,
    check_up,
    client,
    later,
    request_time,
    setting,
)
from patterns.microservices.exceptions import MicroserviceError, NotFoundError, ServiceDownError
from patterns.microservices.service import (
    CUSTOMER_EVENTS,
    SEED_FOLLOW_UP_S,
    SEED_WELCOME_S,
    check_contract,
    copy_from_event,
    decide_order,
    order_status_after,
    parse_credit,
    parse_customer,
    parse_order,
    reserve,
)

__all__ = [
    "customers_api",
    "customers_mailer",
    "inventory_api",
    "inventory_events",
    "orders_api",
    "orders_events",
    "shared_inventory_reserve",
    "shared_orders_api",
]

Event = dict[str, Any]
Response = dict[str, Any]


def _body(event: Event) -> Any:
    try:
        return json.loads(event.get("body") or "null")
    except json.JSONDecodeError:
        return None


def _path(event: Event, name: str) -> str:
    return str((event.get("pathParameters") or {})[name])


def _api(service: str, routes: dict[str, Callable[[Event], Response]]) -> Callable[[Event, Any], Response]:
    """A service's API function: route by ``routeKey``, answer errors with their status."""

    def handle(event: Event, context: Any) -> Response:
        try:
            check_up(service)
            route = routes.get(str(event.get("routeKey")))
            if route is None:
                return json_response(404, {"message": f"no route {event.get('routeKey')}"})
            return route(event)
        except MicroserviceError as error:
            body: dict[str, Any] = {"message": str(error)}
            if hasattr(error, "problems"):
                body["problems"] = error.problems
            return json_response(error.status, body)

    return handle


# ---- customers (seed 000's user service) ----------------------------------------------------------


def _customers() -> CustomerStore:
    return CustomerStore(setting("CUSTOMERS_TABLE"), int(setting("CUSTOMERS_SCHEMA") or 1))


def _publish_customer(detail_type: str, customer: dict[str, Any]) -> None:
    if setting("BUS_NAME"):
        detail = {k: customer[k] for k in ("customer_id", "name", "credit_status", "version")}
        EventPublisher(setting("BUS_NAME"), "customers").publish(detail_type, detail)


def _register(event: Event) -> Response:
    at = request_time(event)
    store, fields = _customers(), parse_customer(_body(event))
    if setting("UNIQUE_EMAIL") == "query-then-add":  # seed 000's way, kept to show its race
        customer = store.register_like_the_seed(fields, at)
    else:
        customer = store.register(fields, at)
    scheduler = WelcomeScheduler(setting("MAILER_ARN"), setting("SCHEDULE_GROUP") or "default")
    for kind, delay in (("welcome", SEED_WELCOME_S), ("follow-up", SEED_FOLLOW_UP_S)):
        payload = {"kind": kind, "customer_id": customer["customer_id"], "email": customer["email"]}
        scheduler.schedule(f"{kind}-{customer['customer_id']}", later(at, delay), payload)
    _publish_customer("CustomerRegistered", customer)
    return json_response(201, customer, headers={"Location": f"/customers/{customer['customer_id']}"})


def _read_customer(event: Event) -> Response:
    return json_response(200, _customers().get(_path(event, "id")))


def _credit(event: Event) -> Response:
    customer = _customers().update(_path(event, "id"), credit_status=parse_credit(_body(event)))
    _publish_customer("CustomerUpdated", customer)
    return json_response(200, customer)


def _activate(event: Event) -> Response:
    customer = _customers().update(_path(event, "id"), status="active")
    _publish_customer("CustomerUpdated", customer)
    return json_response(200, customer)


customers_api = _api(
    "customers",
    {
        "POST /customers": _register,
        "GET /customers/{id}": _read_customer,
        "PUT /customers/{id}/credit": _credit,
        "POST /customers/{id}/activate": _activate,
    },
)


def customers_mailer(event: Event, context: Any) -> dict[str, str]:
    """A schedule fired: send the email it names (a message on the email service's queue)."""
    message = {
        "to": str(event["email"]),
        "kind": str(event["kind"]),
        "customer_id": str(event["customer_id"]),
    }
    Mailer(setting("EMAIL_QUEUE_URL")).send(message)
    return message


# ---- orders -----------------------------------------------------------------------------------------


def _place(event: Event) -> Response:
    customer_id, sku, quantity = parse_order(_body(event))
    copy = CopyStore(setting("COPY_TABLE")).get(customer_id)  # its own copy: customers is not asked
    decide_order(copy)
    assert copy is not None
    order = OrderStore(setting("ORDERS_TABLE")).create(customer_id, copy.name, sku, quantity, "PENDING")
    detail = {k: order[k] for k in ("order_id", "customer_id", "sku", "quantity")}
    EventPublisher(setting("BUS_NAME"), "orders").publish("OrderPlaced", detail)
    return json_response(202, order, headers={"Location": f"/orders/{order['order_id']}"})


def _read_order(event: Event) -> Response:
    return json_response(200, OrderStore(setting("ORDERS_TABLE")).get(_path(event, "id")))


orders_api = _api("orders", {"POST /orders": _place, "GET /orders/{id}": _read_order})


def _records(event: Event, apply: Callable[[str, Any], None]) -> dict[str, list[dict[str, str]]]:
    """Apply each SQS record (an EventBridge event); report the ones that failed, keep the rest."""
    failures = []
    for record in event.get("Records", []):
        try:
            delivered = json.loads(record["body"])
            apply(str(delivered.get("detail-type")), delivered.get("detail"))
        except ServiceDownError:
            raise  # the whole batch waits
        except Exception:  # a bad record must not hold back the others
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def _orders_apply(detail_type: str, detail: Any) -> None:
    if detail_type in CUSTOMER_EVENTS:
        CopyStore(setting("COPY_TABLE")).apply(copy_from_event(detail_type, detail))
        return
    status = order_status_after(detail_type)
    problems = check_contract(detail_type, detail)
    if problems:
        raise ValueError("; ".join(problems))
    OrderStore(setting("ORDERS_TABLE")).settle(detail["order_id"], status)


def orders_events(event: Event, context: Any) -> dict[str, list[dict[str, str]]]:
    """The orders service's inbox: customer events update its copy, inventory events settle orders."""
    check_up("orders")
    return _records(event, _orders_apply)


# ---- inventory --------------------------------------------------------------------------------------


def _stock(event: Event) -> Response:
    sku = _path(event, "sku")
    return json_response(
        200, {"sku": sku, "available": StockStore(setting("INVENTORY_TABLE")).available(sku)}
    )


def _put_stock(event: Event) -> Response:
    sku, body = _path(event, "sku"), _body(event)
    available = body.get("available") if isinstance(body, dict) else None
    if type(available) is not int or available < 0:
        return json_response(400, {"message": "available: an integer >= 0 is required"})
    StockStore(setting("INVENTORY_TABLE")).put(sku, available)
    return json_response(200, {"sku": sku, "available": available})


inventory_api = _api("inventory", {"GET /stock/{sku}": _stock, "PUT /stock/{sku}": _put_stock})


def _inventory_apply(detail_type: str, detail: Any) -> None:
    problems = check_contract(detail_type, detail)
    if detail_type != "OrderPlaced" or problems:
        raise ValueError("; ".join(problems) or f"inventory does not take {detail_type}")
    reserved = StockStore(setting("INVENTORY_TABLE")).reserve(
        detail["order_id"], detail["sku"], detail["quantity"]
    )
    if reserved is None:
        return  # a redelivery: reserved and announced the first time
    publisher = EventPublisher(setting("BUS_NAME"), "inventory")
    if reserved:
        publisher.publish("StockReserved", {k: detail[k] for k in ("order_id", "sku", "quantity")})
    else:
        publisher.publish(
            "StockRejected", {"order_id": detail["order_id"], "sku": detail["sku"], "reason": "out of stock"}
        )


def inventory_events(event: Event, context: Any) -> dict[str, list[dict[str, str]]]:
    """The inventory service's inbox: reserve stock for each order placed, and say so."""
    check_up("inventory")
    return _records(event, _inventory_apply)


# ---- the shared-database design ---------------------------------------------------------------------


def shared_inventory_reserve(event: Event, context: Any) -> dict[str, Any]:
    """Inventory's function, called synchronously by the orders function."""
    check_up("inventory")
    store = StockStore(setting("INVENTORY_TABLE"))
    available = store.available(str(event["sku"]))
    left = reserve(available, int(event["quantity"]))
    if left is not None:
        store.put(str(event["sku"]), left)
    return {"reserved": left is not None}


def _shared_place(event: Event) -> Response:
    customer_id, sku, quantity = parse_order(_body(event))
    # Another service's table, read directly: orders depends on how customers stores its items.
    item = (
        client("dynamodb")
        .get_item(TableName=setting("CUSTOMERS_TABLE"), Key={"customer_id": {"S": customer_id}})
        .get("Item")
    )
    if item is None:
        raise NotFoundError("customer", customer_id)
    if item["credit_status"]["S"] != "good":
        return json_response(422, {"message": f"customer {customer_id} is {item['credit_status']['S']}"})
    answer = client("lambda").invoke(
        FunctionName=setting("INVENTORY_FUNCTION"), Payload=json.dumps({"sku": sku, "quantity": quantity})
    )
    result = json.loads(answer["Payload"].read() or b"null")
    if answer.get("FunctionError"):
        raise ServiceDownError("inventory")
    status = "CONFIRMED" if result["reserved"] else "REJECTED"
    order = OrderStore(setting("ORDERS_TABLE")).create(customer_id, item["name"]["S"], sku, quantity, status)
    return json_response(201, order, headers={"Location": f"/orders/{order['order_id']}"})


shared_orders_api = _api("orders", {"POST /orders": _shared_place, "GET /orders/{id}": _read_order})
