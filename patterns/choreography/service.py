"""The flow's pure logic: the order, the chain of steps, the events each step emits, and the bill.

No boto3 here. The handlers (:mod:`patterns.choreography.handlers`) parse and delegate to these
functions and to the adapters; the demonstration prices what the runtime reported with them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from patterns.choreography.contracts import ORDER_EVENT_TYPES, ORDER_REQUEST_SCHEMA, problems_with
from patterns.choreography.exceptions import InvalidOrderError
from patterns.lab import pricing
from patterns.lab.lambda_runtime import InvocationReport

__all__ = [
    "EXTRA_STEPS",
    "MAX_STEPS",
    "MIN_STEPS",
    "SOURCE",
    "WORK_MS",
    "Composition",
    "FlowBill",
    "Step",
    "bill",
    "caller_waiting_ms",
    "chain",
    "chain_wiring",
    "confirmation_message",
    "end_to_end_ms",
    "order_detail",
    "parse_order",
    "payment_detail",
    "wiring_changes",
]

Composition = Literal["events", "invoke"]
SOURCE = "lab.orders"
"""The ``source`` of every event the flow publishes (rules match on it)."""


@dataclass(frozen=True)
class Step:
    """One function of the flow: its name, its handler, the event it reacts to and the one it emits."""

    name: str
    handler: str
    consumes: str | None
    emits: str


# Steps one can add between validate and payment: (name, the event it emits). Each does its own work
# on its own table and passes the order on.
EXTRA_STEPS: tuple[tuple[str, str], ...] = (
    ("fraud-check", ORDER_EVENT_TYPES[1]),
    ("reserve-stock", ORDER_EVENT_TYPES[2]),
    ("apply-discount", ORDER_EVENT_TYPES[3]),
    ("book-courier", ORDER_EVENT_TYPES[4]),
)
MIN_STEPS = 3
MAX_STEPS = MIN_STEPS + len(EXTRA_STEPS)

WORK_MS: dict[str, float] = {
    "validate": 0.0,
    "work_step": 5.0,
    "payment": 25.0,
    "fulfil_once": 10.0,
    "fulfil": 10.0,
}
"""Modelled time each handler spends on its provider (seed 001's ``stripe.charges.create``, the email
service), slept for real inside the handler so the runtime's reports include it. These are scenario
settings, not AWS figures: a real payment API takes longer."""


def chain(steps: int = MIN_STEPS) -> tuple[Step, ...]:
    """Seed 001's flow validate -> payment -> fulfil, with ``steps - 3`` extra steps before payment."""
    if not MIN_STEPS <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be {MIN_STEPS}-{MAX_STEPS}, got {steps}")
    flow = [Step("validate", "validate", None, "OrderValidated")]
    for name, emits in EXTRA_STEPS[: steps - MIN_STEPS]:
        flow.append(Step(name, "work_step", flow[-1].emits, emits))
    flow.append(Step("payment", "payment", flow[-1].emits, "PaymentProcessed"))
    flow.append(Step("fulfil", "fulfil_once", "PaymentProcessed", "OrderFulfilled"))
    return tuple(flow)


def chain_wiring(steps: int, composition: Composition) -> dict[str, str]:
    """Who knows whom: for each function its downstream (invoke) or its rule's trigger (events).

    ``{"function:payment": "calls fulfil"}`` in the synchronous chain; ``{"rule:payment": "on
    OrderValidated"}`` by events. Comparing two chains' wiring shows what adding a step changes.
    """
    flow = chain(steps)
    if composition == "invoke":
        return {
            f"function:{step.name}": f"calls {after.name}" if after else "calls nothing"
            for step, after in zip(flow, (*flow[1:], None), strict=True)
        }
    return {f"rule:{step.name}": f"on {step.consumes}" for step in flow if step.consumes}


