"""Pure logic of the event-driven pattern: the rules, the sample events, CSV orders, the seed-000 flow.

No boto3 here: rules are data (name, consumer, event pattern), events are :class:`EventEntry` values,
and deciding *which rule matches an event* is left to EventBridge (a real ``put_events``), never to a
second matcher in this module.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from patterns.event_driven.exceptions import InvalidEventError, MalformedOrdersError
from patterns.lab import limits

__all__ = [
    "AZURE_TO_AWS",
    "FIXED_NOTIFICATION_PATTERN",
    "ROUTING_RULES",
    "SAMPLE_EVENTS",
    "SEED_NOTIFICATION_PATTERN",
    "EventEntry",
    "Mapping000",
    "Order",
    "Rule",
    "consumers_of",
    "invoice_for",
    "order_id_for",
    "parse_event_text",
    "parse_orders_csv",
    "pattern_problems",
    "summarise_upload",
    "workflow_messages",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """An EventBridge rule: its name, the local Lambda function it targets, its pattern, what it shows."""

    name: str
    consumer: str
    pattern: Mapping[str, Any]
    shows: str

    def pattern_json(self) -> str:
        return json.dumps(self.pattern, separators=(",", ":"))


# Seed 001's serverless.yml lists sources and detail-types side by side: EventBridge ANDs the fields and
# ORs the values inside each, so it also matches {orders, PaymentFailed} and {payments, OrderFulfilled}.
SEED_NOTIFICATION_PATTERN: Mapping[str, Any] = {
    "source": ["orders", "payments"],
    "detail-type": ["OrderFulfilled", "PaymentFailed"],
}
# What it means: OrderFulfilled from orders, or PaymentFailed from payments ($or).
FIXED_NOTIFICATION_PATTERN: Mapping[str, Any] = {
    "$or": [
        {"source": ["orders"], "detail-type": ["OrderFulfilled"]},
        {"source": ["payments"], "detail-type": ["PaymentFailed"]},
    ]
}

ROUTING_RULES: tuple[Rule, ...] = (
    Rule(
        "order-created",
        "orders-service",
        {"source": ["orders"], "detail-type": ["OrderCreated"]},
        "exact values (seed 001)",
    ),
    Rule(
        "inventory-reserved",
        "inventory-service",
        {"source": ["inventory"], "detail-type": ["InventoryReserved"]},
        "exact values (seed 001)",
    ),
    Rule("notify-as-seed", "notify-seed", SEED_NOTIFICATION_PATTERN, "seed 001's lists (a cross product)"),
    Rule("notify", "notifications", FIXED_NOTIFICATION_PATTERN, "$or (seed 001 fixed)"),
    Rule(
        "eu-orders",
        "eu-fulfilment",
        {"detail-type": ["OrderCreated"], "detail": {"region": [{"prefix": "eu-"}]}},
        "prefix",
    ),
    Rule("audit-non-test", "audit", {"source": [{"anything-but": ["test"]}]}, "anything-but"),
    Rule(
        "manual-review",
        "review",
        {"detail-type": ["OrderCreated"], "detail": {"total": [{"numeric": [">", 100, "<=", 1000]}]}},
        "numeric range",
    ),
    Rule("with-coupon", "coupons", {"detail": {"coupon": [{"exists": True}]}}, "exists"),
)


@dataclass(frozen=True, slots=True)
class EventEntry:
    """One ``PutEvents`` entry: source, detail-type and a JSON-object detail (``label`` is for tables)."""

    source: str
    detail_type: str
    detail: Mapping[str, Any]
    label: str = ""

    def to_entry(self, bus_name: str, time: datetime | None = None) -> dict[str, Any]:
        """The boto3 ``put_events`` entry for ``bus_name`` (``time`` sets the event's time)."""
        entry: dict[str, Any] = {
            "EventBusName": bus_name,
            "Source": self.source,
            "DetailType": self.detail_type,
            "Detail": json.dumps(self.detail),
        }
        if time is not None:
            entry["Time"] = time
        return entry


SAMPLE_EVENTS: tuple[EventEntry, ...] = (
    EventEntry(
        "orders",
        "OrderCreated",
        {"orderId": "o-1", "total": 250, "region": "eu-west-1", "coupon": "SPRING"},
        "EU order 250, coupon",
    ),
    EventEntry(
        "orders", "OrderCreated", {"orderId": "o-2", "total": 40, "region": "us-east-1"}, "US order 40"
    ),
    EventEntry(
        "orders",
        "OrderCreated",
        {"orderId": "o-3", "total": "250", "region": "us-east-1"},
        'total "250" (a string)',
    ),
    EventEntry("inventory", "InventoryReserved", {"orderId": "o-1", "sku": "prod_789"}, "stock reserved"),
    EventEntry("orders", "OrderFulfilled", {"orderId": "o-1"}, "order fulfilled"),
    EventEntry("payments", "PaymentFailed", {"orderId": "o-2", "reason": "card declined"}, "payment failed"),
    EventEntry("orders", "PaymentFailed", {"orderId": "o-4"}, "PaymentFailed from orders"),
    EventEntry("test", "OrderCreated", {"orderId": "t-1", "total": 5000}, "test order 5000"),
)


def consumers_of(rules: Sequence[Rule]) -> list[str]:
    """The consumer functions of ``rules``, in order, each once."""
    return list(dict.fromkeys(rule.consumer for rule in rules))


def parse_event_text(text: str) -> EventEntry:
    """An event typed by a person: ``{"source": ..., "detail-type": ..., "detail": {...}}``.

    ``DetailType``/``Source``/``Detail`` (PutEvents' spelling) are accepted too. Raises
    :class:`InvalidEventError` with a message that says what is wrong (never a traceback to read).
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidEventError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(value, dict):
        raise InvalidEventError(f"the event must be a JSON object, got {type(value).__name__}")
    source = value.get("source", value.get("Source"))
    detail_type = value.get("detail-type", value.get("DetailType"))
    detail = value.get("detail", value.get("Detail", {}))
    problems = []
    if not isinstance(source, str) or not source:
        problems.append('"source" must be a non-empty string')
    if not isinstance(detail_type, str) or not detail_type:
        problems.append('"detail-type" must be a non-empty string')
    if not isinstance(detail, dict):
        problems.append('"detail" must be a JSON object')
    if problems or not isinstance(detail, dict):
        raise InvalidEventError("; ".join(problems))
    return EventEntry(str(source), str(detail_type), dict(detail), "edited")


_STRING_OPERATORS = ("prefix", "suffix", "equals-ignore-case", "wildcard", "cidr")
_NUMERIC_COMPARISONS = ("<", "<=", "=", ">=", ">")


def pattern_problems(pattern: Any, path: str = "") -> list[str]:
    """What AWS's ``PutRule`` would refuse in ``pattern`` (an ``InvalidEventPatternException``): a field
    that is neither an object nor a non-empty array, an unknown operator, an operand of the wrong type.

    moto accepts all of these, and matches an unknown operator as if it were true: this check stands in
    for AWS's validation, not for its matching (which stays EventBridge's job).
    """
    if not isinstance(pattern, dict):
        return [f"{path or 'the pattern'} must be a JSON object"]
    problems: list[str] = []
    for key, value in pattern.items():
        here = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                problems.append(f"{here} must be an array of at least two patterns")
            else:
                for n, branch in enumerate(value):
                    problems += pattern_problems(branch, f"{path}$or[{n}]")
        elif isinstance(value, dict):
            problems += pattern_problems(value, here)
        elif not isinstance(value, list) or not value:
            problems.append(f"{here} must be an object or a non-empty array")
        else:
            for matcher in value:
                problems += _matcher_problems(matcher, here)
    return problems


def _matcher_problems(matcher: Any, here: str) -> list[str]:
    if matcher is None or isinstance(matcher, str | int | float | bool):
        return []
    if not isinstance(matcher, dict) or len(matcher) != 1:
        return [f"{here}: {json.dumps(matcher)} is not a value or a one-key operator object"]
    ((operator, operand),) = matcher.items()
    if operator in _STRING_OPERATORS:
        ok = isinstance(operand, str) or (
            operator in ("prefix", "suffix")
            and isinstance(operand, dict)
            and set(operand) == {"equals-ignore-case"}
        )
        return [] if ok else [f"{here}: {operator} takes a string, got {json.dumps(operand)}"]
    if operator == "exists":
        return (
            []
            if isinstance(operand, bool)
            else [f"{here}: exists takes true or false, got {json.dumps(operand)}"]
        )
    if operator == "numeric":
        pairs = operand if isinstance(operand, list) else []
        ok = (
            len(pairs) in (2, 4)
            and all(op in _NUMERIC_COMPARISONS for op in pairs[::2])
            and all(isinstance(n, int | float) and not isinstance(n, bool) for n in pairs[1::2])
        )
        return (
            []
            if ok
            else [
                f"{here}: numeric takes [op, number] or [op, number, op, number], got {json.dumps(operand)}"
            ]
        )
    if operator == "anything-but":
        if isinstance(operand, list):
            ok = bool(operand) and all(isinstance(v, str | int | float) for v in operand)
        elif isinstance(operand, dict):
            ok = len(operand) == 1 and next(iter(operand)) in (
                "prefix",
                "suffix",
                "equals-ignore-case",
                "wildcard",
            )
        else:
            ok = isinstance(operand, str | int | float)
        return [] if ok else [f"{here}: anything-but cannot take {json.dumps(operand)}"]
    return [f"{here}: unknown operator {operator!r}"]


# ---- seed 002's pipeline: a CSV of orders -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Order:
    """One line of an uploaded orders CSV."""

    order_id: str
    customer: str
    total: Decimal

    def item(self, upload_key: str) -> dict[str, Any]:
        """The DynamoDB item (resource-style values) for this order."""
        return {
            "orderId": self.order_id,
            "customer": self.customer,
            "total": self.total,
            "upload": upload_key,
        }


ORDER_COLUMNS = ("order_id", "customer", "total")


def parse_orders_csv(text: str) -> list[Order]:
    """Parse ``order_id,customer,total`` lines (with that header); raise on a malformed file."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != ORDER_COLUMNS:
        raise MalformedOrdersError(f"expected the header {','.join(ORDER_COLUMNS)}, got {reader.fieldnames}")
    orders = []
    for line, row in enumerate(reader, start=2):
        try:
            total = Decimal(row["total"])
        except (InvalidOperation, TypeError):
            raise MalformedOrdersError(f"line {line}: total {row['total']!r} is not a number") from None
        if not row["order_id"] or total < 0:
            raise MalformedOrdersError(f"line {line}: an order needs an id and a total >= 0, got {row}")
        orders.append(Order(row["order_id"], row["customer"], total))
    return orders


