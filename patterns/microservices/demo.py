"""The microservices demonstration: three services that own their data, each with its own API on the
lab's front door, talking by events; the orders service's copy of customers and how stale it gets; an
inventory outage the order API does not notice; a schema change that breaks only the shared-database
design; seed 000's Google Cloud microservice on AWS; coupling and cost of both designs, counted.

Every number printed is measured in the run (virtual time for waits, the lab's reports for Lambda, the
calls the functions made for the rest) or computed by :mod:`patterns.lab.pricing` from what was counted.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure

from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import category_ticks, count_axis
from patterns.lab.gateway import HttpResponse
from patterns.lab.races import hold_reads
from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import schedule_source
from patterns.microservices.adapters import (
    MEMORY_MB,
    Design,
    Shop,
    UniqueEmail,
    deploy_shop,
    migrate_customers,
    queue_depth,
    record_calls,
    redrive,
    set_down,
)
from patterns.microservices.service import (
    GCP_TO_AWS,
    SEED_FOLLOW_UP_S,
    SEED_WELCOME_S,
    SERVICES,
    CallRecord,
    ServiceMapping,
    StalenessSummary,
    coupling,
    delayed_delivery,
    format_pairs,
    summarise_staleness,
)

__all__ = [
    "DEMO_NEEDS",
    "SEED_TASK_LINE",
    "DesignCost",
    "EmailRace",
    "OutageRun",
    "Sample",
    "SchemaRun",
    "SeedPort",
    "StalenessRun",
    "Step",
    "cost_and_coupling",
    "email_race",
    "knows",
    "main",
    "measure_staleness",
    "outage",
    "ownership",
    "plot_costs",
    "plot_outage",
    "plot_staleness",
    "schema_change",
    "seed_port",
    "walkthrough",
]

DEMO_NEEDS: tuple[Capability, ...] = ()  # EventBridge -> SQS is moto's own delivery; the lab polls SQS
SEED_TASK_LINE = "onboarding_task = {'http_request': {'http_method': 'POST,\n 'url': 'https://...'}}"
"""The shape of seed 000's second Cloud Tasks task: its method string is never closed."""

_order_counter = iter(range(1, 1_000_000))


def _prefix(name: str) -> str:
    """A fresh resource prefix, so one sandbox can hold several deployments."""
    return f"{name}{next(_order_counter)}"


@dataclass(frozen=True)
class Step:
    """One request of the walkthrough and what came back."""

    what: str
    request: str
    status: int
    answer: str


def _register(shop: Shop, email: str, name: str) -> str:
    response = shop.door.request("POST", "/customers", body={"email": email, "name": name})
    if response.status != 201:
        raise RuntimeError(f"registering {email} answered {response.status}: {response.text}")
    return str(response.json()["customer_id"])


def _order(shop: Shop, customer_id: str, sku: str = "lamp", quantity: int = 1) -> HttpResponse:
    return shop.door.request(
        "POST", "/orders", body={"customer_id": customer_id, "sku": sku, "quantity": quantity}
    )


