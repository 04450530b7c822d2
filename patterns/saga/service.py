"""The saga's services as pure logic: the order, the four steps and their compensations, fault injection.

Each step belongs to its own service and writes only to that service's store (database per service),
one record per saga, keyed by the saga id. Idempotency comes from conditional writes in the store:

* a step creates its record only if none exists; a repeat finds it and changes nothing (``duplicate``);
  if the saga's compensation got there first it finds the tombstone and does nothing (``blocked``);
* a compensation moves the record from the step's status to the compensated status only if it is
  still in the step's status; with no record at all it writes a tombstone (``nothing_to_undo``), so a
  step delivered late can never take effect after its compensation; a repeat changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from patterns.saga.exceptions import InjectedFaultError, InvalidOrderError

__all__ = [
    "COMPENSATIONS",
    "STEPS",
    "STEP_BY_ACTION",
    "CompensationOutcome",
    "FaultKind",
    "Order",
    "ServiceStore",
    "StepOutcome",
    "StepSpec",
    "check_fault",
    "compensate_step",
    "fault_for",
    "parse_event",
    "perform_step",
]

FaultKind = Literal["error", "timeout"]
StepOutcome = Literal["done", "duplicate", "blocked"]
CompensationOutcome = Literal["undone", "duplicate", "nothing_to_undo"]
FAULT_KINDS: tuple[str, ...] = ("error", "timeout")


@dataclass(frozen=True)
class StepSpec:
    """One saga step: its action, its compensation, its service's store and the statuses it writes."""

    number: int
    action: str
    compensation: str
    service: str
    status: str
    compensated_status: str


STEPS: tuple[StepSpec, ...] = (
    StepSpec(1, "reserve_inventory", "release_inventory", "inventory", "RESERVED", "RELEASED"),
    StepSpec(2, "charge_payment", "refund_payment", "payments", "CHARGED", "REFUNDED"),
    StepSpec(3, "create_shipment", "cancel_shipment", "shipments", "CREATED", "CANCELLED"),
    StepSpec(4, "send_confirmation", "send_cancellation", "confirmations", "SENT", "RETRACTED"),
)
STEP_BY_ACTION: dict[str, StepSpec] = {spec.action: spec for spec in STEPS} | {
    spec.compensation: spec for spec in STEPS
}
COMPENSATIONS: tuple[str, ...] = tuple(spec.compensation for spec in STEPS)


@dataclass(frozen=True)
class Order:
    """What the customer asked for."""

    order_id: str
    items: tuple[tuple[str, int], ...]
    amount_cents: int
    email: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "items": [{"sku": sku, "quantity": quantity} for sku, quantity in self.items],
            "amount_cents": self.amount_cents,
            "email": self.email,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Order:
        """Parse an order; raise :class:`InvalidOrderError` listing every problem."""
        if not isinstance(data, Mapping):
            raise InvalidOrderError([f"order must be an object, got {data!r}"])
        problems = []
        order_id, email, amount = data.get("order_id"), data.get("email"), data.get("amount_cents")
        if not isinstance(order_id, str) or not order_id:
            problems.append(f"order.order_id must be a non-empty string, got {order_id!r}")
        if not isinstance(email, str) or "@" not in email:
            problems.append(f"order.email must be an email address, got {email!r}")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            problems.append(f"order.amount_cents must be a positive integer, got {amount!r}")
        raw_items = data.get("items")
        items: list[tuple[str, int]] = []
        if not isinstance(raw_items, list) or not raw_items:
            problems.append(f"order.items must be a non-empty list, got {raw_items!r}")
        else:
            for item in raw_items:
                sku = item.get("sku") if isinstance(item, Mapping) else None
                quantity = item.get("quantity") if isinstance(item, Mapping) else None
                if not isinstance(sku, str) or not isinstance(quantity, int) or quantity <= 0:
                    problems.append(f"each item must be {{'sku': str, 'quantity': int > 0}}, got {item!r}")
                else:
                    items.append((sku, quantity))
        if problems:
            raise InvalidOrderError(problems)
        return cls(str(order_id), tuple(items), int(str(amount)), str(email))


