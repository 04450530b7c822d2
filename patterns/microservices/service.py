"""The three services' rules, their event contracts, and the measures of the pattern (no boto3).

* **customers** registers customers (seed 000's user service) and changes their credit status; it
  publishes ``CustomerRegistered`` / ``CustomerUpdated`` carrying the whole customer (event-carried state).
* **orders** keeps its own *copy* of each customer (name, credit status, version), fed by those events,
  and decides an order from it without asking customers; it publishes ``OrderPlaced``.
* **inventory** reserves stock for each ``OrderPlaced`` and publishes ``StockReserved`` or
  ``StockRejected``, which orders applies to the order.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from patterns.lab import limits
from patterns.microservices.exceptions import ContractError, InvalidRequestError, OrderRefusedError

__all__ = [
    "CONTRACTS",
    "CREDIT_STATUSES",
    "CUSTOMER_EVENTS",
    "GCP_TO_AWS",
    "SEED_FOLLOW_UP_S",
    "SEED_WELCOME_S",
    "SERVICES",
    "SOURCES",
    "CallRecord",
    "CustomerCopy",
    "ServiceMapping",
    "StalenessSummary",
    "check_contract",
    "copy_from_event",
    "coupling",
    "decide_order",
    "delayed_delivery",
    "format_pairs",
    "order_status_after",
    "parse_credit",
    "parse_customer",
    "parse_order",
    "reserve",
    "should_apply",
    "summarise_staleness",
]

Service = Literal["orders", "inventory", "customers"]
SERVICES: Final[tuple[Service, ...]] = ("orders", "inventory", "customers")
SOURCES: Final[dict[Service, str]] = {service: f"shop.{service}" for service in SERVICES}
CREDIT_STATUSES: Final = ("good", "on-hold")
CUSTOMER_EVENTS: Final = ("CustomerRegistered", "CustomerUpdated")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The published contracts: field -> type. Consumers ignore fields they do not read.
CONTRACTS: Final[dict[str, dict[str, type]]] = {
    "CustomerRegistered": {"customer_id": str, "name": str, "credit_status": str, "version": int},
    "CustomerUpdated": {"customer_id": str, "name": str, "credit_status": str, "version": int},
    "OrderPlaced": {"order_id": str, "customer_id": str, "sku": str, "quantity": int},
    "StockReserved": {"order_id": str, "sku": str, "quantity": int},
    "StockRejected": {"order_id": str, "sku": str, "reason": str},
}


def check_contract(detail_type: str, detail: Any) -> list[str]:
    """Every way ``detail`` breaks the contract of ``detail_type`` (empty: it keeps it)."""
    fields = CONTRACTS.get(detail_type)
    if fields is None:
        return [f"unknown detail-type {detail_type!r}"]
    if not isinstance(detail, dict):
        return [f"detail must be an object, got {type(detail).__name__}"]
    problems = []
    for name, kind in fields.items():
        if name not in detail:
            problems.append(f"{name}: missing")
        elif type(detail[name]) is not kind:
            problems.append(f"{name}: expected {kind.__name__}, got {type(detail[name]).__name__}")
    return problems


def _require_contract(detail_type: str, detail: Any) -> dict[str, Any]:
    problems = check_contract(detail_type, detail)
    if problems:
        raise ContractError(problems)
    return dict(detail)


def _text(body: Mapping[str, Any], name: str, problems: list[str], *, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{name}: a non-empty string is required")
        return ""
    return value.strip()


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidRequestError(["body: a JSON object is required"])
    return body


def parse_customer(body: Any) -> dict[str, str]:
    """A registration (seed 000's required ``email`` and ``name``, optional ``company``); every problem."""
    fields = _object(body)
    problems: list[str] = []
    email = _text(fields, "email", problems).lower()
    if email and not _EMAIL.match(email):
        problems.append("email: not an email address")
    name = _text(fields, "name", problems)
    company = _text(fields, "company", problems, required=False)
    if problems:
        raise InvalidRequestError(problems)
    return {"email": email, "name": name, "company": company}


def parse_credit(body: Any) -> str:
    """The new credit status of a ``PUT /customers/{id}/credit``."""
    status = _object(body).get("credit_status")
    if status not in CREDIT_STATUSES:
        raise InvalidRequestError([f"credit_status: one of {list(CREDIT_STATUSES)} is required"])
    return str(status)


def parse_order(body: Any) -> tuple[str, str, int]:
    """``(customer_id, sku, quantity)`` of a ``POST /orders``; every problem."""
    fields = _object(body)
    problems: list[str] = []
    customer_id = _text(fields, "customer_id", problems)
    sku = _text(fields, "sku", problems)
    quantity = fields.get("quantity")
    if type(quantity) is not int or not 1 <= quantity <= 100:
        problems.append("quantity: an integer from 1 to 100 is required")
        quantity = 0
    if problems:
        raise InvalidRequestError(problems)
    return customer_id, sku, quantity


@dataclass(frozen=True)
class CustomerCopy:
    """What the orders service keeps of a customer: only what it needs to decide an order."""

    customer_id: str
    name: str
    credit_status: str
    version: int


def copy_from_event(detail_type: str, detail: Any) -> CustomerCopy:
    """The copy a ``CustomerRegistered`` / ``CustomerUpdated`` event carries (ContractError if broken)."""
    if detail_type not in CUSTOMER_EVENTS:
        raise ContractError([f"not a customer event: {detail_type!r}"])
    fields = _require_contract(detail_type, detail)
    return CustomerCopy(fields["customer_id"], fields["name"], fields["credit_status"], fields["version"])


def should_apply(current_version: int | None, incoming_version: int) -> bool:
    """Apply an event to the copy only if it is newer: duplicates and late arrivals change nothing."""
    return current_version is None or incoming_version > current_version


def decide_order(copy: CustomerCopy | None) -> None:
    """Refuse an order when the orders service's copy does not know the customer or has them on hold."""
    if copy is None:
        raise OrderRefusedError("unknown customer (not in the orders service's copy yet)")
    if copy.credit_status != "good":
        raise OrderRefusedError(f"customer {copy.customer_id} is {copy.credit_status}")


def reserve(available: int, quantity: int) -> int | None:
    """Stock left after reserving ``quantity`` of ``available``, or None when there is not enough."""
    return available - quantity if quantity <= available else None


def order_status_after(detail_type: str) -> str:
    """The order's status once inventory answered."""
    statuses = {"StockReserved": "CONFIRMED", "StockRejected": "REJECTED"}
    if detail_type not in statuses:
        raise ContractError([f"not an inventory event: {detail_type!r}"])
    return statuses[detail_type]


@dataclass(frozen=True)
class StalenessSummary:
    """How long the orders service's copy lagged the customers service, over the changes measured."""

    changes: int
    p50_s: float
    max_s: float
    stale_decisions: int
    """Orders decided on a copy older than the customer's current state."""


def summarise_staleness(lags_s: Sequence[float], stale_decisions: int = 0) -> StalenessSummary:
    if not lags_s:
        return StalenessSummary(0, 0.0, 0.0, stale_decisions)
    return StalenessSummary(len(lags_s), statistics.median(lags_s), max(lags_s), stale_decisions)


@dataclass(frozen=True)
class CallRecord:
    """One AWS call a function made: who called, which service and operation, on which resource."""

    caller: str
    service: str
    operation: str
    resource: str


def coupling(records: Iterable[CallRecord], owners: Mapping[str, str]) -> Counter[tuple[str, str]]:
    """Calls from one service's functions to another service's resources, by ``(caller, owner)`` pair.

    ``owners`` maps functions and resources (tables, functions) to the service that owns them; calls to
    resources nobody owns (the shared event bus) or to the caller's own are not coupling.
    """
    pairs: Counter[tuple[str, str]] = Counter()
    for record in records:
        caller, owner = owners.get(record.caller), owners.get(record.resource)
        if caller and owner and caller != owner:
            pairs[(caller, owner)] += 1
    return pairs


def format_pairs(pairs: Mapping[tuple[str, str], int]) -> str:
    """``orders->customers 20, orders->inventory 20`` (or ``none``)."""
    return ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(pairs.items())) or "none"


