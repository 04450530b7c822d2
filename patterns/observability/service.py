"""The observability pattern's logic, without boto3: orders and payments, correlation ids, following
one order through log lines, a trace laid out as a waterfall, and what logging costs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from patterns.lab import pricing
from patterns.observability.exceptions import InvalidOrderError, OrderNotTracedError

__all__ = [
    "CORRELATION_HEADER",
    "LogRecord",
    "Order",
    "PaymentDecision",
    "Span",
    "TraceHop",
    "correlation_id_of",
    "decide_payment",
    "follow_order",
    "logging_cost_per_million",
    "new_correlation_id",
    "parse_order",
    "structured",
    "waterfall",
]

CORRELATION_HEADER = "x-correlation-id"


@dataclass(frozen=True)
class Order:
    order_id: str
    amount_cents: int
    card: str


@dataclass(frozen=True)
class PaymentDecision:
    charged: bool
    reason: str


def new_correlation_id() -> str:
    return f"corr-{uuid.uuid4().hex[:12]}"


def correlation_id_of(event: Mapping[str, Any]) -> str | None:
    """The caller's correlation id: the ``x-correlation-id`` header (any case), else ``correlation_id``."""
    headers = event.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == CORRELATION_HEADER and value:
            return str(value)
    value = event.get("correlation_id")
    return str(value) if value else None


def parse_order(event: Mapping[str, Any]) -> Order:
    order_id, amount, card = event.get("order_id"), event.get("amount_cents"), event.get("card", "ok")
    if not isinstance(order_id, str) or not order_id:
        raise InvalidOrderError(f"order_id must be a non-empty string, got {order_id!r}")
    if type(amount) is not int or amount <= 0:
        raise InvalidOrderError(f"amount_cents must be a positive integer, got {amount!r}")
    return Order(order_id, amount, str(card))


def decide_payment(order: Order, limit_cents: int) -> PaymentDecision:
    """Charge the order unless the card is one the provider declines or the amount is over the limit."""
    if order.card == "declined":
        return PaymentDecision(False, "card declined by the provider")
    if order.amount_cents > limit_cents:
        return PaymentDecision(False, f"amount {order.amount_cents} over the limit {limit_cents}")
    return PaymentDecision(True, "charged")


@dataclass(frozen=True)
class LogRecord:
    """One structured log line, with the function whose log group it is in."""

    function_name: str
    fields: Mapping[str, Any]


def structured(function_name: str, message: str) -> LogRecord | None:
    """The JSON object a log line holds, or None (a platform line, plain text, an EMF document)."""
    try:
        fields = json.loads(message)
    except ValueError:
        return None
    if not isinstance(fields, dict) or "_aws" in fields:
        return None
    return LogRecord(function_name, fields)


def follow_order(records: Iterable[LogRecord], correlation_id: str) -> list[LogRecord]:
    """Every record that carries ``correlation_id``, in the order given (the query of the pattern)."""
    found = [record for record in records if record.fields.get("correlation_id") == correlation_id]
    if not found:
        raise OrderNotTracedError(f"no log line carries correlation_id {correlation_id!r}")
    return found


@dataclass(frozen=True)
class TraceHop:
    """One function's part of a trace: when it started on the virtual clock, and its measured times."""

    function_name: str
    virtual_start_s: float
    init_ms: float | None
    duration_ms: float


SpanKind = Literal["queue wait", "init", "handler"]


@dataclass(frozen=True)
class Span:
    row: str
    kind: SpanKind
    start_ms: float
    end_ms: float

    @property
    def ms(self) -> float:
        return self.end_ms - self.start_ms


def waterfall(hops: Sequence[TraceHop]) -> list[Span]:
    """Lay the hops out end to end: each starts after the previous one ended plus the virtual time it
    waited in between (a queue, a batching window); a cold start's init comes before its handler."""
    spans: list[Span] = []
    at = 0.0
    previous_start: float | None = None
    for hop in sorted(hops, key=lambda h: h.virtual_start_s):
        if previous_start is not None:
            wait_ms = (hop.virtual_start_s - previous_start) * 1000
            if wait_ms > 0:
                spans.append(Span(hop.function_name, "queue wait", at, at + wait_ms))
                at += wait_ms
        if hop.init_ms:
            spans.append(Span(hop.function_name, "init", at, at + hop.init_ms))
            at += hop.init_ms
        spans.append(Span(hop.function_name, "handler", at, at + hop.duration_ms))
        at += hop.duration_ms
        previous_start = hop.virtual_start_s
    return spans


def logging_cost_per_million(bytes_per_request: float) -> float:
    """USD of CloudWatch Logs ingestion for a million requests that each log ``bytes_per_request``."""
    return pricing.cloudwatch_logs_ingestion_cost(round(bytes_per_request * 1_000_000))
