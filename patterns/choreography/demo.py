"""The demonstration: seed 001's flow composed by EventBridge events and by Lambda invoking Lambda,
measured side by side from the runtime's reports; a duplicate delivery and its fix; event contracts and
a breaking change. Every number printed comes from the run.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from matplotlib.figure import Figure

from patterns.choreography.adapters import Flow, StepStore, deploy_flow, drain_queue, table_items
from patterns.choreography.contracts import PAYMENT_PROCESSED_V2, SCHEMAS, breaking_changes
from patterns.choreography.service import (
    MAX_STEPS,
    MIN_STEPS,
    Composition,
    FlowBill,
    bill,
    caller_waiting_ms,
    chain_wiring,
    end_to_end_ms,
    wiring_changes,
)
from patterns.lab.capabilities import Capability
from patterns.lab.display import count_axis, table
from patterns.lab.events import api_gateway_rest_event, eventbridge_event
from patterns.lab.sandbox import Sandbox

__all__ = [
    "COMPARISON_FORMATS",
    "DEMO_NEEDS",
    "PREFIXES",
    "BreakingChange",
    "Comparison",
    "DuplicateDelivery",
    "FlowRun",
    "breaking_change",
    "compare",
    "comparison_table",
    "compositions",
    "demo_order",
    "duplicate_delivery",
    "main",
    "place_order",
    "plot_comparison",
    "step_sweep",
]

DEMO_NEEDS: tuple[Capability, ...] = (Capability.PUSH_DELIVERIES,)

PREFIXES: dict[Composition, str] = {"events": "ev", "invoke": "rr"}


def _settle(sandbox: Sandbox, async_before: int) -> None:
    """Run the bus's deliveries, moving virtual time only to the async retries still pending (a run
    that advanced a fixed 10 minutes would also let every idle environment expire)."""
    sandbox.settle()
    pending = sandbox.lambdas.async_invocations[async_before:]
    while any(p.outcome == "pending" for p in pending) and (due := sandbox.clock.next_due()) is not None:
        sandbox.advance(max(0.0, due - sandbox.clock.elapsed))
        pending = sandbox.lambdas.async_invocations[async_before:]


def demo_order(order_id: str | None = None) -> dict[str, Any]:
    """An order as the API receives it (a fresh id unless one is given)."""
    return {
        "order_id": order_id or f"o-{uuid.uuid4().hex[:8]}",
        "email": "ada@example.com",
        "items": [{"sku": "book", "quantity": 2}, {"sku": "lamp", "quantity": 1}],
        "total_cents": 5997,
        "payment_token": "tok_visa",
    }


@dataclass(frozen=True)
class FlowRun:
    """One order through one composition: what the caller saw, what the flow did, what it billed."""

    composition: Composition
    steps: int
    failing_step: str | None
    order_id: str
    correlation_id: str
    status_code: int
    caller_ms: float
    end_to_end_ms: float
    bill: FlowBill
    emails: int
    charged: bool
    fulfilled: bool
    failed_events: int
    trail: tuple[str, ...]
    error_types: tuple[str, ...]


def place_order(sandbox: Sandbox, flow: Flow, order: dict[str, Any] | None = None) -> FlowRun:
    """POST one order to ``validate`` as API Gateway would; let the flow finish; collect what happened."""
    order = order or demo_order()
    correlation_id = f"corr-{uuid.uuid4().hex[:10]}"
    runtime = sandbox.lambdas
    before, async_before = len(runtime.reports), len(runtime.async_invocations)
    request = api_gateway_rest_event(
        "POST", "/orders", body=json.dumps(order), headers={"x-correlation-id": correlation_id}
    )
    answer = runtime.invoke(flow.function("validate"), request)
    if flow.composition == "events":
        _settle(sandbox, async_before)
    reports = [r for r in runtime.reports[before:] if r.function_name.startswith(f"{flow.prefix}-")]
    validate_reports = [r for r in reports if r.function_name == flow.function("validate")]
    caller_ms = sum(r.duration_ms + (r.init_ms or 0.0) for r in validate_reports)
    status = int(answer.payload.get("statusCode", 502)) if answer.ok else 502  # API Gateway's answer
    trail: tuple[str, ...] = ()
    if flow.composition == "events":  # what each step published, from the handlers' own answers
        published = [{"published": flow.steps[0].emits}] * (status == 202) + [
            attempt.payload
            for pending in runtime.async_invocations[async_before:]
            if pending.function_name.startswith(f"{flow.prefix}-")
            for attempt in pending.attempts
            if attempt.ok
        ]
        trail = tuple(str(p["published"]) for p in published if isinstance(p, dict) and "published" in p)
    emails = [m for m in drain_queue(sandbox, flow.email_queue_url) if m["order_id"] == order["order_id"]]
    failed = drain_queue(sandbox, flow.failed_queue_url)
    waiting = caller_waiting_ms(flow.steps, reports, flow.prefix) if flow.composition == "invoke" else 0.0
    client = sandbox.client("dynamodb")
    return FlowRun(
        composition=flow.composition,
        steps=len(flow.steps),
        failing_step=flow.failing_step,
        order_id=order["order_id"],
        correlation_id=correlation_id,
        status_code=status,
        caller_ms=caller_ms,
        end_to_end_ms=end_to_end_ms(reports, flow.composition),
        bill=bill(reports, events=len(trail), waiting_ms=waiting),
        emails=len(emails),
        charged=StepStore(flow.tables["payment"], client).get(order["order_id"]) is not None,
        fulfilled=StepStore(flow.tables["fulfil"], client).get(order["order_id"]) is not None,
        failed_events=len(failed),
        trail=trail,
        error_types=tuple(r.error_type or "error" for r in reports if r.status != "success"),
    )


@dataclass(frozen=True)
class Comparison:
    """Mean figures of ``orders`` warm orders through one composition (a warm-up order is not counted)."""

    composition: Composition
    steps: int
    failing_step: str | None
    orders: int
    status_code: int
    caller_ms: float
    end_to_end_ms: float
    invocations: float
    billed_ms: float
    waiting_ms: float
    gb_s: float
    usd_per_million: float
    emails: float
    charged: bool
    fulfilled: bool
    failed_events: float

    @property
    def waiting_gb_s(self) -> float:
        """The part of :attr:`gb_s` billed while callers waited for their callees."""
        return self.gb_s * self.waiting_ms / self.billed_ms if self.billed_ms else 0.0


def _summary(runs: Sequence[FlowRun]) -> Comparison:
    first = runs[0]
    return Comparison(
        composition=first.composition,
        steps=first.steps,
        failing_step=first.failing_step,
        orders=len(runs),
        status_code=first.status_code,
        caller_ms=fmean(r.caller_ms for r in runs),
        end_to_end_ms=fmean(r.end_to_end_ms for r in runs),
        invocations=fmean(r.bill.invocations for r in runs),
        billed_ms=fmean(r.bill.billed_ms for r in runs),
        waiting_ms=fmean(r.bill.waiting_ms for r in runs),
        gb_s=fmean(r.bill.gb_s for r in runs),
        usd_per_million=fmean(r.bill.total_usd for r in runs) * 1_000_000,
        emails=fmean(r.emails for r in runs),
        charged=all(r.charged for r in runs),
        fulfilled=all(r.fulfilled for r in runs),
        failed_events=fmean(r.failed_events for r in runs),
    )


def compositions(sandbox: Sandbox) -> tuple[Composition, ...]:
    """The compositions this backend can run: the bus's deliveries to Lambda need push deliveries."""
    if sandbox.supports(Capability.PUSH_DELIVERIES):
        return ("events", "invoke")
    return ("invoke",)