class ServiceStore(Protocol):
    """One service's table: at most one record per saga, changed only by conditional writes."""

    def create(self, saga_id: str, record: dict[str, Any]) -> dict[str, Any] | None:
        """Write ``record`` if the saga has none; return the existing record instead if it has one."""
        ...

    def compensate(self, saga_id: str, *, status: str, compensated_status: str) -> str | None:
        """Set the status to ``compensated_status`` if it is ``status``; with no record, write a tombstone.

        Returns the status found before: None (no record: a tombstone was written), ``status`` (undone
        now) or ``compensated_status`` (already compensated: nothing changed).
        """
        ...

    def get(self, saga_id: str) -> dict[str, Any] | None: ...

    def records(self) -> list[dict[str, Any]]: ...


def parse_event(event: Any, action: str) -> tuple[str, Order, int, Mapping[str, Any]]:
    """The saga id, order, attempt number and faults of a step or compensation event."""
    if not isinstance(event, Mapping):
        raise InvalidOrderError([f"{action}: the event must be an object, got {event!r}"])
    saga_id = event.get("saga_id")
    problems = [] if isinstance(saga_id, str) and saga_id else [f"saga_id must be a string, got {saga_id!r}"]
    attempt = event.get("attempt", 1)
    if not isinstance(attempt, int) or attempt < 1:
        problems.append(f"attempt must be an integer >= 1, got {attempt!r}")
    faults = event.get("faults") or {}
    if not isinstance(faults, Mapping):
        problems.append(f"faults must be an object, got {faults!r}")
    if problems:
        raise InvalidOrderError(problems)
    return str(saga_id), Order.from_dict(event.get("order")), int(attempt), faults


def fault_for(faults: Mapping[str, Any], action: str, attempt: int) -> FaultKind | None:
    """The fault ``faults`` asks ``action`` to suffer on this attempt, or None.

    ``faults`` maps an action to ``{"kind": "error" | "timeout", "times": n}``: the first ``n`` attempts
    fail (``times`` missing or null: every attempt fails).
    """
    spec = faults.get(action)
    if spec is None:
        return None
    kind = spec.get("kind") if isinstance(spec, Mapping) else None
    if kind not in FAULT_KINDS:
        raise InvalidOrderError([f"faults[{action!r}].kind must be one of {FAULT_KINDS}, got {kind!r}"])
    times = spec.get("times")
    if times is not None and attempt > int(times):
        return None
    return "error" if kind == "error" else "timeout"


def check_fault(faults: Mapping[str, Any], action: str, attempt: int) -> FaultKind | None:
    """Raise :class:`InjectedFaultError` for an injected error; return "timeout" if one is due."""
    kind = fault_for(faults, action, attempt)
    if kind == "error":
        raise InjectedFaultError(action, attempt)
    return kind


def _record(spec: StepSpec, saga_id: str, order: Order, at: str) -> dict[str, Any]:
    record: dict[str, Any] = {"saga_id": saga_id, "status": spec.status, "order_id": order.order_id, "at": at}
    if spec.service == "inventory":
        record["items"] = ",".join(f"{sku}x{quantity}" for sku, quantity in order.items)
    elif spec.service == "payments":
        record["amount_cents"] = order.amount_cents
    elif spec.service == "confirmations":
        record["email"] = order.email
    return record


def perform_step(spec: StepSpec, saga_id: str, order: Order, store: ServiceStore, at: str) -> StepOutcome:
    """Do ``spec``'s step for the saga, at most once whatever the number of deliveries."""
    existing = store.create(saga_id, _record(spec, saga_id, order, at))
    if existing is None:
        return "done"
    return "duplicate" if existing.get("status") == spec.status else "blocked"


def compensate_step(spec: StepSpec, saga_id: str, store: ServiceStore) -> CompensationOutcome:
    """Undo ``spec``'s step for the saga, at most once; safe before the step and after a repeat."""
    before = store.compensate(saga_id, status=spec.status, compensated_status=spec.compensated_status)
    if before is None:
        return "nothing_to_undo"
    return "undone" if before == spec.status else "duplicate"
