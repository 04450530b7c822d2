"""Event contracts: one JSON Schema per event type, checked with ``jsonschema`` when an event is published.

A consumer of ``PaymentProcessed`` reads ``order_id``, ``payment_id``, ``amount_cents`` and ``email``; the
schema is the promise the producer makes to every consumer it does not know. :func:`validate_event`
refuses a detail that breaks it before it reaches the bus, so a breaking change fails at the producer
(one place, with the field named) instead of in every consumer. :func:`breaking_changes` compares two
versions of a schema from a consumer's point of view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

from patterns.choreography.exceptions import ContractViolationError

__all__ = [
    "ORDER_EVENT_TYPES",
    "ORDER_REQUEST_SCHEMA",
    "PAYMENT_PROCESSED_V2",
    "SCHEMAS",
    "breaking_changes",
    "problems_with",
    "schema_for",
    "validate_event",
]

_ID = {"type": "string", "minLength": 1, "maxLength": 64}
_EMAIL = {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"}
_ITEMS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["sku", "quantity"],
        "properties": {"sku": _ID, "quantity": {"type": "integer", "minimum": 1}},
        "additionalProperties": False,
    },
}

ORDER_REQUEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "POST /orders body",
    "type": "object",
    "required": ["order_id", "email", "items", "total_cents", "payment_token"],
    "properties": {
        "order_id": _ID,
        "email": _EMAIL,
        "items": _ITEMS,
        "total_cents": {"type": "integer", "minimum": 1},
        "payment_token": _ID,
    },
    "additionalProperties": False,
}
"""What ``validate`` accepts from the API (the seed's ``validateOrderSchema``)."""

_ORDER_EVENT: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["correlation_id", "order_id", "email", "items", "total_cents", "payment_token"],
    "properties": {
        "correlation_id": _ID,
        "order_id": _ID,
        "email": _EMAIL,
        "items": _ITEMS,
        "total_cents": {"type": "integer", "minimum": 1},
        "payment_token": _ID,
    },
}

ORDER_EVENT_TYPES = (
    "OrderValidated",
    "FraudChecked",
    "StockReserved",
    "DiscountApplied",
    "CourierBooked",
)
"""Events that carry the whole order (``OrderValidated`` and the events of the steps one can add)."""

SCHEMAS: dict[str, dict[str, Any]] = {
    **{name: {**_ORDER_EVENT, "title": name} for name in ORDER_EVENT_TYPES},
    "PaymentProcessed": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "PaymentProcessed",
        "type": "object",
        "required": ["correlation_id", "order_id", "payment_id", "amount_cents", "email"],
        "properties": {
            "correlation_id": _ID,
            "order_id": _ID,
            "payment_id": _ID,
            "amount_cents": {"type": "integer", "minimum": 1},
            "email": _EMAIL,
        },
    },
    "OrderFulfilled": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "OrderFulfilled",
        "type": "object",
        "required": ["correlation_id", "order_id", "payment_id"],
        "properties": {"correlation_id": _ID, "order_id": _ID, "payment_id": _ID},
    },
}
"""Version 1 of every event type the flow publishes (consumers may ignore extra fields)."""

PAYMENT_PROCESSED_V2: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "PaymentProcessed (v2: camelCase ids, amount as a decimal string)",
    "type": "object",
    "required": ["correlation_id", "orderId", "payment_id", "amount", "email"],
    "properties": {
        "correlation_id": _ID,
        "orderId": _ID,
        "payment_id": _ID,
        "amount": {"type": "string", "pattern": r"^\d+\.\d{2}$"},
        "email": _EMAIL,
    },
}
"""A tempting refactoring of ``PaymentProcessed`` that breaks its consumers (the demonstration's v2)."""


def schema_for(detail_type: str) -> dict[str, Any]:
    """The published schema of ``detail_type``; a KeyError names the known types."""
    try:
        return SCHEMAS[detail_type]
    except KeyError:
        raise KeyError(f"no contract for event type {detail_type!r}; known: {sorted(SCHEMAS)}") from None


def problems_with(schema: Mapping[str, Any], document: Any) -> list[str]:
    """Every way ``document`` breaks ``schema``, one readable line each, in a stable order."""
    validator = Draft202012Validator(dict(schema))
    errors = sorted(validator.iter_errors(document), key=lambda e: (list(map(str, e.path)), e.message))
    return [f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors]


def validate_event(detail_type: str, detail: Any) -> None:
    """Raise :class:`ContractViolationError` listing every problem when ``detail`` breaks its contract."""
    problems = problems_with(schema_for(detail_type), detail)
    if problems:
        raise ContractViolationError(detail_type, problems)


def _types(spec: Mapping[str, Any]) -> set[str]:
    kind = spec.get("type")
    return {kind} if isinstance(kind, str) else set(kind or ())


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What a consumer written against ``old`` can no longer rely on in events that follow ``new``.

    A field the old version required that the new one drops or no longer requires, and a field whose
    type changed, are breaking; a new optional field is not (consumers ignore what they do not read).
    """
    found = []
    old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
    new_required = set(new.get("required", ()))
    for name in old.get("required", ()):
        if name not in new_properties:
            found.append(f"required field {name!r} was removed (or renamed)")
        elif name not in new_required:
            found.append(f"field {name!r} is no longer required")
    for name, spec in old_properties.items():
        if name in new_properties and _types(spec) != _types(new_properties[name]):
            found.append(
                f"field {name!r} changed type from {sorted(_types(spec))} to "
                f"{sorted(_types(new_properties[name]))}"
            )
    return found