def compare(
    sandbox: Sandbox,
    *,
    steps: int = MIN_STEPS,
    failing_step: str | None = None,
    orders: int = 3,
    styles: Sequence[Composition] | None = None,
) -> list[Comparison]:
    """Deploy both compositions, warm them with one order, then run ``orders`` orders through each."""
    results = []
    for composition in styles or compositions(sandbox):
        flow = deploy_flow(
            sandbox, PREFIXES[composition], composition, steps=steps, failing_step=failing_step
        )
        place_order(sandbox, flow)  # warm-up: cold starts are another pattern's subject
        results.append(_summary([place_order(sandbox, flow) for _ in range(orders)]))
    return results


def step_sweep(
    sandbox: Sandbox,
    steps: Sequence[int] = tuple(range(MIN_STEPS, MAX_STEPS + 1)),
    orders: int = 2,
    styles: Sequence[Composition] | None = None,
) -> list[Comparison]:
    """:func:`compare` for each chain length: what adding a step costs each composition."""
    return [row for count in steps for row in compare(sandbox, steps=count, orders=orders, styles=styles)]


@dataclass(frozen=True)
class DuplicateDelivery:
    """One PaymentProcessed event delivered ``deliveries`` times to a fulfil function."""

    handler: str
    deliveries: int
    concurrent: bool
    outcomes: tuple[str, ...]
    emails: int
    fulfilment_records: int


