"""Lambda handlers of the order workflow's Task states: parse the event, inject a fault, delegate.

The state machine sends each task ``{"order", "attempt", "faults"}`` (see
:mod:`patterns.step_functions.service`); a handler raises the workflow's errors by name, and the
state machine's ``Retry`` / ``Catch`` route on that name.
"""

from __future__ import annotations

from typing import Any

from patterns.step_functions import service

__all__ = [
    "charge_payment",
    "check_inventory",
    "create_shipment",
    "notify_rejection",
    "pick_item",
    "send_confirmation",
    "validate_order",
]


def _order(event: dict[str, Any], state: str) -> service.Order:
    service.raise_injected_fault(event.get("faults"), state, int(event.get("attempt") or 0))
    return service.parse_order(event.get("order"))


def validate_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """ValidateOrder: the order's shape and its total."""
    order = _order(event, "ValidateOrder")
    return {"valid": True, "total_cents": order.total_cents}


def check_inventory(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CheckInventory: every item in stock, or OutOfStockError."""
    return service.check_stock(_order(event, "CheckInventory"))


def charge_payment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """ChargePayment: PaymentGatewayUnavailableError is transient (retried), PaymentDeclinedError is not."""
    return service.charge_payment(_order(event, "ChargePayment"))


def create_shipment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CreateShipment (a Parallel branch): the carrier service chosen by the Choice state."""
    order = _order(event, "CreateShipment")
    return service.shipment(order, str(event.get("shipping", "standard")))


def send_confirmation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SendConfirmation (the other Parallel branch): the customer's email."""
    return service.confirmation(_order(event, "SendConfirmation"))


def pick_item(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PickItem (one Map iteration per order line)."""
    service.raise_injected_fault(event.get("faults"), "PickItem", int(event.get("attempt") or 0))
    return service.pick_item(event.get("item"))


def notify_rejection(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """NotifyRejection: a Catch routed here with ``{Error, Cause}`` kept beside the order (ResultPath)."""
    return service.rejection_notice(event.get("order"), event.get("error") or {})