def walkthrough(sandbox: Sandbox, shop: Shop) -> list[Step]:
    """Each service's API once, and an order's way through the three services."""
    steps: list[Step] = []

    def call(
        what: str, method: str, url: str, answer: Callable[[HttpResponse], str], body: Any = None
    ) -> HttpResponse:
        response = shop.door.request(method, url, body=body)
        steps.append(Step(what, f"{method} {url}", response.status, answer(response)))
        return response

    created = call(
        "customers: register",
        "POST",
        "/customers",
        lambda r: f"credit {r.json()['credit_status']}, version {r.json()['version']}",
        {"email": "ada@example.com", "name": "Ada Lovelace"},
    )
    customer = str(created.json()["customer_id"])
    call(
        "customers: same email again",
        "POST",
        "/customers",
        lambda r: r.json()["message"],
        {"email": "ada@example.com", "name": "Ada"},
    )
    call(
        "inventory: stock 3 lamps",
        "PUT",
        "/stock/lamp",
        lambda r: f"available {r.json()['available']}",
        {"available": 3},
    )
    order = {"customer_id": customer, "sku": "lamp", "quantity": 2}
    call("orders: before the copy arrives", "POST", "/orders", lambda r: r.json()["message"], order)
    sandbox.settle()  # CustomerRegistered reaches the orders service's copy
    placed = call(
        "orders: place (copy arrived)", "POST", "/orders", lambda r: f"status {r.json()['status']}", order
    )
    order_id = str(placed.json()["order_id"])
    sandbox.settle()  # OrderPlaced -> inventory -> StockReserved -> orders
    call("orders: read it back", "GET", f"/orders/{order_id}", lambda r: f"status {r.json()['status']}")
    call("orders: 2 more lamps", "POST", "/orders", lambda r: f"status {r.json()['status']}", order)
    sandbox.settle()
    call("inventory: stock left", "GET", "/stock/lamp", lambda r: f"available {r.json()['available']}")
    call(
        "customers: put on hold",
        "PUT",
        f"/customers/{customer}/credit",
        lambda r: f"version {r.json()['version']}",
        {"credit_status": "on-hold"},
    )
    sandbox.settle()
    call("orders: customer on hold", "POST", "/orders", lambda r: r.json()["message"], order)
    short = {customer: "{customer}", order_id: "{order}"}
    for index, step in enumerate(steps):
        request, answer = step.request, step.answer
        for long, name in short.items():
            request, answer = request.replace(long, name), answer.replace(long, name)
        steps[index] = Step(step.what, request, step.status, answer)
    return steps


def ownership(shop: Shop) -> dict[str, list[str]]:
    """Each service's functions and tables (nothing is owned twice)."""
    owned: dict[str, list[str]] = {service: [] for service in SERVICES}
    for name, service in sorted(shop.owners.items()):
        owned[service].append(name)
    return owned


def knows(sandbox: Sandbox, shop: Shop) -> Counter[tuple[str, str]]:
    """Who knows whom, from the deployment: each function's settings that name another service's
    table or function (what it has been given to reach), by ``(service, other service)``."""
    pairs: Counter[tuple[str, str]] = Counter()
    for name in shop.functions.values():
        caller = shop.owners[name]
        for value in sandbox.lambdas.function(name).config.environment.values():
            owner = shop.owners.get(value.rsplit(":", 1)[-1])
            if owner and owner != caller:
                pairs[(caller, owner)] += 1
    return pairs


# ---- the copy and its staleness -----------------------------------------------------------------------


@dataclass(frozen=True)
class StalenessRun:
    """Credit changes made in customers, and when the orders service's copy showed each."""

    batching_window_s: int
    lags_s: tuple[float, ...]
    summary: StalenessSummary
    consumer_invocations: int
    """Invocations of the orders service's event consumer during the run."""


def measure_staleness(
    sandbox: Sandbox,
    *,
    batching_window_s: int = 0,
    changes: int = 6,
    spacing_s: int = 60,
    order_after_s: int = 5,
) -> StalenessRun:
    """Change a customer's credit status ``changes`` times, ``spacing_s`` apart. ``order_after_s`` after
    each change place an order (decided on the copy); move the clock from one platform timer to the next
    (a batching window closing, say) until the copy shows the change, so each lag is exact. The orders
    queue's mapping waits up to ``batching_window_s`` to fill a batch."""
    shop = deploy_shop(sandbox, _prefix("stale"), batching_window_s=batching_window_s)
    try:
        customer = _register(shop, "grace@example.com", "Grace Hopper")
        shop.door.request("PUT", "/stock/lamp", body={"available": 1_000})
        sandbox.advance(batching_window_s + 1)
        copy_table, dynamodb = shop.tables["customer-copy"], sandbox.client("dynamodb")
        function = shop.function("orders-events")
        before = sum(1 for r in sandbox.lambdas.reports if r.function_name == function)

        def copy_version() -> int:
            item = dynamodb.get_item(TableName=copy_table, Key={"customer_id": {"S": customer}})["Item"]
            return int(item["version"]["N"])

        lags: list[float] = []
        stale = 0
        status = "good"
        for _ in range(changes):
            status = "on-hold" if status == "good" else "good"
            changed = shop.door.request(
                "PUT", f"/customers/{customer}/credit", body={"credit_status": status}
            )
            version, started = int(changed.json()["version"]), sandbox.clock.elapsed
            sandbox.settle()
            lag: float | None = None
            ordered = False
            while lag is None or not ordered:
                waited = sandbox.clock.elapsed - started
                if lag is None and copy_version() >= version:
                    lag = waited
                if not ordered and waited >= order_after_s:
                    accepted = _order(shop, customer).status == 202
                    stale += accepted != (status == "good")  # decided on the copy's old status
                    ordered = True
                if lag is None or not ordered:
                    now = sandbox.clock.elapsed
                    due = sandbox.clock.next_due()
                    stops = [started + order_after_s] if not ordered else []
                    if lag is None and due is not None:
                        stops.append(due)
                    ahead = [stop for stop in stops if stop > now]
                    sandbox.advance(min(ahead) - now if ahead else 1.0)
            lags.append(lag)
            sandbox.advance(max(0.0, spacing_s - (sandbox.clock.elapsed - started)))
        invocations = sum(1 for r in sandbox.lambdas.reports if r.function_name == function) - before
    finally:
        shop.close(sandbox)
    return StalenessRun(batching_window_s, tuple(lags), summarise_staleness(lags, stale), invocations)


