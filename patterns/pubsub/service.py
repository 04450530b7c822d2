"""The pub/sub pattern's logic, without boto3: order events, the subscribers' filter policies, what a
learner types into the widget, what subscribers do with an order, and the cost of a fan-out.

Which subscriber receives which message is never decided here: SNS decides it (moto, in the lab) from the
filter policies below, and the demonstration reads the queues to see what it decided.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from patterns.lab import pricing
from patterns.pubsub.exceptions import AccountingError, InvalidMessageError, InvalidOrderError

__all__ = [
    "EVENT_TYPES",
    "FRAUD_REVIEW_FROM_CENTS",
    "LATE_SUBSCRIBER",
    "SAMPLE_EVENTS",
    "SUBSCRIBERS",
    "CostPerMillion",
    "OrderEvent",
    "Receipt",
    "Reservation",
    "Subscriber",
    "check_books",
    "cost_per_million_publishes",
    "groups_in_order",
    "make_receipt",
    "parse_attributes",
    "parse_body",
    "publish_attributes",
    "reserve_stock",
]

EVENT_TYPES = ("OrderPlaced", "OrderCancelled", "OrderShipped")
Scope = Literal["MessageAttributes", "MessageBody"]


@dataclass(frozen=True)
class OrderEvent:
    """An event of the order service: what the publisher publishes, once, whoever listens."""

    event_type: str
    order_id: str
    total_cents: int
    country: str
    tier: str = "standard"
    email: str | None = None

    def body(self) -> dict[str, Any]:
        """The message body (JSON): the event type and the order, customer nested."""
        customer: dict[str, Any] = {"tier": self.tier}
        if self.email is not None:
            customer["email"] = self.email
        return {
            "type": self.event_type,
            "order": {
                "id": self.order_id,
                "total_cents": self.total_cents,
                "country": self.country,
                "customer": customer,
            },
        }

    def attributes(self) -> dict[str, str | int]:
        """The message attributes a filter policy of the MessageAttributes scope can match."""
        return {"event_type": self.event_type, "country": self.country, "total_cents": self.total_cents}


@dataclass(frozen=True)
class Subscriber:
    """A team's subscription: a queue (or function) name, its filter policy and scope, raw delivery."""

    name: str
    filter_policy: Mapping[str, Any] | None = None
    scope: Scope = "MessageAttributes"
    raw: bool = True

    def policy_text(self) -> str:
        """The policy as SNS stores it, or "(none: every message)"."""
        return json.dumps(self.filter_policy) if self.filter_policy else "(none: every message)"


FRAUD_REVIEW_FROM_CENTS = 100_000
"""Fraud review's body filter: placed orders of at least this total."""

SUBSCRIBERS: tuple[Subscriber, ...] = (
    Subscriber("billing", {"event_type": ["OrderPlaced", "OrderCancelled"]}),
    Subscriber("warehouse-eu", {"event_type": ["OrderPlaced"], "country": ["FR", "DE", "IT"]}),
    Subscriber(
        "fraud-review",
        {"type": ["OrderPlaced"], "order": {"total_cents": [{"numeric": [">=", FRAUD_REVIEW_FROM_CENTS]}]}},
        scope="MessageBody",
    ),
    Subscriber("audit", None, raw=False),
)
"""The teams subscribed from the start: attribute filters, a body filter, and an unfiltered audit trail
that keeps SNS's JSON envelope (no raw delivery)."""

LATE_SUBSCRIBER = Subscriber(
    "loyalty",
    {"type": ["OrderShipped"], "order": {"customer": {"tier": ["gold"]}}},
    scope="MessageBody",
)
"""The team that subscribes while the publisher is running."""

SAMPLE_EVENTS: tuple[OrderEvent, ...] = (
    OrderEvent("OrderPlaced", "o-1001", 4_250, "FR", email="ines@example.com"),
    OrderEvent("OrderPlaced", "o-1002", 129_900, "US", tier="gold", email="sam@example.com"),
    OrderEvent("OrderShipped", "o-1001", 4_250, "FR"),
    OrderEvent("OrderCancelled", "o-1002", 129_900, "US", tier="gold"),
    OrderEvent("OrderPlaced", "o-1003", 250_000, "DE", tier="gold", email="jonas@example.com"),
    OrderEvent("OrderShipped", "o-1003", 250_000, "DE", tier="gold"),
)


# --- What a learner types into the widget ---------------------------------------------------------
def parse_attributes(text: str) -> dict[str, dict[str, str]]:
    """Message attributes typed as a JSON object of plain values -> SNS ``MessageAttributes``.

    A string becomes ``String``, a number ``Number``, a list of strings ``String.Array``. Anything else
    raises :class:`InvalidMessageError` saying which attribute and why.
    """
    try:
        given = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as error:
        raise InvalidMessageError(
            f"attributes are not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}); "
            'write an object such as {"event_type": "OrderPlaced", "total_cents": 4250}'
        ) from None
    if not isinstance(given, dict):
        raise InvalidMessageError(
            f"attributes must be a JSON object of name: value, got a {type(given).__name__}"
        )
    return {str(name): _attribute(str(name), value) for name, value in given.items()}