def duplicate_delivery(
    sandbox: Sandbox, handler: str = "fulfil", *, deliveries: int = 2, concurrent: bool = False
) -> DuplicateDelivery:
    """Deliver the same ``PaymentProcessed`` (same event id) ``deliveries`` times to ``handler``.

    EventBridge delivers at least once, so a consumer sees a repeat now and then; here the lab hands
    the one event to the function twice (or at the same moment from several threads).
    """
    prefix = f"dup-{handler.replace('_', '')}"
    flow = deploy_flow(sandbox, prefix, "invoke", fulfil_handler=handler)
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    event = eventbridge_event(
        {
            "correlation_id": f"corr-{uuid.uuid4().hex[:10]}",
            "order_id": order_id,
            "payment_id": "pay-1",
            "amount_cents": 5997,
            "email": "ada@example.com",
        },
        source="lab.orders",
        detail_type="PaymentProcessed",
    )

    def deliver(_: int) -> str:
        result = sandbox.lambdas.invoke(flow.function("fulfil"), event, invocation_type="Event")
        return str(result.payload.get("outcome") if result.ok else result.payload.get("errorType"))

    if concurrent:
        with ThreadPoolExecutor(deliveries) as pool:
            outcomes = tuple(pool.map(deliver, range(deliveries)))
    else:
        outcomes = tuple(deliver(i) for i in range(deliveries))
    emails = [m for m in drain_queue(sandbox, flow.email_queue_url) if m["order_id"] == order_id]
    records = [
        i
        for i in table_items(sandbox, [flow.tables["fulfil"]])[flow.tables["fulfil"]]
        if i["order_id"] == order_id
    ]
    return DuplicateDelivery(
        handler, deliveries, concurrent, tuple(sorted(outcomes)), len(emails), len(records)
    )


@dataclass(frozen=True)
class BreakingChange:
    """Payment v2 publishes PaymentProcessed in a new shape; who notices, and where the event ends up."""

    check_contracts: bool
    payment_attempts: int
    payment_errors: tuple[str, ...]
    fulfil_attempts: int
    fulfil_errors: tuple[str, ...]
    emails: int
    parked: tuple[str, ...]
    first_problem: str


def breaking_change(sandbox: Sandbox, *, check_contracts: bool) -> BreakingChange:
    """Deploy payment v2 (camelCase ``orderId``, ``amount`` as a string) and place one order."""
    prefix = "v2c" if check_contracts else "v2n"
    flow = deploy_flow(sandbox, prefix, "events", check_contracts=check_contracts, payment_event_version=2)
    run_before = len(sandbox.lambdas.reports)
    run = place_order(sandbox, flow)
    reports = sandbox.lambdas.reports[run_before:]
    payment = [r for r in reports if r.function_name == flow.function("payment")]
    fulfil = [r for r in reports if r.function_name == flow.function("fulfil")]
    failed = [
        pending
        for pending in sandbox.lambdas.async_invocations
        if pending.function_name.startswith(f"{prefix}-") and pending.outcome == "failed"
    ]
    first: dict[str, Any] = next((p.attempts[-1].payload for p in failed), {})
    return BreakingChange(
        check_contracts=check_contracts,
        payment_attempts=len(payment),
        payment_errors=tuple(sorted({r.error_type or "" for r in payment if r.status != "success"})),
        fulfil_attempts=len(fulfil),
        fulfil_errors=tuple(sorted({r.error_type or "" for r in fulfil if r.status != "success"})),
        emails=run.emails,
        parked=tuple(sorted(p.function_name for p in failed)),
        first_problem=str(first.get("errorMessage", ""))[:160],
    )


def plot_comparison(rows: Sequence[Comparison]) -> Figure:
    """Billed GB-s per order (work and waiting stacked) and the caller's response time, by chain length."""
    figure = Figure(figsize=(9.0, 3.6), layout="constrained")
    billed, response = figure.subplots(1, 2)
    steps = sorted({row.steps for row in rows})
    width = 0.38
    for offset, composition, colour in ((-width / 2, "events", "#1f77b4"), (width / 2, "invoke", "#d62728")):
        mine = {row.steps: row for row in rows if row.composition == composition}
        if not mine:
            continue
        xs = [s + offset for s in steps if s in mine]
        work = [mine[s].gb_s - mine[s].waiting_gb_s for s in steps if s in mine]
        waiting = [mine[s].waiting_gb_s for s in steps if s in mine]
        billed.bar(xs, work, width, color=colour, label=f"{composition}: work")
        if any(waiting):  # by events nobody waits: no empty legend entry
            billed.bar(
                xs,
                waiting,
                width,
                bottom=work,
                color=colour,
                alpha=0.35,
                hatch="//",
                label=f"{composition}: waiting",
            )
        response.plot(
            [s for s in steps if s in mine],
            [mine[s].caller_ms for s in steps if s in mine],
            marker="o",
            color=colour,
            label=composition,
        )
    billed.set(title="Billed GB-s per order", xlabel="steps in the chain", ylabel="GB-s")
    response.set(title="Caller's response time", xlabel="steps in the chain", ylabel="milliseconds")
    for axes in (billed, response):
        count_axis(axes.xaxis)
        pad = 0.6 if len(steps) > 1 else 1.0  # integer ticks need two whole numbers in view
        axes.set_xlim(min(steps) - pad, max(steps) + pad)
    billed.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    response.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    response.set_ylim(bottom=0)
    return figure


