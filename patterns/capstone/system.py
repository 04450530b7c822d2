"""The capstone's shared glue: resources, deployment, the read model and the measured cost."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from patterns.idempotency.adapters import RequestCounter
from patterns.lab import pricing
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Sandbox
from patterns.saga.service import STEPS

__all__ = [
    "BUDGET_USD_PER_1000_ORDERS",
    "CostReport",
    "Resources",
    "create_resources",
    "deploy",
    "measure_cost",
    "read_model",
    "service_records",
]

# What 1,000 orders may cost (API, Lambda, DynamoDB, EventBridge): a product decision, the grader's bar.
BUDGET_USD_PER_1000_ORDERS = 0.012
SOURCE = "capstone.orders"
MEMORY_MB = 256
TIMEOUT_S = 10
_READS = ("GetItem", "Query", "Scan", "BatchGetItem")
_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")


@dataclass(frozen=True)
class Resources:
    """The tables, the bus and the names of the two functions."""

    prefix: str
    idempotency_table: str
    service_tables: dict[str, str]
    view_table: str
    bus: str
    api_function: str
    projection_function: str

    def environment(self) -> dict[str, str]:
        """The variables both functions receive."""
        return {
            "IDEMPOTENCY_TABLE": self.idempotency_table,
            "SERVICE_TABLES": json.dumps(self.service_tables, sort_keys=True),
            "VIEW_TABLE": self.view_table,
            "EVENT_BUS": self.bus,
        }


def create_resources(sandbox: Sandbox, prefix: str = "shop") -> Resources:
    """Create the idempotency table, one table per saga service, the read model and the event bus."""
    services = {spec.service: f"{prefix}-{spec.service}" for spec in STEPS}
    for table in services.values():
        ensure_table(table, hash_key="saga_id")
    ensure_table(f"{prefix}-idempotency", hash_key="idempotency_key")
    ensure_table(f"{prefix}-order-view", hash_key="order_id")
    sandbox.client("events").create_event_bus(Name=f"{prefix}-bus")
    return Resources(
        prefix,
        f"{prefix}-idempotency",
        services,
        f"{prefix}-order-view",
        f"{prefix}-bus",
        f"{prefix}-place-order",
        f"{prefix}-project",
    )


REFERENCE_ASSEMBLY = "exercises.capstone.solution.order_system"  # the instructor's copy only
LEARNER_ASSEMBLY = "exercises.capstone.order_system"


def assembly() -> str:
    """The assembly to run: the reference solution where this copy of the course holds it (the
    instructor's), else the learner's own ``exercises/capstone/order_system.py``. A name, not an import:
    the local runtime imports it afresh in each execution environment."""
    try:
        found = importlib.util.find_spec(REFERENCE_ASSEMBLY) is not None
    except ModuleNotFoundError:
        found = False
    return REFERENCE_ASSEMBLY if found else LEARNER_ASSEMBLY


def deploy(
    sandbox: Sandbox,
    resources: Resources,
    module: str,
    *,
    faults: Mapping[str, Any] | None = None,
    crash_at: str | None = None,
) -> None:
    """(Re)deploy ``module.place_order`` and ``module.project``, and route the order events to the
    projection. ``faults`` (pattern 14's shape, e.g. ``{"charge_payment": {"kind": "error"}}``) and
    ``crash_at`` (pattern 17's crash points) are the lab's chaos settings, given as variables."""
    environment = resources.environment() | {"FAULTS": json.dumps(dict(faults or {}), sort_keys=True)}
    if crash_at is not None:
        environment["CRASH_AT"] = crash_at
    settings = {"environment": environment, "timeout_s": TIMEOUT_S, "memory_mb": MEMORY_MB}
    sandbox.deploy(resources.api_function, f"{module}.place_order", **settings)
    arn = sandbox.deploy(resources.projection_function, f"{module}.project", **settings)
    events = sandbox.client("events")
    rule = f"{resources.prefix}-orders-to-view"
    events.put_rule(Name=rule, EventBusName=resources.bus, EventPattern=json.dumps({"source": [SOURCE]}))
    events.put_targets(Rule=rule, EventBusName=resources.bus, Targets=[{"Id": "view", "Arn": arn}])


def _items(sandbox: Sandbox, table: str) -> list[dict[str, Any]]:
    items = sandbox.client("dynamodb").scan(TableName=table, ConsistentRead=True)["Items"]
    return [
        {key: int(value["N"]) if "N" in value else next(iter(value.values())) for key, value in item.items()}
        for item in items
    ]


def read_model(sandbox: Sandbox, resources: Resources) -> dict[str, dict[str, Any]]:
    """The read model: order id -> its row (without the key)."""
    rows = _items(sandbox, resources.view_table)
    return {
        str(row["order_id"]): {k: v for k, v in row.items() if k != "order_id"}
        for row in sorted(rows, key=lambda row: str(row["order_id"]))
    }


def service_records(sandbox: Sandbox, resources: Resources) -> dict[str, dict[str, str]]:
    """Each service's records: service -> saga id -> status."""
    return {
        service: {str(row["saga_id"]): str(row["status"]) for row in _items(sandbox, table)}
        for service, table in sorted(resources.service_tables.items())
    }


@dataclass(frozen=True)
class CostReport:
    """What a run cost, by service, measured: Lambda from the runtime's REPORT lines, the rest counted."""

    orders: int
    api_requests: int
    lambda_invocations: int
    lambda_usd: float
    dynamodb_reads: int
    dynamodb_writes: int
    dynamodb_usd: float
    events: int
    eventbridge_usd: float
    api_usd: float

    @property
    def total_usd(self) -> float:
        return self.lambda_usd + self.dynamodb_usd + self.eventbridge_usd + self.api_usd

    @property
    def per_1000_orders_usd(self) -> float:
        return self.total_usd / self.orders * 1000 if self.orders else 0.0

    def by_service_per_1000(self) -> dict[str, float]:
        scale = 1000 / self.orders if self.orders else 0.0
        return {
            "API Gateway": self.api_usd * scale,
            "Lambda": self.lambda_usd * scale,
            "DynamoDB": self.dynamodb_usd * scale,
            "EventBridge": self.eventbridge_usd * scale,
        }


class _Meter:
    def __init__(self) -> None:
        self.counter = RequestCounter()
        self.requests = 0
        self.report: CostReport | None = None


@contextmanager
def measure_cost(
    sandbox: Sandbox, resources: Resources, *, api: pricing.ApiType = "http"
) -> Iterator[_Meter]:
    """Meter a run: deploy and send inside the ``with`` block and set ``meter.requests`` (the orders'
    API requests); on exit ``meter.report`` holds the :class:`CostReport`. Events are the deliveries
    to the projection function (one invocation each). DynamoDB requests are counted from every client
    created inside the block, at one request unit each (the items are far below 1 KB)."""
    meter = _Meter()
    first_report = len(sandbox.lambdas.reports)
    with meter.counter.counting():
        yield meter
    reports = sandbox.lambdas.reports[first_report:]
    calls = meter.counter.calls
    reads = sum(n for (_, op), n in calls.items() if op in _READS)
    writes = sum(n for (_, op), n in calls.items() if op in _WRITES)
    events = sum(1 for r in reports if r.function_name == resources.projection_function)
    meter.report = CostReport(
        orders=meter.requests,
        api_requests=meter.requests,
        lambda_invocations=len(reports),
        lambda_usd=sum(r.cost_usd for r in reports),
        dynamodb_reads=reads,
        dynamodb_writes=writes,
        dynamodb_usd=pricing.dynamodb_on_demand_cost(reads, writes),
        events=events,
        eventbridge_usd=pricing.eventbridge_cost(events),
        api_usd=pricing.apigateway_cost(meter.requests, api=api),
    )