def summarise_upload(key: str, orders: Sequence[Order]) -> dict[str, Any]:
    """The SNS message the processor publishes for one upload."""
    return {
        "key": key,
        "status": "processed",
        "orders": len(orders),
        "total": str(sum((order.total for order in orders), Decimal(0))),
    }


# ---- the failing consumer ----------------------------------------------------------------------


def invoice_for(detail: Mapping[str, Any], *, buggy: bool) -> dict[str, Any]:
    """The invoice of an OrderCreated detail. The buggy version reads ``amount`` (the field is ``total``)."""
    total = detail["amount"] if buggy else detail["total"]
    return {"orderId": str(detail["orderId"]), "total": Decimal(str(total))}


# ---- seed 000: Azure Functions + Service Bus + Cosmos DB, on AWS ---------------------------------


@dataclass(frozen=True, slots=True)
class Mapping000:
    """One piece of seed 000's Azure example and what the lab uses for it on AWS."""

    azure: str
    aws: str
    note: str


AZURE_TO_AWS: tuple[Mapping000, ...] = (
    Mapping000("Azure Function, HTTP trigger", "Lambda behind API Gateway", "accept_order handler"),
    Mapping000("Service Bus queue order-processing", "SQS FIFO queue", "one queue, ordered per order"),
    Mapping000(
        "Service Bus topic + subscriptions",
        "SNS topic + filter policies, or EventBridge rules",
        "route by type",
    ),
    Mapping000("Service Bus trigger (inventoryCheck)", "SQS event source mapping", "not run here"),
    Mapping000("Cosmos DB container pending-orders", "DynamoDB table", "one item per order id"),
    Mapping000(
        "messageId duplicate detection",
        "SQS FIFO MessageDeduplicationId",
        f"{limits.SQS_FIFO_DEDUPLICATION_WINDOW_S} s window",
    ),
    Mapping000("correlationId", "MessageGroupId + a correlation attribute", "order of one order's messages"),
    Mapping000("timeToLive 24 h", "MessageRetentionPeriod 86,400 s", "queue attribute, not per message"),
)