SEED_WELCOME_S: Final = 5 * 60
"""Seed 000 schedules the welcome email 5 minutes after registration..."""
SEED_FOLLOW_UP_S: Final = 3 * 24 * 3600
"""...and the onboarding follow-up 3 days after."""


def delayed_delivery(delay_s: float) -> str:
    """The AWS service for a Cloud Tasks task due in ``delay_s``: an SQS message timer reaches 15 minutes,
    EventBridge Scheduler's one-time ``at()`` schedules reach any date."""
    if delay_s <= limits.SQS_DELAY_MAX_S:
        return "SQS DelaySeconds (or EventBridge Scheduler at())"
    return "EventBridge Scheduler at()"


@dataclass(frozen=True)
class ServiceMapping:
    """One row of seed 000's Google Cloud service -> its AWS counterpart, and where it runs here."""

    seed: str
    google_cloud: str
    aws: str
    here: str


GCP_TO_AWS: Final[tuple[ServiceMapping, ...]] = (
    ServiceMapping(
        "@functions_framework.http user_service_handler",
        "Cloud Functions (HTTP trigger)",
        "Lambda behind API Gateway",
        "patterns.microservices.handlers.customers_api on the lab's front door",
    ),
    ServiceMapping(
        "request.path / request.method routing",
        "Flask request",
        "API Gateway proxy event (resource, pathParameters)",
        "the front door's routes, one per endpoint",
    ),
    ServiceMapping(
        "db.collection('users')",
        "Firestore collection",
        "DynamoDB table (on-demand)",
        "the customers table, owned by customers alone",
    ),
    ServiceMapping(
        "where('email', '==', ...) then add(...)",
        "Firestore query, then write",
        "DynamoDB conditional write on an email item",
        "CustomerStore.register (one transaction, no race)",
    ),
    ServiceMapping(
        "tasks_v2 create_task(schedule_time=+5 min)",
        "Cloud Tasks",
        "SQS DelaySeconds (<= 15 min) or EventBridge Scheduler at()",
        "EventBridge Scheduler at(), fired on the virtual clock",
    ),
    ServiceMapping(
        "tasks_v2 create_task(schedule_time=+3 days)",
        "Cloud Tasks",
        "EventBridge Scheduler at() (beyond SQS's 15 minutes)",
        "EventBridge Scheduler at(), fired on the virtual clock",
    ),
    ServiceMapping(
        "http_request url=.../send-welcome-email",
        "Cloud Tasks HTTP target",
        "Scheduler's Lambda target",
        "patterns.microservices.handlers.customers_mailer",
    ),
)
