"""Lambda handlers of the saga's steps and compensations: parse the event, inject a fault, delegate.

The contract (stable: the step-functions pattern builds its state machine from these handlers):

* Handlers: ``patterns.saga.handlers.<action>`` for the steps ``reserve_inventory``,
  ``charge_payment``, ``create_shipment``, ``send_confirmation`` and their compensations
  ``release_inventory``, ``refund_payment``, ``cancel_shipment``, ``send_cancellation``.
  Each function's environment names its own service's table: ``SERVICE_TABLE``
  (see :func:`patterns.saga.adapters.deploy_handlers`).
* Event (the same for every handler, so a state machine can pass its input through)::

      {"saga_id": "saga-1",
       "order": {"order_id": "o-1", "items": [{"sku": "book", "quantity": 1}],
                 "amount_cents": 2599, "email": "ada@example.com"},
       "attempt": 1,                                               # optional, 1-based
       "faults": {"charge_payment": {"kind": "error", "times": 1}}}  # optional

  ``faults`` maps an action to a fault: ``error`` raises before any effect; ``timeout`` takes effect,
  then outlives the function's timeout (the caller cannot tell whether it happened). ``times``: the
  first n attempts fail (missing or null: every attempt).
* Result: ``{"saga_id", "action", "outcome", "record"}``; a step's outcome is ``done``, ``duplicate``
  (already done: no new effect) or ``blocked`` (already compensated: no effect); a compensation's is
  ``undone``, ``duplicate`` or ``nothing_to_undo``. ``record`` is the service's record afterwards.
* Errors (Lambda's ``errorType``): ``InjectedFaultError``, ``InvalidOrderError``, and the runtime's
  ``Sandbox.Timedout`` for a timeout.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from patterns.saga.adapters import DynamoDbServiceStore, service_store_from_environment
from patterns.saga.service import STEP_BY_ACTION, check_fault, compensate_step, parse_event, perform_step

__all__ = [
    "cancel_shipment",
    "charge_payment",
    "create_shipment",
    "refund_payment",
    "release_inventory",
    "reserve_inventory",
    "send_cancellation",
    "send_confirmation",
]

_store: DynamoDbServiceStore | None = None


def _service_store() -> DynamoDbServiceStore:
    global _store
    if _store is None:
        _store = service_store_from_environment()
    return _store


def _outlive_timeout(context: Any) -> None:
    time.sleep(context.get_remaining_time_in_millis() / 1000 + 0.05)


def _step(action: str, event: Any, context: Any) -> dict[str, Any]:
    saga_id, order, attempt, faults = parse_event(event, action)
    fault = check_fault(faults, action, attempt)
    spec, store = STEP_BY_ACTION[action], _service_store()
    outcome = perform_step(spec, saga_id, order, store, datetime.now(UTC).isoformat())
    if fault == "timeout":
        _outlive_timeout(context)
    return {"saga_id": saga_id, "action": action, "outcome": outcome, "record": store.get(saga_id)}


def _compensation(action: str, event: Any, context: Any) -> dict[str, Any]:
    saga_id, _, attempt, faults = parse_event(event, action)
    fault = check_fault(faults, action, attempt)
    spec, store = STEP_BY_ACTION[action], _service_store()
    outcome = compensate_step(spec, saga_id, store)
    if fault == "timeout":
        _outlive_timeout(context)
    return {"saga_id": saga_id, "action": action, "outcome": outcome, "record": store.get(saga_id)}


def reserve_inventory(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Step 1: reserve the order's items (inventory service)."""
    return _step("reserve_inventory", event, context)


def charge_payment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Step 2: charge the order's amount (payment service)."""
    return _step("charge_payment", event, context)


def create_shipment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Step 3: create the shipment (shipping service)."""
    return _step("create_shipment", event, context)


def send_confirmation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Step 4: confirm the order to the customer (notification service)."""
    return _step("send_confirmation", event, context)


def release_inventory(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Compensation of step 1: release the reservation."""
    return _compensation("release_inventory", event, context)


def refund_payment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Compensation of step 2: refund the charge."""
    return _compensation("refund_payment", event, context)


def cancel_shipment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Compensation of step 3: cancel the shipment."""
    return _compensation("cancel_shipment", event, context)


def send_cancellation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Compensation of step 4: retract the confirmation (tell the customer the order is cancelled)."""
    return _compensation("send_cancellation", event, context)