def wiring_changes(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    """Existing parts whose wiring changed, and parts that are new, between two wirings."""
    return {
        "changed": sorted(k for k in before if k in after and before[k] != after[k]),
        "added": sorted(k for k in after if k not in before),
        "removed": sorted(k for k in before if k not in after),
    }


def parse_order(body: str | None) -> dict[str, Any]:
    """The order in an API request body; :class:`InvalidOrderError` lists every problem."""
    if body is None or not body.strip():
        raise InvalidOrderError(["the request has no body"])
    try:
        order = json.loads(body)
    except json.JSONDecodeError as error:
        raise InvalidOrderError([f"the body is not valid JSON: {error.msg}"]) from None
    problems = problems_with(ORDER_REQUEST_SCHEMA, order)
    if problems:
        raise InvalidOrderError(problems)
    if sum(item["quantity"] for item in order["items"]) > 100:
        raise InvalidOrderError(["items: at most 100 units per order"])
    assert isinstance(order, dict)
    return order


def order_detail(order: Mapping[str, Any], correlation_id: str) -> dict[str, Any]:
    """The detail of ``OrderValidated`` (and of the extra steps' events): the order and its correlation id."""
    return {"correlation_id": correlation_id, **{k: order[k] for k in ORDER_REQUEST_SCHEMA["required"]}}


def payment_detail(order: Mapping[str, Any], payment_id: str, version: int = 1) -> dict[str, Any]:
    """The detail of ``PaymentProcessed``; ``version=2`` is the demonstration's breaking refactoring."""
    if version == 1:
        return {
            "correlation_id": order["correlation_id"],
            "order_id": order["order_id"],
            "payment_id": payment_id,
            "amount_cents": order["total_cents"],
            "email": order["email"],
        }
    if version == 2:
        cents = int(order["total_cents"])
        return {
            "correlation_id": order["correlation_id"],
            "orderId": order["order_id"],
            "payment_id": payment_id,
            "amount": f"{cents // 100}.{cents % 100:02d}",
            "email": order["email"],
        }
    raise ValueError(f"PaymentProcessed has versions 1 and 2, got {version!r}")


def confirmation_message(payment: Mapping[str, Any]) -> dict[str, Any]:
    """The confirmation email ``fulfil`` sends (to the email service's queue)."""
    return {
        "to": payment["email"],
        "subject": f"Order {payment['order_id']} is on its way",
        "order_id": payment["order_id"],
        "payment_id": payment["payment_id"],
        "correlation_id": payment["correlation_id"],
    }


def _total_ms(report: InvocationReport) -> float:
    return report.duration_ms + (report.init_ms or 0.0)


def caller_waiting_ms(flow: Sequence[Step], reports: Sequence[InvocationReport], prefix: str) -> float:
    """Milliseconds the synchronous chain's callers were billed while waiting for the function they called.

    Each caller's duration contains its callee's whole invocation (init included): the callee is billed
    for it, and so is every caller above it. ``reports`` are one order's; ``prefix`` names the functions.
    """
    by_name = {report.function_name: report for report in reports}
    waiting = 0.0
    for caller, callee in itertools.pairwise(flow):
        report = by_name.get(f"{prefix}-{callee.name}")
        if f"{prefix}-{caller.name}" in by_name and report is not None:
            waiting += _total_ms(report)
    return waiting


def end_to_end_ms(reports: Sequence[InvocationReport], composition: Composition) -> float:
    """From the request reaching ``validate`` to the last function's end, on the virtual clock.

    Synchronous chain: the first (outermost) invocation's duration contains all the others. By events:
    each delivery starts when the event was published, so the flow takes the virtual time between the
    first and last starts (retry delays) plus every invocation's own time, one after the other. The
    lab's bus delivers in the same virtual instant; on AWS each hop adds EventBridge's delivery latency.
    """
    if not reports:
        return 0.0
    if composition == "invoke":
        return _total_ms(reports[-1])  # the outermost caller finishes (and is recorded) last
    first = min(report.started_at for report in reports)
    last = max(report.started_at for report in reports)
    return (last - first).total_seconds() * 1000 + sum(_total_ms(report) for report in reports)


@dataclass(frozen=True)
class FlowBill:
    """What one order's flow billed: Lambda requests and GB-s (from the reports), EventBridge events."""

    invocations: int
    billed_ms: int
    gb_s: float
    waiting_ms: float
    lambda_usd: float
    events: int
    eventbridge_usd: float

    @property
    def total_usd(self) -> float:
        return self.lambda_usd + self.eventbridge_usd


def bill(reports: Sequence[InvocationReport], *, events: int = 0, waiting_ms: float = 0.0) -> FlowBill:
    """Price one order's invocations (list prices, no free tier) and the ``events`` it published."""
    return FlowBill(
        invocations=len(reports),
        billed_ms=sum(report.billed_ms for report in reports),
        gb_s=sum(pricing.gb_seconds(report.memory_mb, report.billed_ms) for report in reports),
        waiting_ms=waiting_ms,
        lambda_usd=sum(report.cost_usd for report in reports),
        events=events,
        eventbridge_usd=pricing.eventbridge_cost(events),
    )