# ---- failing independently ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """The state of a run at one moment of virtual time."""

    at_s: float
    accepted: int
    refused: int
    backlog: int
    """Messages waiting in front of inventory's consumer (visible and in flight)."""


@dataclass(frozen=True)
class OutageRun:
    """Orders placed every ``every_s`` while inventory was down from ``down_from_s`` for ``down_for_s``."""

    design: Design
    down_from_s: float
    down_for_s: float
    attempted: int
    accepted: int
    accepted_while_down: int
    attempted_while_down: int
    published: int
    """OrderPlaced events the orders service published."""
    settled: dict[str, int]
    """Accepted orders by final status (CONFIRMED, REJECTED, PENDING)."""
    dead_lettered: int
    """Messages that reached inventory's dead-letter queue (and were redriven)."""
    lost: int
    """Accepted orders that never reached a final status."""
    caught_up_at_s: float | None
    """Seconds after recovery when nothing was left waiting (sampled every ``every_s``)."""
    samples: tuple[Sample, ...] = field(default=())


def _settled(sandbox: Sandbox, shop: Shop) -> dict[str, int]:
    items = sandbox.client("dynamodb").scan(TableName=shop.tables["orders"])["Items"]
    return dict(Counter(item["status"]["S"] for item in items))


def outage(
    sandbox: Sandbox,
    design: Design = "events",
    *,
    down_from_s: float = 60,
    down_for_s: float = 150,
    every_s: float = 10,
    duration_s: float = 300,
    visibility_timeout_s: int = 30,
    max_receives: int = 10,
) -> OutageRun:
    """Place an order every ``every_s`` for ``duration_s`` while inventory is down for a window; then let
    the platform catch up (redriving the dead-letter queue if anything reached it) and count."""
    shop = deploy_shop(
        sandbox,
        _prefix(design),
        design=design,
        visibility_timeout_s=visibility_timeout_s,
        max_receives=max_receives,
    )
    with record_calls() as log:
        try:
            customer = _register(shop, "alan@example.com", "Alan Turing")
            shop.door.request("PUT", "/stock/lamp", body={"available": 10_000})
            sandbox.settle()
            mark = len(log.records)
            samples: list[Sample] = []
            accepted = refused = attempted_down = accepted_down = 0
            start = sandbox.clock.elapsed
            up_at = down_from_s + down_for_s
            is_down = False
            for step in range(int(duration_s // every_s)):
                at = step * every_s
                if not is_down and down_from_s <= at < up_at:
                    set_down(sandbox, shop, "inventory", True)
                    is_down = True
                elif is_down and at >= up_at:
                    set_down(sandbox, shop, "inventory", False)
                    is_down = False
                ok = _order(shop, customer).status in (201, 202)
                accepted, refused = accepted + ok, refused + (not ok)
                if is_down:
                    attempted_down, accepted_down = attempted_down + 1, accepted_down + ok
                sandbox.advance(max(0.0, start + at + every_s - sandbox.clock.elapsed))
                backlog = queue_depth(sandbox, shop.queues["inventory"]) if design == "events" else 0
                samples.append(Sample(at + every_s, accepted, refused, backlog))
            if is_down:
                set_down(sandbox, shop, "inventory", False)
            dead = 0
            if design == "events":
                for _ in range(2 * max_receives + 2):
                    if _settled(sandbox, shop).get("PENDING", 0) == 0:
                        break
                    sandbox.advance(visibility_timeout_s)
                dead = queue_depth(sandbox, shop.queues["inventory-dlq"])
                if dead:
                    redrive(sandbox, shop.queues["inventory-dlq"], shop.queues["inventory"])
                    sandbox.settle()
            drained = [s.at_s for s in samples if s.at_s > up_at and s.backlog == 0]
            caught_up = drained[0] - up_at if drained and design == "events" else None
            published = sum(
                1
                for r in log.since(mark)
                if r.operation == "PutEvents" and r.caller == shop.function("orders-api")
            )
        finally:
            shop.close(sandbox)
    settled = _settled(sandbox, shop)
    lost = accepted - settled.get("CONFIRMED", 0) - settled.get("REJECTED", 0)
    return OutageRun(
        design,
        down_from_s,
        down_for_s,
        len(samples),
        accepted,
        accepted_down,
        attempted_down,
        published,
        settled,
        dead,
        lost,
        caught_up,
        tuple(samples),
    )


# ---- a schema change ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaRun:
    """An order before and after the customers team changes how it stores credit status."""

    design: Design
    before: int
    after: int
    answer_after: str


def schema_change(sandbox: Sandbox, design: Design) -> SchemaRun:
    """Order, migrate the customers table to schema 2 (``credit`` becomes a map), order again."""
    shop = deploy_shop(sandbox, _prefix(f"schema-{design}"), design=design)
    customer = _register(shop, "edsger@example.com", "Edsger Dijkstra")
    shop.door.request("PUT", "/stock/lamp", body={"available": 100})
    sandbox.settle()
    before = _order(shop, customer).status
    migrate_customers(sandbox, shop)  # the customers team's change: its table, its functions
    after = _order(shop, customer)
    sandbox.settle()
    answer = after.text if after.status >= 400 else f"status {after.json()['status']}"
    shop.close(sandbox)
    return SchemaRun(design, before, after.status, answer)


# ---- seed 000 on AWS ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedPort:
    """Seed 000's user service as the customers service: its scheduled emails, fired on virtual time."""

    mapping: tuple[ServiceMapping, ...]
    seed_compiles: bool
    seed_error: str
    emails: tuple[tuple[str, float], ...]
    """(kind, seconds after registration) of each email sent."""
    schedules_left: int
    delivery: dict[str, str]


def seed_port(sandbox: Sandbox) -> SeedPort:
    """Register a customer; advance the virtual clock past 3 days; which emails went out, and when."""
    try:
        compile(SEED_TASK_LINE, "seed-000", "exec")
        compiles, error = True, ""
    except SyntaxError as problem:
        compiles, error = False, f"SyntaxError: {problem.msg} (line {problem.lineno})"
    shop = deploy_shop(sandbox, _prefix("seed"))
    source = schedule_source(sandbox)
    mailer, sqs = shop.function("customers-mailer"), sandbox.client("sqs")
    url = sqs.get_queue_url(QueueName=f"{shop.prefix}-emails")["QueueUrl"]
    try:
        registered_at = sandbox.clock.now()
        customer = _register(shop, "barbara@example.com", "Barbara Liskov")
        sent: list[tuple[str, float]] = []
        for wait in (SEED_WELCOME_S + 1, SEED_FOLLOW_UP_S - SEED_WELCOME_S):
            sandbox.advance(wait)
            ran = [r for r in sandbox.lambdas.reports if r.function_name == mailer]
            for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                kind = str(json.loads(message["Body"])["kind"])
                sent.append((kind, round((ran[-1].started_at - registered_at).total_seconds(), 3)))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        schedules = sandbox.client("scheduler").list_schedules()["Schedules"]
        left = sum(1 for schedule in schedules if customer in schedule["Name"])
    finally:
        sandbox.remove_source(source)
        shop.close(sandbox)
    return SeedPort(
        GCP_TO_AWS,
        compiles,
        error,
        tuple(sent),
        left,
        {"welcome": delayed_delivery(SEED_WELCOME_S), "follow-up": delayed_delivery(SEED_FOLLOW_UP_S)},
    )


@dataclass(frozen=True)
class EmailRace:
    """Simultaneous registrations of one email, seed 000's way or with a transaction."""

    way: str
    statuses: tuple[int, ...]
    customers_stored: int
    """Customers stored with that email afterwards."""


def email_race(sandbox: Sandbox, way: UniqueEmail, *, concurrent: int = 4) -> EmailRace:
    """``concurrent`` registrations of one email at the same moment, each request's reads held until
    every request has read (:func:`patterns.lab.races.hold_reads`), so a look-then-add always races."""
    shop = deploy_shop(sandbox, _prefix("race"), unique_email=way)
    body = {"email": "twin@example.com", "name": "Twin"}

    def register(_: int) -> int:
        return shop.door.request("POST", "/customers", body=body).status

    try:
        with hold_reads(concurrent) as gate, ThreadPoolExecutor(concurrent) as pool:
            statuses = tuple(sorted(pool.map(gate.participant(register), range(concurrent))))
        items = sandbox.client("dynamodb").scan(TableName=shop.tables["customers"])["Items"]
        stored = sum(1 for item in items if item.get("email", {}).get("S") == body["email"])
    finally:
        shop.close(sandbox)
    return EmailRace(way, statuses, stored)


# ---- coupling and cost --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DesignCost:
    """One design under the same workload: calls across services, and the bill per million orders."""

    design: Design
    orders: int
    knows: dict[tuple[str, str], int]
    """Another service's table or function named in a function's settings, by (service, other)."""
    calls_across: dict[tuple[str, str], int]
    """Calls a service's functions made to another service's table or function, by (service, other)."""
    invocations_per_order: float
    events_per_order: float
    sqs_requests_per_order: float
    read_units_per_order: float
    write_units_per_order: float
    api: float
    lambda_: float
    eventbridge: float
    sqs: float
    dynamodb: float

    @property
    def total(self) -> float:
        return self.api + self.lambda_ + self.eventbridge + self.sqs + self.dynamodb


_READS = ("GetItem", "Query", "Scan", "BatchGetItem")
_WRITES = ("PutItem", "UpdateItem", "DeleteItem")


def _units(records: Sequence[CallRecord], functions: set[str]) -> tuple[int, int]:
    """Read and write request units of the functions' DynamoDB calls (items under 1 KB: a read is at
    most one unit, a write one, a transactional write two per item, a refused conditional write too)."""
    calls = [r for r in records if r.caller in functions and r.service == "dynamodb"]
    reads = sum(1 for r in calls if r.operation in _READS)
    writes = sum(1 for r in calls if r.operation in _WRITES) + 2 * sum(
        1 for r in calls if r.operation == "TransactWriteItems"
    )
    return reads, writes


def cost_and_coupling(
    sandbox: Sandbox, design: Design, *, orders: int = 20, per: int = 1_000_000
) -> DesignCost:
    """Place ``orders`` orders (all settled) on a fresh deployment of ``design``; count and price them."""
    shop = deploy_shop(sandbox, _prefix(f"cost-{design}"), design=design)
    with record_calls() as log:  # before any function makes its clients
        try:
            customer = _register(shop, "frances@example.com", "Frances Allen")
            shop.door.request("PUT", "/stock/lamp", body={"available": 10_000})
            sandbox.settle()
            functions = set(shop.functions.values())
            first_report, mark = len(sandbox.lambdas.reports), len(log.records)
            stats_before = {name: mapping.stats() for name, mapping in shop.mappings.items()}
            for _ in range(orders):
                _order(shop, customer)
                sandbox.settle()
            records = log.since(mark)
            stats_after = {name: mapping.stats() for name, mapping in shop.mappings.items()}
        finally:
            shop.close(sandbox)
    reports = [r for r in sandbox.lambdas.reports[first_report:] if r.function_name in functions]
    events = sum(1 for r in records if r.operation == "PutEvents" and r.caller in functions)
    sqs_requests = events  # EventBridge sends each event to exactly one consumer's queue
    for name, now in stats_after.items():  # receives that brought messages, and deletes
        then = stats_before[name]
        received = (now.receives - now.empty_receives) - (then.receives - then.empty_receives)
        sqs_requests += received + (now.delete_calls - then.delete_calls)
    reads, writes = _units(records, functions)
    scale = per / orders
    lambda_cost = sum(r.cost_usd for r in reports) * scale
    return DesignCost(
        design,
        orders,
        dict(knows(sandbox, shop)),
        dict(coupling(records, shop.owners)),
        len(reports) / orders,
        events / orders,
        sqs_requests / orders,
        reads / orders,
        writes / orders,
        pricing.apigateway_cost(per, api="http"),
        lambda_cost,
        pricing.eventbridge_cost(round(events * scale)),
        pricing.sqs_cost(round(sqs_requests * scale)),
        pricing.dynamodb_on_demand_cost(round(reads * scale), round(writes * scale)),
    )


# ---- figures --------------------------------------------------------------------------------------------


def plot_outage(runs: Sequence[OutageRun]) -> Figure:
    """Orders accepted over virtual time, and the backlog waiting for inventory, per design."""
    figure = Figure(figsize=(9, 4), layout="constrained")
    accepted, backlog = figure.subplots(1, 2)
    for run in runs:
        times = [s.at_s for s in run.samples]
        accepted.plot(
            times, [s.accepted for s in run.samples], marker=".", label=f"accepted, {run.design} design"
        )
        if run.design == "events":
            backlog.plot(
                times, [s.backlog for s in run.samples], marker=".", color="tab:red", label="waiting"
            )
    for axes in (accepted, backlog):
        if runs:
            start, end = runs[0].down_from_s, runs[0].down_from_s + runs[0].down_for_s
            axes.axvspan(
                start, end, color="grey", alpha=0.2, label="inventory down" if axes is backlog else None
            )
        axes.set_xlabel("virtual time (s)")
        count_axis(axes.yaxis)
    accepted.set(ylabel="orders accepted", title="Order API during the outage")
    backlog.set(ylabel="messages waiting for inventory", title="Events wait in inventory's queue")
    handles = [*accepted.get_legend_handles_labels()[0], *backlog.get_legend_handles_labels()[0]]
    figure.legend(handles=handles, loc="outside lower center", ncols=max(1, len(handles)))
    return figure


def plot_staleness(runs: Sequence[StalenessRun]) -> Figure:
    """How stale the copy got, and how often its consumer ran, against the batching window."""
    figure = Figure(figsize=(9, 3.4), layout="constrained")
    lag, calls = figure.subplots(1, 2)
    windows = [run.batching_window_s for run in runs]
    positions = list(range(len(runs)))
    lag.bar([p - 0.2 for p in positions], [run.summary.p50_s for run in runs], 0.4, label="median")
    lag.bar([p + 0.2 for p in positions], [run.summary.max_s for run in runs], 0.4, label="max")
    lag.set_xticks(positions, [f"{w} s" for w in windows])
    lag.set(xlabel="batching window of orders' queue", ylabel="copy behind customers (s)", title="Staleness")
    lag.legend(loc="upper left")
    calls.bar(positions, [run.consumer_invocations for run in runs], 0.5)
    calls.set_xticks(positions, [f"{w} s" for w in windows])
    calls.set(xlabel="batching window of orders' queue", ylabel="consumer invocations", title="Cost side")
    count_axis(calls.yaxis)
    return figure


def plot_costs(costs: Sequence[DesignCost]) -> Figure:
    """Cost per million orders by AWS service, per design."""
    figure = Figure(figsize=(6, 3.6), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(costs)))
    bottom = [0.0] * len(costs)
    parts = (
        ("API Gateway", "api"),
        ("Lambda", "lambda_"),
        ("EventBridge", "eventbridge"),
        ("SQS", "sqs"),
        ("DynamoDB", "dynamodb"),
    )
    for label, part in parts:
        values = [getattr(c, part) for c in costs]
        axes.bar(positions, values, 0.5, bottom=bottom, label=label)
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    category_ticks(axes, positions, [f"{c.design} design" for c in costs], width_in=3.5)
    axes.set(ylabel="USD per million orders", title="Cost per million orders")
    axes.set_xlim(-0.5, len(costs) + 0.9)
    axes.legend(loc="upper right")
    return figure


# ---- the demonstration ----------------------------------------------------------------------------------


def main() -> int:
    """Run the demonstration against moto (or the opted-in endpoint) and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    began = time.perf_counter()
    designs: tuple[Design, ...] = ("events", "shared")
    with aws_sandbox() as sandbox:
        print("1. Three services, each its own tables, functions and API on the front door")
        shop = deploy_shop(sandbox, _prefix("shop"))
        for service, names in ownership(shop).items():
            print(f"   {service:<10} owns {', '.join(names)}")
        for step in walkthrough(sandbox, shop):
            print(f"   {step.what:<32} {step.request:<32} -> {step.status}  {step.answer}")
        shop.close(sandbox)

        print("\n2. The orders service's copy of customers, kept by events (virtual time)")
        for window in (0, 10, 30):
            run = measure_staleness(sandbox, batching_window_s=window)
            s = run.summary
            print(
                f"   batching window {window:>2} s: {s.changes} credit changes, copy behind by median "
                f"{s.p50_s:.0f} s, max {s.max_s:.0f} s; {s.stale_decisions} order(s) decided on the old "
                f"status; {run.consumer_invocations} consumer invocations"
            )

        print("\n3. Inventory down for a window: orders every 10 s")
        for design in designs:
            result = outage(sandbox, design)
            print(
                f"   {design:<6} design: inventory down {result.down_from_s:.0f}-"
                f"{result.down_from_s + result.down_for_s:.0f} s; accepted {result.accepted_while_down}/"
                f"{result.attempted_while_down} orders while down, "
                f"{result.accepted}/{result.attempted} in all"
            )
            if design == "events":
                peak = max(s.backlog for s in result.samples)
                print(
                    f"          {result.published} OrderPlaced published, at most {peak} waiting in "
                    f"inventory's queue; caught up {result.caught_up_at_s:.0f} s after recovery; "
                    f"settled {result.settled}; dead-lettered {result.dead_lettered}; lost {result.lost}"
                )

        print("\n4. The customers team changes its schema (credit_status -> credit.status)")
        for design in designs:
            change = schema_change(sandbox, design)
            print(
                f"   {design:<6} design: order before {change.before}, after {change.after}  "
                f"{change.answer_after[:90]}"
            )

        print("\n5. Seed 000's Google Cloud microservice, on AWS")
        port = seed_port(sandbox)
        for row in port.mapping:
            print(f"   {row.google_cloud:<30} -> {row.aws:<55} here: {row.here}")
        print(f"   the seed's second task compiles: {port.seed_compiles} ({port.seed_error})")
        for kind, after in port.emails:
            print(f"   {kind:<9} email sent {after:>9,.0f} s after registration ({port.delivery[kind]})")
        print(f"   schedules left after firing: {port.schedules_left}")
        ways: tuple[UniqueEmail, ...] = ("query-then-add", "transaction")
        for way in ways:
            race = email_race(sandbox, way)
            print(
                f"   4 simultaneous registrations of one email, {way:<14}: statuses {list(race.statuses)}, "
                f"{race.customers_stored} customer(s) stored"
            )

        print("\n6. Coupling and cost: the same 20 orders on both designs")
        costs = [cost_and_coupling(sandbox, design) for design in designs]
        for cost in costs:
            across, known = format_pairs(cost.calls_across), format_pairs(cost.knows)
            print(
                f"   {cost.design:<6} design: settings naming another service's resource: {known}; "
                f"calls into another service's table or function: {across}"
            )
            print(
                f"          per order {cost.invocations_per_order:.1f} invocations, "
                f"{cost.events_per_order:.1f} events, {cost.sqs_requests_per_order:.1f} SQS requests, "
                f"{cost.read_units_per_order:.1f} RRU, {cost.write_units_per_order:.1f} WRU ({MEMORY_MB} MB)"
            )
            print(
                f"          per million orders: API ${cost.api:.2f} + Lambda ${cost.lambda_:.2f} + "
                f"EventBridge ${cost.eventbridge:.2f} + SQS ${cost.sqs:.2f} + DynamoDB "
                f"${cost.dynamodb:.2f} = ${cost.total:.2f}"
            )
    print(f"\nran in {time.perf_counter() - began:.1f} s")
    return 0