def _attribute(name: str, value: object) -> dict[str, str]:
    if not name.strip():
        raise InvalidMessageError("an attribute name cannot be empty")
    if isinstance(value, bool) or value is None:
        raise InvalidMessageError(
            f"attribute {name!r} is {json.dumps(value)}: SNS attributes are strings, numbers or lists of "
            'strings (write "true" as a string if you mean one)'
        )
    if isinstance(value, str):
        if not value:
            raise InvalidMessageError(f"attribute {name!r} is an empty string: SNS refuses empty values")
        return {"DataType": "String", "StringValue": value}
    if isinstance(value, int | float):
        return {"DataType": "Number", "StringValue": json.dumps(value)}
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return {"DataType": "String.Array", "StringValue": json.dumps(value)}
    raise InvalidMessageError(
        f"attribute {name!r} is a {type(value).__name__}: use a string, a number or a list of strings"
    )


def parse_body(text: str) -> str:
    """The message body as typed: any non-empty text. A body filter (MessageBody scope) only ever
    matches a JSON object, so a body that is not one is published but reaches no such subscriber."""
    if not text.strip():
        raise InvalidMessageError("the body is empty: SNS refuses an empty message")
    return text


def publish_attributes(plain: Mapping[str, str | int | float | Sequence[str]]) -> dict[str, dict[str, str]]:
    """Plain attribute values -> SNS ``MessageAttributes`` (as :func:`parse_attributes` does for JSON)."""
    return {name: _attribute(name, list(v) if isinstance(v, tuple) else v) for name, v in plain.items()}


# --- What the subscribers do ----------------------------------------------------------------------
@dataclass(frozen=True)
class Reservation:
    """The warehouse's effect of an order: stock reserved for it."""

    order_id: str
    country: str
    total_cents: int


@dataclass(frozen=True)
class Receipt:
    """The receipts function's effect: an email to the customer."""

    order_id: str
    email: str


def _order(body: object) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("order"), dict):
        raise InvalidOrderError(f"the message is not an order event: {str(body)[:80]}")
    order: dict[str, Any] = body["order"]
    if not isinstance(order.get("id"), str) or not order["id"]:
        raise InvalidOrderError("the order has no id")
    return order


def reserve_stock(body: object) -> Reservation:
    """The warehouse subscriber: reserve stock for an order (country and a positive total required)."""
    order = _order(body)
    total = order.get("total_cents")
    if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
        raise InvalidOrderError(f"order {order['id']}: total_cents must be a positive integer, got {total!r}")
    if not isinstance(order.get("country"), str):
        raise InvalidOrderError(f"order {order['id']}: no country to ship to")
    return Reservation(order["id"], order["country"], total)


def make_receipt(body: object) -> Receipt:
    """The receipts subscriber: a receipt needs the customer's email."""
    order = _order(body)
    customer = order.get("customer")
    email = customer.get("email") if isinstance(customer, dict) else None
    if not isinstance(email, str) or "@" not in email:
        raise InvalidOrderError(f"order {order['id']}: no customer email to send the receipt to")
    return Receipt(order["id"], email)


def check_books(published: Iterable[str], processed: Iterable[str], dead_lettered: Iterable[str]) -> None:
    """Every published message id was processed or dead-lettered, and none both or twice."""
    sent, done, parked = list(published), list(processed), list(dead_lettered)
    seen = done + parked
    problems = []
    if missing := sorted(set(sent) - set(seen)):
        problems.append(f"lost {len(missing)}: {missing[:3]}")
    if repeated := sorted({m for m in seen if seen.count(m) > 1}):
        problems.append(f"counted twice {len(repeated)}: {repeated[:3]}")
    if strangers := sorted(set(seen) - set(sent)):
        problems.append(f"never published {len(strangers)}: {strangers[:3]}")
    if problems:
        raise AccountingError("; ".join(problems))


def groups_in_order(received: Sequence[tuple[str, int]]) -> bool:
    """True when, within every message group, the sequence numbers arrive in increasing order."""
    last: dict[str, int] = {}
    for group, sequence in received:
        if sequence <= last.get(group, -1):
            return False
        last[group] = sequence
    return True


# --- Cost ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CostPerMillion:
    """Dollars per million publishes, from counts of one run: SNS publishes, SNS-to-SQS deliveries
    (free), and the SQS requests the subscribers' consumers made."""

    subscribers: int
    receive_batch: int
    publishes: int
    deliveries: int
    sqs_requests: int
    sns_usd: float
    delivery_usd: float
    sqs_usd: float

    @property
    def total_usd(self) -> float:
        return self.sns_usd + self.delivery_usd + self.sqs_usd


def cost_per_million_publishes(
    *,
    subscribers: int,
    receive_batch: int,
    publishes: int,
    payload_bytes: int,
    deliveries: int,
    sqs_requests: int,
) -> CostPerMillion:
    """Scale one run's counts to a million publishes and price them with :mod:`patterns.lab.pricing`.

    SNS bills each publish (per started 64 KB chunk); deliveries to SQS are free (the price table's
    unconfirmed row); each SQS request of the consumers (receives that returned messages, deletes) is
    billed at the standard-queue price. No free tier.
    """
    if publishes <= 0:
        raise ValueError(f"publishes must be positive, got {publishes}")
    scale = 1_000_000 / publishes
    sns = pricing.sns_publish_cost(publishes, payload_bytes=payload_bytes) * scale
    delivery = pricing.sns_delivery_cost(deliveries) * scale
    sqs = pricing.sqs_cost(sqs_requests) * scale
    return CostPerMillion(subscribers, receive_batch, publishes, deliveries, sqs_requests, sns, delivery, sqs)
