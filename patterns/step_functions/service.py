"""The order workflow's tasks as pure logic (validate, check stock, charge, ship, confirm, pick) and faults.

No AWS here: the handlers parse the event the state machine sends and call these functions, and the
unit tests call them directly. Every task receives the same event shape::

    {"order": {"order_id": "o-1", "customer": "ada@example.com", "express": false,
               "items": [{"sku": "book", "quantity": 2, "unit_cents": 1500}]},
     "attempt": 0,                                           # $$.State.RetryCount: 0 on the first try
     "faults": {"ChargePayment": {"error": "PaymentGatewayUnavailableError", "times": 2}}}

``faults`` maps a state name to a fault: raise ``error`` (one of :data:`INJECTABLE_ERRORS`) on the
first ``times`` attempts (missing or null: on every attempt).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from patterns.step_functions.exceptions import (
    InvalidOrderError,
    OrderWorkflowError,
    OutOfStockError,
    PaymentDeclinedError,
    PaymentGatewayUnavailableError,
)

__all__ = [
    "INJECTABLE_ERRORS",
    "STOCK",
    "Fault",
    "Order",
    "OrderItem",
    "charge_payment",
    "check_stock",
    "confirmation",
    "fault_for",
    "parse_order",
    "pick_item",
    "raise_injected_fault",
    "rejection_notice",
    "shipment",
]

# The warehouse's stock (units per SKU): enough to show an order that fits and one that does not.
STOCK: dict[str, int] = {"book": 50, "lamp": 5, "desk": 1, "chair": 0}

INJECTABLE_ERRORS: dict[str, type[OrderWorkflowError]] = {
    cls.__name__: cls
    for cls in (InvalidOrderError, OutOfStockError, PaymentDeclinedError, PaymentGatewayUnavailableError)
}


@dataclass(frozen=True)
class OrderItem:
    sku: str
    quantity: int
    unit_cents: int


@dataclass(frozen=True)
class Order:
    """What the customer asked for."""

    order_id: str
    customer: str
    items: tuple[OrderItem, ...]
    express: bool = False

    @property
    def total_cents(self) -> int:
        return sum(item.quantity * item.unit_cents for item in self.items)


@dataclass(frozen=True)
class Fault:
    """An injected failure: raise ``error`` on the first ``times`` attempts (None: always)."""

    error: str
    times: int | None = None

    def fires_on(self, attempt: int) -> bool:
        """Whether attempt ``attempt`` (0-based, as ``$$.State.RetryCount``) fails."""
        return self.times is None or attempt < self.times


def parse_order(payload: Any) -> Order:
    """Check an order's shape; raise :class:`InvalidOrderError` listing every problem."""
    if not isinstance(payload, Mapping):
        raise InvalidOrderError([f"the order must be an object, got {type(payload).__name__}"])
    problems: list[str] = []
    order_id, customer = payload.get("order_id"), payload.get("customer")
    if not isinstance(order_id, str) or not order_id:
        problems.append(f"order_id must be a non-empty string, got {order_id!r}")
    if not isinstance(customer, str) or "@" not in customer:
        problems.append(f"customer must be an email address, got {customer!r}")
    raw_items = payload.get("items")
    items: list[OrderItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(f"items must be a non-empty list, got {raw_items!r}")
    else:
        for index, raw in enumerate(raw_items):
            try:
                items.append(_item(raw))
            except ValueError as bad:
                problems.append(f"items[{index}]: {bad}")
    if problems:
        raise InvalidOrderError(problems)
    return Order(str(order_id), str(customer), tuple(items), bool(payload.get("express", False)))


def _item(raw: Any) -> OrderItem:
    if not isinstance(raw, Mapping):
        raise ValueError(f"an item must be an object, got {raw!r}")
    sku, quantity, unit_cents = raw.get("sku"), raw.get("quantity"), raw.get("unit_cents")
    if not isinstance(sku, str) or not sku:
        raise ValueError(f"sku must be a non-empty string, got {sku!r}")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ValueError(f"quantity must be a positive integer, got {quantity!r}")
    if not isinstance(unit_cents, int) or isinstance(unit_cents, bool) or unit_cents < 0:
        raise ValueError(f"unit_cents must be a non-negative integer, got {unit_cents!r}")
    return OrderItem(sku, quantity, unit_cents)


def fault_for(faults: Any, state: str) -> Fault | None:
    """The fault injected into ``state``, or None; raise :class:`InvalidOrderError` if it is malformed."""
    if faults is None:
        return None
    if not isinstance(faults, Mapping):
        raise InvalidOrderError([f"faults must be an object keyed by state name, got {faults!r}"])
    spec = faults.get(state)
    if spec is None:
        return None
    error, times = (spec.get("error"), spec.get("times")) if isinstance(spec, Mapping) else (None, None)
    if error not in INJECTABLE_ERRORS:
        raise InvalidOrderError(
            [f"faults.{state}.error must be one of {sorted(INJECTABLE_ERRORS)}, got {spec!r}"]
        )
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 0):
        raise InvalidOrderError(
            [f"faults.{state}.times must be a non-negative integer or null, got {times!r}"]
        )
    return Fault(str(error), times)


def raise_injected_fault(faults: Any, state: str, attempt: int) -> None:
    """Raise the error injected into ``state`` if it fires on ``attempt`` (0-based)."""
    fault = fault_for(faults, state)
    if fault is not None and fault.fires_on(attempt):
        error = INJECTABLE_ERRORS[fault.error]
        message = f"injected into {state} on attempt {attempt + 1}"
        raise error([message]) if error is InvalidOrderError else error(message)


def check_stock(order: Order, stock: Mapping[str, int] = STOCK) -> dict[str, Any]:
    """Every item must be in stock in the quantity asked for; raise :class:`OutOfStockError` if not."""
    short = [
        f"{item.sku}: asked {item.quantity}, {stock.get(item.sku, 0)} in stock"
        for item in order.items
        if item.quantity > stock.get(item.sku, 0)
    ]
    if short:
        raise OutOfStockError("; ".join(short))
    return {"in_stock": True, "units": sum(item.quantity for item in order.items)}


def charge_payment(order: Order) -> dict[str, Any]:
    """Charge the order's total; a total of 0 or above $10,000 is declined (permanent)."""
    if not 0 < order.total_cents <= 1_000_000:
        raise PaymentDeclinedError(f"card declined for {order.total_cents} cents (accepted: 1 to 1000000)")
    return {"charged_cents": order.total_cents, "payment_id": f"pay-{order.order_id}"}


def shipment(order: Order, service: str) -> dict[str, Any]:
    return {"shipment_id": f"ship-{order.order_id}", "service": service}


def confirmation(order: Order) -> dict[str, Any]:
    return {"sent_to": order.customer, "subject": f"Order {order.order_id} confirmed"}


def pick_item(item: Any) -> dict[str, Any]:
    """One Map iteration: pick one line of the order from the shelves."""
    picked = _item(item)
    return {"sku": picked.sku, "picked": picked.quantity}


def rejection_notice(order: Any, error: Mapping[str, Any]) -> dict[str, Any]:
    """What the customer is told when a Catch routed the order here (``error`` is ``{Error, Cause}``)."""
    customer = order.get("customer") if isinstance(order, Mapping) else None
    return {"notified": customer, "reason": str(error.get("Error", "unknown"))}