def _comparison_rows(rows: Sequence[Comparison]) -> list[dict[str, Any]]:
    return [
        {
            "composition": row.composition,
            "steps": row.steps,
            "failing": row.failing_step or "-",
            "caller gets": row.status_code,
            "caller ms": row.caller_ms,
            "end-to-end ms": row.end_to_end_ms,
            "invocations": row.invocations,
            "billed ms": row.billed_ms,
            "waiting ms": row.waiting_ms,
            "GB-s": row.gb_s,
            "$ per 1M orders": row.usd_per_million,
            "charged": row.charged,
            "fulfilled": row.fulfilled,
            "emails": row.emails,
            "parked": row.failed_events,
        }
        for row in rows
    ]


COMPARISON_FORMATS = {
    "caller ms": ".1f",
    "end-to-end ms": ".1f",
    "invocations": ".1f",
    "billed ms": ".1f",
    "waiting ms": ".1f",
    "GB-s": ".5f",
    "$ per 1M orders": ".2f",
    "emails": ".1f",
    "parked": ".1f",
}


def comparison_table(rows: Sequence[Comparison]) -> Any:
    """The comparison as a :class:`patterns.lab.display.Table`."""
    return table(_comparison_rows(rows), formats=COMPARISON_FORMATS)


def main() -> int:
    """Run the whole demonstration against the configured backend and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    started = time.perf_counter()
    with aws_sandbox() as sandbox:
        print(f"Backend: {sandbox.backend.describe()}")
        by_events = not sandbox.unavailable(
            Capability.PUSH_DELIVERIES,
            "the composition by events (the bus delivering to payment and fulfil) and its breaking change",
        )
        styles: tuple[Composition, ...] = ("events", "invoke") if by_events else ("invoke",)
        print("\n1. One order, composed by events and by Lambda invoking Lambda (mean of 3 warm orders)")
        happy = compare(sandbox, orders=3, styles=styles)
        print(comparison_table(happy).indented())
        for row in happy:
            print(
                f"   {row.composition}: {row.waiting_ms:.1f} ms of {row.billed_ms:.1f} billed ms were spent "
                f"waiting for a callee ({100 * row.waiting_ms / row.billed_ms:.0f}%)"
            )
        if by_events:
            flow = deploy_flow(sandbox, PREFIXES["events"], "events")
            run = place_order(sandbox, flow)
            print(f"   events: trail of {run.correlation_id}: {' -> '.join(run.trail)}")
            items = table_items(sandbox, flow.tables)
            tagged = sum(
                1
                for records in items.values()
                for item in records
                if item.get("correlation_id") == run.correlation_id
            )
            print(
                f"   events: {tagged} of {len(flow.tables)} tables hold a record tagged {run.correlation_id}"
            )

        print("\n2. A failing step: payment's provider is down, then fulfil's")
        failing = compare(sandbox, failing_step="payment", orders=1, styles=styles)
        failing += compare(sandbox, failing_step="fulfil", orders=1, styles=styles)
        print(comparison_table(failing).indented())

        print("\n3. Adding steps (fraud check, stock, discount, courier) before payment")
        sweep = step_sweep(sandbox, orders=1, styles=styles)
        print(comparison_table(sweep).indented())
        for composition in ("invoke", "events"):
            change = wiring_changes(chain_wiring(3, composition), chain_wiring(4, composition))
            print(
                f"   {composition}: adding fraud-check changes {change['changed']} and adds {change['added']}"
            )

        print("\n4. A duplicated PaymentProcessed (EventBridge delivers at least once)")
        duplicates = [
            duplicate_delivery(sandbox, "fulfil"),
            duplicate_delivery(sandbox, "fulfil_once"),
            duplicate_delivery(sandbox, "fulfil", deliveries=8, concurrent=True),
            duplicate_delivery(sandbox, "fulfil_once", deliveries=8, concurrent=True),
        ]
        print(table(duplicates).indented())

        print("\n5. Event contracts: payment v2 renames order_id to orderId and sends amount as a string")
        for problem in breaking_changes(SCHEMAS["PaymentProcessed"], PAYMENT_PROCESSED_V2):
            print(f"   breaking: {problem}")
        if by_events:
            changes = [
                breaking_change(sandbox, check_contracts=False),
                breaking_change(sandbox, check_contracts=True),
            ]
            print(table(changes).indented())
    print(f"\nDone in {time.perf_counter() - started:.1f} s of real time.")
    return 0