WORKFLOW_STEPS = ("inventory.check", "payment.process", "fulfillment.prepare")


def order_id_for(idempotency_key: str) -> str:
    """A stable order id from the client's idempotency key: a retried request gets the same id.

    Seed 000's ``generateOrderId()`` uses the time and a random number, so a retried request makes a
    new id, new ``messageId`` values, and duplicate detection has nothing to detect.
    """
    return "order_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class WorkflowMessage:
    """One of the three messages seed 000 sends per order."""

    event_type: str
    data: dict[str, Any] = field(default_factory=dict)

    def deduplication_id(self, order_id: str) -> str:
        return f"{order_id}-{self.event_type}"


def workflow_messages(order_id: str, order: Mapping[str, Any]) -> list[WorkflowMessage]:
    """Seed 000's workflow events for one stored order."""
    return [
        WorkflowMessage("inventory.check", {"orderId": order_id, "items": list(order.get("items", []))}),
        WorkflowMessage(
            "payment.process",
            {"orderId": order_id, "amount": order.get("total"), "paymentMethod": order.get("paymentMethod")},
        ),
        WorkflowMessage(
            "fulfillment.prepare",
            {
                "orderId": order_id,
                "shippingAddress": order.get("shippingAddress"),
                "priority": order.get("priority") or "standard",
            },
        ),
    ]
