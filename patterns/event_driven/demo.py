"""The event-driven demonstration: routing by real ``put_events``, seed 002's pipeline, seed 000 on AWS,
a failing consumer with retries, dead-letter queues, archive and replay.

Every "who received what" comes from EventBridge itself (a real ``put_events`` on moto, the lab
delivering to Lambda targets); every count from a run; every dollar from :mod:`patterns.lab.pricing`.
The notebook calls these functions.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from matplotlib.figure import Figure

from patterns.event_driven.adapters import EventBus, InvoiceStore, drain_queue
from patterns.event_driven.exceptions import AccountingError, InvalidEventError
from patterns.event_driven.service import (
    AZURE_TO_AWS,
    ROUTING_RULES,
    SAMPLE_EVENTS,
    EventEntry,
    Rule,
    consumers_of,
    parse_event_text,
    pattern_problems,
)
from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import GanttBar, category_ticks, gantt, table
from patterns.lab.event_targets import router
from patterns.lab.events import api_gateway_http_event
from patterns.lab.lambda_runtime import InvocationReport
from patterns.lab.resources import ensure_queue, ensure_table, ensure_topic
from patterns.lab.sandbox import Sandbox

__all__ = [
    "DEMO_NEEDS",
    "ROUTING_BUS",
    "WHO_DID_WHAT",
    "FailureRun",
    "MisspeltOperator",
    "PipelineRun",
    "Routing",
    "Seed000Run",
    "StageFigures",
    "cost_per_10k",
    "failure_rows",
    "main",
    "misspelt_operator",
    "orders_csv",
    "plot_failure_timeline",
    "plot_pipeline_costs",
    "plot_routing_matrix",
    "receivers",
    "route_text",
    "routing_rows",
    "run_failure_and_replay",
    "run_pipeline",
    "run_seed_000",
    "setup_routing",
]

DEMO_NEEDS: tuple[Capability, ...] = (Capability.PUSH_DELIVERIES,)
WHO_DID_WHAT = (
    "\nWho did what: moto matched every rule and delivered to SQS targets and the archive;\n"
    "the lab delivered to Lambda targets (retry policy, target DLQ), replayed only the time window\n"
    "and the chosen rules, and ran Lambda's async retries and on-failure destination, all on the\n"
    "virtual clock."
)
ROUTING_BUS = "orders-bus"
HANDLERS = "patterns.event_driven.handlers"
Via = Literal["lambda", "sqs"]


# ---- 1. routing by real put_events --------------------------------------------------------------


@dataclass
class Routing:
    """A bus with rules, each targeting a consumer: a local Lambda function, or (``via="sqs"``, on an
    endpoint that cannot push to the local runtime) an SQS queue per consumer."""

    bus: EventBus
    rules: tuple[Rule, ...]
    via: Via
    queues: dict[str, str] = field(default_factory=dict)  # consumer -> queue URL (via "sqs")

    @property
    def consumers(self) -> list[str]:
        return consumers_of(self.rules)


def setup_routing(
    sandbox: Sandbox,
    rules: Sequence[Rule] = ROUTING_RULES,
    *,
    bus_name: str = ROUTING_BUS,
    via: Via | None = None,
) -> Routing:
    """Create the bus and its rules; consumers are local Lambda functions where the backend can push."""
    chosen: Via = via or ("lambda" if sandbox.supports(Capability.PUSH_DELIVERIES) else "sqs")
    bus = EventBus.create(bus_name)
    routing = Routing(bus, tuple(rules), chosen)
    for rule in rules:
        if chosen == "lambda":
            target = sandbox.deploy(rule.consumer, f"{HANDLERS}.consume")
        else:
            queue = ensure_queue(f"{bus_name}-{rule.consumer}")
            routing.queues[rule.consumer] = queue.url
            target = queue.arn
        bus.add_rule(rule, target)
    return routing


def receivers(sandbox: Sandbox, routing: Routing, events: Sequence[EventEntry]) -> list[list[str]]:
    """Put ``events`` on the bus (real ``PutEvents``), let the platform deliver, and return, per event,
    the consumers that received it (from the runtime's invocations, or the consumers' queues)."""
    first = len(sandbox.lambdas.async_invocations)
    ids = routing.bus.put(events, time=sandbox.clock.now())
    sandbox.settle()
    got: dict[str, list[str]] = {event_id: [] for event_id in ids}
    if routing.via == "lambda":
        for invocation in sandbox.lambdas.async_invocations[first:]:
            event_id = invocation.event.get("id") if isinstance(invocation.event, dict) else None
            if event_id in got and invocation.function_name in routing.consumers:
                got[event_id].append(invocation.function_name)
    else:
        for consumer, url in routing.queues.items():
            for message in drain_queue(url):
                event_id = json.loads(message["Body"]).get("id")
                if event_id in got:
                    got[event_id].append(consumer)
    order = routing.consumers
    return [sorted(got[event_id], key=order.index) for event_id in ids]


def routing_rows(
    sandbox: Sandbox, routing: Routing, events: Sequence[EventEntry] = SAMPLE_EVENTS
) -> list[dict[str, Any]]:
    """The routing table: one row per sample event with the consumers that received it."""
    rows = []
    for event, received in zip(events, receivers(sandbox, routing, events), strict=True):
        rows.append(
            {
                "event": event.label,
                "source": event.source,
                "detail-type": event.detail_type,
                "received by": ", ".join(received) or "(nobody)",
                "consumers": received,
            }
        )
    return rows


def route_text(sandbox: Sandbox, routing: Routing, text: str) -> str:
    """The widget's answer for an event typed as JSON: who received it, or what is wrong with the text."""
    try:
        event = parse_event_text(text)
    except InvalidEventError as problem:
        return f"Invalid event: {problem}. Nothing was sent."
    received = receivers(sandbox, routing, [event])[0]
    if not received:
        return f"Sent 1 event ({event.source} / {event.detail_type}): no rule matched, nobody received it."
    return f"Sent 1 event ({event.source} / {event.detail_type}): received by {', '.join(received)}."


def plot_routing_matrix(
    rows: Sequence[dict[str, Any]], consumers: Sequence[str], *, size: tuple[float, float] = (8.0, 4.2)
) -> Figure:
    """Events (rows) against consumers (columns): a filled cell where EventBridge delivered the event."""
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    grid = [[1 if consumer in row["consumers"] else 0 for consumer in consumers] for row in rows]
    axes.imshow(grid, cmap="Greens", vmin=0, vmax=1.4, aspect="auto")
    axes.set_yticks(range(len(rows)), [row["event"] for row in rows])
    category_ticks(axes, range(len(consumers)), list(consumers), width_in=size[0] * 0.55)
    for y, line in enumerate(grid):
        for x, cell in enumerate(line):
            if cell:
                axes.text(x, y, "✓", ha="center", va="center")
    axes.set_title("who received each event (real put_events)")
    return figure


@dataclass(frozen=True)
class MisspeltOperator:
    """What moto did with a rule whose operator is misspelt, and what AWS's validation says of it."""

    pattern: dict[str, Any]
    accepted: bool
    delivered: bool
    aws_problems: list[str]


def misspelt_operator(sandbox: Sandbox, routing: Routing) -> MisspeltOperator:
    """Put a rule with ``prefx`` (for ``prefix``) on the bus with an SQS target, and a US event: moto
    accepts the rule and delivers the event; AWS's PutRule refuses the pattern."""
    pattern: dict[str, Any] = {"detail": {"region": [{"prefx": "eu-"}]}}
    queue = ensure_queue(f"{routing.bus.name}-misspelt")
    events = sandbox.client("events")
    try:
        events.put_rule(Name="misspelt", EventBusName=routing.bus.name, EventPattern=json.dumps(pattern))
    except events.exceptions.InvalidEventPatternException:
        return MisspeltOperator(pattern, False, False, pattern_problems(pattern))
    events.put_targets(
        Rule="misspelt", EventBusName=routing.bus.name, Targets=[{"Id": "q", "Arn": queue.arn}]
    )
    routing.bus.put([EventEntry("orders", "OrderCreated", {"orderId": "o-9", "region": "us-east-1"})])
    sandbox.settle()
    delivered = bool(drain_queue(queue.url))
    routing.bus.remove_rule("misspelt")
    return MisspeltOperator(pattern, True, delivered, pattern_problems(pattern))


# ---- 2. seed 002's pipeline: S3 -> process -> DynamoDB -> SNS -> email ---------------------------


@dataclass(frozen=True)
class StageFigures:
    """One stage of the pipeline: what it did per run, measured."""

    stage: str
    invocations: int
    requests: int
    mean_ms: float
    cost_usd: float


@dataclass
class PipelineRun:
    """A run of the upload pipeline: what each stage counted and the invocation reports."""

    uploads: int
    orders_per_upload: int
    stages: list[StageFigures]
    latency_ms: list[float]
    upload_times: list[float]
    process_reports: list[InvocationReport]
    email_reports: list[InvocationReport]
    orders_stored: int
    emails: int

    def cost_per_upload(self) -> float:
        return sum(stage.cost_usd for stage in self.stages) / self.uploads


def orders_csv(upload: int, orders: int) -> str:
    """A CSV of ``orders`` orders for upload number ``upload``."""
    lines = ["order_id,customer,total"]
    lines += [f"u{upload}-{n},customer-{n % 7},{(n * 37) % 500 + 10}.{n % 100:02d}" for n in range(orders)]
    return "\n".join(lines) + "\n"


def run_pipeline(
    sandbox: Sandbox, *, uploads: int = 5, orders_per_upload: int = 20, gap_s: float = 2.0
) -> PipelineRun | None:
    """Upload ``uploads`` CSV files ``gap_s`` virtual seconds apart and let the pipeline run; None when
    the backend cannot push S3 and SNS events to the local functions."""
    if sandbox.unavailable(Capability.PUSH_DELIVERIES, "seed 002's pipeline (S3 -> Lambda -> SNS -> Lambda)"):
        return None
    s3 = sandbox.client("s3")
    bucket = "orders-uploads"
    with contextlib.suppress(s3.exceptions.BucketAlreadyExists, s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)
    _fresh_table(sandbox, "pipeline-orders", "orderId")
    _fresh_table(sandbox, "pipeline-outbox", "messageId")
    topic = ensure_topic("orders-imported")
    process = sandbox.deploy(
        "process-upload",
        f"{HANDLERS}.process_upload",
        memory_mb=256,
        timeout_s=30,
        environment={"ORDERS_TABLE": "pipeline-orders", "TOPIC_ARN": topic},
    )
    email = sandbox.deploy(
        "send-email", f"{HANDLERS}.send_email", environment={"OUTBOX_TABLE": "pipeline-outbox"}
    )
    # Only uploads/*.csv trigger the processor: it never re-triggers itself (seed 002 writes its
    # thumbnails back into the bucket that triggers it, a loop unless the notification is filtered).
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": process,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {
                        "Key": {
                            "FilterRules": [
                                {"Name": "prefix", "Value": "uploads/"},
                                {"Name": "suffix", "Value": ".csv"},
                            ]
                        }
                    },
                }
            ]
        },
    )
    sandbox.client("sns").subscribe(TopicArn=topic, Protocol="lambda", Endpoint=email)
    first = len(sandbox.lambdas.reports)
    upload_times = []
    for upload in range(uploads):
        upload_times.append(sandbox.clock.elapsed)
        s3.put_object(
            Bucket=bucket, Key=f"uploads/batch {upload}.csv", Body=orders_csv(upload, orders_per_upload)
        )
        sandbox.advance(gap_s)
    sandbox.settle()
    reports = sandbox.lambdas.reports[first:]
    process_reports = [r for r in reports if r.function_name == "process-upload"]
    email_reports = [r for r in reports if r.function_name == "send-email"]
    dynamodb = sandbox.client("dynamodb")
    stored = int(dynamodb.scan(TableName="pipeline-orders", Select="COUNT")["Count"])
    emails = int(dynamodb.scan(TableName="pipeline-outbox", Select="COUNT")["Count"])
    failed = [r for r in process_reports + email_reports if r.status != "success"]
    if failed or stored != uploads * orders_per_upload or emails != uploads:
        raise AccountingError(
            f"pipeline: {stored} orders stored of {uploads * orders_per_upload}, "
            f"{emails} emails of {uploads}, "
            f"{len(failed)} failed invocations"
        )
    stages = [
        StageFigures("S3 upload (PUT)", 0, uploads, 0.0, pricing.s3_request_cost(uploads)),
        StageFigures(
            "process-upload (Lambda)",
            len(process_reports),
            len(process_reports),
            _mean(r.duration_ms for r in process_reports),
            sum(r.cost_usd for r in process_reports),
        ),
        StageFigures(
            "S3 read (GET)", 0, len(process_reports), 0.0, pricing.s3_request_cost(0, len(process_reports))
        ),
        StageFigures("DynamoDB orders (WRU)", 0, stored, 0.0, pricing.dynamodb_on_demand_cost(0, stored)),
        StageFigures("SNS publish", 0, uploads, 0.0, pricing.sns_publish_cost(uploads)),
        StageFigures(
            "send-email (Lambda)",
            len(email_reports),
            len(email_reports),
            _mean(r.duration_ms for r in email_reports),
            sum(r.cost_usd for r in email_reports),
        ),
        StageFigures("DynamoDB outbox (WRU)", 0, emails, 0.0, pricing.dynamodb_on_demand_cost(0, emails)),
    ]
    latency = [p.duration_ms + e.duration_ms for p, e in zip(process_reports, email_reports, strict=True)]
    return PipelineRun(
        uploads,
        orders_per_upload,
        stages,
        latency,
        upload_times,
        process_reports,
        email_reports,
        stored,
        emails,
    )


def _fresh_table(sandbox: Sandbox, name: str, hash_key: str) -> None:
    """An empty table: a re-run (a notebook cell run twice) starts from nothing, so its counts are its own."""
    dynamodb = sandbox.client("dynamodb")
    with contextlib.suppress(dynamodb.exceptions.ResourceNotFoundException):
        dynamodb.delete_table(TableName=name)
    ensure_table(name, hash_key=hash_key)


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def cost_per_10k(run: PipelineRun) -> list[dict[str, Any]]:
    """Each stage's cost scaled from the run to 10,000 uploads (same work per upload)."""
    scale = 10_000 / run.uploads
    return [
        {
            "stage": stage.stage,
            "requests per 10k": round(stage.requests * scale),
            "usd per 10k": stage.cost_usd * scale,
        }
        for stage in run.stages
    ]


def plot_pipeline_costs(
    rows: Sequence[dict[str, Any]],
    *,
    key: str = "usd per 10k",
    per: str = "10,000 uploads",
    size: tuple[float, float] = (8.0, 3.6),
) -> Figure:
    """Dollars by stage (horizontal bars): ``row[key]`` for each row, dollars ``per`` what is said."""
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    axes.barh(range(len(rows)), [row[key] for row in rows], color="#2a9d8f")
    axes.set_yticks(range(len(rows)), [row["stage"] for row in rows])
    axes.invert_yaxis()
    axes.set_xlabel(f"USD per {per}")
    axes.set_title("where an upload's money goes")
    return figure


# ---- 3. seed 000 (Azure Functions + Service Bus + Cosmos DB) on AWS ------------------------------


@dataclass(frozen=True)
class Seed000Run:
    """Seed 000's flow on AWS: one order request sent twice (a client retry), per way of making ids."""

    ids: str
    requests: int
    orders_stored: int
    messages_sent: int
    messages_in_queue: int
    order_ids: tuple[str, ...]


def run_seed_000(sandbox: Sandbox, *, ids: Literal["random", "idempotency-key"]) -> Seed000Run:
    """Send the same order request twice (the client retried) to seed 000's function on AWS."""
    suffix = "seed" if ids == "random" else "fixed"
    _fresh_table(sandbox, f"pending-orders-{suffix}", "id")
    queue = ensure_queue(
        f"order-processing-{suffix}.fifo",
        attributes={"MessageRetentionPeriod": "86400", "ContentBasedDeduplication": "false"},
    )
    name = f"accept-order-{suffix}"
    sandbox.deploy(
        name,
        f"{HANDLERS}.accept_order",
        environment={
            "PENDING_TABLE": f"pending-orders-{suffix}",
            "WORKFLOW_QUEUE_URL": queue.url,
            **({"ORDER_IDS": "random"} if ids == "random" else {}),
        },
    )
    order = {
        "items": [{"productId": "prod_789", "quantity": 2}],
        "total": 59.9,
        "paymentMethod": "card",
        "shippingAddress": "1 Main St",
    }
    request = api_gateway_http_event(
        "POST",
        "/orders",
        body=order,
        headers={"idempotency-key": f"checkout-{uuid.uuid4().hex[:8]}", "content-type": "application/json"},
    )
    order_ids = []
    for _ in range(2):  # the first answer was lost on the way back: the client sends it again
        answer = sandbox.lambdas.invoke(name, request)
        order_ids.append(json.loads(answer.payload["body"])["orderId"])
    stored = int(
        sandbox.client("dynamodb").scan(TableName=f"pending-orders-{suffix}", Select="COUNT")["Count"]
    )
    in_queue = len(drain_queue(queue.url))
    return Seed000Run(ids, 2, stored, 2 * 3, in_queue, tuple(order_ids))


# ---- 4. a failing consumer: retries, DLQs, archive and replay ------------------------------------

FAILURE_BUS = "billing-bus"
INVOICE_RULE = Rule(
    "invoice-orders", "invoicing", {"source": ["orders"], "detail-type": ["OrderCreated"]}, "exact values"
)


@dataclass
class FailureRun:
    """The failing-consumer story, counted: where every order ended before and after the replay."""

    sent: list[str]
    sent_at: dict[str, float]
    invoiced_before: set[str]
    function_failures: set[str]
    target_dlq: set[str]
    target_dlq_attributes: dict[str, str]
    lambda_attempts: dict[str, list[float]]
    target_attempts: dict[str, list[float]]
    replay_state: str
    replay_window: tuple[float, float]
    replayed: set[str]
    invoiced_after: set[str]
    invoices_stored: int
    phases: dict[str, tuple[float, float]]
    retry_policy: dict[str, int]

    def lost_before_replay(self) -> set[str]:
        """Orders neither invoiced nor in a dead-letter queue before the replay (should be none)."""
        return set(self.sent) - self.invoiced_before - self.function_failures - self.target_dlq

    def check_nothing_lost(self) -> None:
        """Before the replay every order is invoiced or in a DLQ; after it, every order is invoiced once."""
        sent = set(self.sent)
        accounted = self.invoiced_before | self.function_failures | self.target_dlq
        overlap = (self.invoiced_before & (self.function_failures | self.target_dlq)) | (
            self.function_failures & self.target_dlq
        )
        if accounted != sent or overlap:
            raise AccountingError(
                f"before the replay: lost {sorted(sent - accounted)}, counted twice {sorted(overlap)}"
            )
        if self.invoiced_after != sent or self.invoices_stored != len(sent):
            raise AccountingError(
                f"after the replay: {self.invoices_stored} invoices for {len(sent)} orders; "
                f"missing {sorted(sent - self.invoiced_after)}"
            )


def _order(order_id: str, total: int) -> EventEntry:
    return EventEntry("orders", "OrderCreated", {"orderId": order_id, "total": total}, order_id)


def run_failure_and_replay(
    sandbox: Sandbox, *, max_event_age_s: int = 120, throttle_s: float = 200.0
) -> FailureRun | None:
    """Orders flow to an ``invoicing`` consumer while, in turn, its code has a bug (Lambda's async retries,
    then its on-failure queue) and its ``Invoke`` is throttled (the rule target's retry policy, then the
    target's DLQ); after the fix, the archive's window of the incidents is replayed to that rule only."""
    if sandbox.unavailable(
        Capability.PUSH_DELIVERIES,
        "the failing consumer, its retries, DLQs and the replay (EventBridge -> Lambda)",
    ):
        return None
    _fresh_table(sandbox, "invoices", "orderId")
    failures = ensure_queue("invoicing-failures")  # the function's on-failure destination (Lambda's side)
    target_dlq = ensure_queue("invoicing-target-dlq")  # the rule target's DLQ (EventBridge's side)
    for queue in (failures, target_dlq):
        drain_queue(queue.url)
    function = "invoicing"
    environment = {"INVOICES_TABLE": "invoices", "INVOICE_BUG": "0"}
    arn = sandbox.deploy(function, f"{HANDLERS}.invoice", environment=environment, on_failure=failures.arn)
    bus = EventBus.create(FAILURE_BUS)
    archive = bus.create_archive("billing-archive", {"source": ["orders"]})
    policy = {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": max_event_age_s}
    rule_arn = bus.add_rule(INVOICE_RULE, arn, retry_policy=policy, dead_letter_arn=target_dlq.arn)
    targets = router(sandbox.lambdas)
    first_delivery = len(targets.deliveries)
    first_invocation = len(sandbox.lambdas.async_invocations)
    start = sandbox.clock.elapsed
    sent: list[str] = []
    sent_at: dict[str, float] = {}

    def send(order_id: str, total: int) -> None:
        sent.append(order_id)
        sent_at[order_id] = sandbox.clock.elapsed - start
        bus.put([_order(order_id, total)], time=sandbox.clock.now())
        sandbox.advance(10)

    for n in range(1, 5):  # healthy
        send(f"o-{n:02d}", 20 * n)
    bug_from = sandbox.clock.elapsed - start
    sandbox.lambdas.configure(function, environment={**environment, "INVOICE_BUG": "1"})  # a bad deploy
    for n in range(5, 9):
        send(f"o-{n:02d}", 20 * n)
    sandbox.advance(200)  # Lambda's two retries (after about 1 and 2 minutes) fail too
    bug_until = sandbox.clock.elapsed - start
    sandbox.lambdas.configure(function, environment=environment)  # the fix
    throttle_from = sandbox.clock.elapsed - start
    targets.throttle(function, until_s=sandbox.clock.elapsed + throttle_s)
    send("o-09", 180)
    sandbox.advance(throttle_s - 30)
    send("o-10", 200)  # sent 40 s before the throttling ends: delivered by a retry
    _until_quiet(
        sandbox, targets.deliveries[first_delivery:], sandbox.lambdas.async_invocations[first_invocation:]
    )
    throttle_until = throttle_from + throttle_s

    invoices = InvoiceStore("invoices")
    invoiced_before = invoices.order_ids()
    failure_records = drain_queue(failures.url)
    function_failures = {
        json.loads(m["Body"])["requestPayload"]["detail"]["orderId"] for m in failure_records
    }
    dlq_messages = drain_queue(target_dlq.url)
    in_target_dlq = {json.loads(m["Body"])["detail"]["orderId"] for m in dlq_messages}
    dlq_attributes = (
        {k: v["StringValue"] for k, v in dlq_messages[0].get("MessageAttributes", {}).items()}
        if dlq_messages
        else {}
    )
    lambda_attempts: dict[str, list[float]] = {}
    for invocation in sandbox.lambdas.async_invocations[first_invocation:]:
        if invocation.function_name == function:
            order_id = invocation.event["detail"]["orderId"]
            lambda_attempts.setdefault(order_id, []).extend(
                _seconds(sandbox, a.report.started_at) - start for a in invocation.attempts
            )
    target_attempts = {
        d.event["detail"]["orderId"]: [t - start for t in d.attempt_times]
        for d in targets.deliveries[first_delivery:]
    }

    # The fix is live: replay the archive's window of the incidents, to the invoicing rule only.
    origin = sandbox.clock.now() - timedelta(seconds=sandbox.clock.elapsed - start)
    window = (bug_from, throttle_until)
    first_replayed = len(sandbox.lambdas.async_invocations)
    state = bus.replay(
        f"invoicing-after-fix-{uuid.uuid4().hex[:8]}",
        archive,
        origin + timedelta(seconds=window[0]),
        origin + timedelta(seconds=window[1]),
        rule_arns=[rule_arn],
    )
    replay_at = sandbox.clock.elapsed - start
    sandbox.advance(5)
    replayed = {
        inv.event["detail"]["orderId"]
        for inv in sandbox.lambdas.async_invocations[first_replayed:]
        if inv.function_name == function
    }
    return FailureRun(
        sent=sent,
        sent_at=sent_at,
        invoiced_before=invoiced_before,
        function_failures=function_failures,
        target_dlq=in_target_dlq,
        target_dlq_attributes=dlq_attributes,
        lambda_attempts=lambda_attempts,
        target_attempts=target_attempts,
        replay_state=state,
        replay_window=window,
        replayed=replayed,
        invoiced_after=invoices.order_ids(),
        invoices_stored=invoices.count(),
        phases={
            "bug": (bug_from, bug_until),
            "throttled": (throttle_from, throttle_until),
            "replay": (replay_at, replay_at + 5),
        },
        retry_policy=policy,
    )


def _until_quiet(sandbox: Sandbox, deliveries: Sequence[Any], invocations: Sequence[Any]) -> None:
    """Advance the clock a minute at a time until every delivery and invocation of the run has ended."""
    for _ in range(24 * 60):
        sandbox.advance(60)
        if all(d.outcome != "pending" for d in deliveries) and all(
            i.outcome != "pending" for i in invocations
        ):
            return
    raise AccountingError("the failing-consumer run did not settle within a virtual day")


def _seconds(sandbox: Sandbox, moment: Any) -> float:
    origin = sandbox.clock.now() - timedelta(seconds=sandbox.clock.elapsed)
    return float((moment - origin).total_seconds())


def failure_rows(run: FailureRun) -> list[dict[str, Any]]:
    """Per order: when it was sent, its attempts on each side, where it was before and after the replay."""
    rows = []
    for order_id in run.sent:
        before = (
            "invoiced"
            if order_id in run.invoiced_before
            else "Lambda on-failure queue"
            if order_id in run.function_failures
            else "target DLQ"
            if order_id in run.target_dlq
            else "LOST"
        )
        rows.append(
            {
                "order": order_id,
                "sent at s": run.sent_at[order_id],
                "EventBridge attempts": len(run.target_attempts.get(order_id, [])),
                "Lambda attempts": len(run.lambda_attempts.get(order_id, [])),
                "before replay": before,
                "replayed": "yes" if order_id in run.replayed else "",
                "after replay": "invoiced" if order_id in run.invoiced_after else "MISSING",
            }
        )
    return rows


_OUTCOME_COLOURS = {
    "invoiced": "#2a9d8f",
    "Lambda retries, on-failure queue": "#e76f51",
    "target retries, target DLQ": "#8d5a97",
    "target retries, delivered": "#e9c46a",
    "replayed, invoiced": "#264653",
}


def plot_failure_timeline(run: FailureRun, *, size: tuple[float, float] | None = None) -> Figure:
    """One row per order: its attempts (ticks) on the virtual clock, coloured by how it ended, the
    incidents shaded, and the replay."""
    bars = []
    for order_id in run.sent:
        sent = run.sent_at[order_id]
        target_attempts = run.target_attempts.get(order_id, [])
        lambda_attempts = run.lambda_attempts.get(order_id, [])
        end = max([*target_attempts, *lambda_attempts, sent + 1])
        # ticks: Lambda's attempts (seconds apart); EventBridge's retries are too close to label, the bar
        # spans them and the table counts them
        marks = tuple(lambda_attempts) if len(target_attempts) <= 1 else ()
        if order_id in run.function_failures:
            kind = "Lambda retries, on-failure queue"
        elif order_id in run.target_dlq:
            kind = "target retries, target DLQ"
        elif len(run.target_attempts.get(order_id, [])) > 1:
            kind = "target retries, delivered"
        else:
            kind = "invoiced"
        bars.append(GanttBar(order_id, sent, end, kind, marks))
        if order_id in run.replayed:
            replay_start = run.phases["replay"][0]
            bars.append(GanttBar(order_id, replay_start, replay_start + 8, "replayed, invoiced"))
    return gantt(
        bars,
        _OUTCOME_COLOURS,
        rows=run.sent,
        shaded=[run.phases["bug"], run.phases["throttled"]],
        shaded_label="bug, then throttled Invoke",
        title="a failing consumer on the virtual clock",
        xlabel="virtual seconds",
        size=size,
    )


# ---- the demonstration ---------------------------------------------------------------------------


def main() -> int:
    """Run the demonstration and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        print(f"backend: {sandbox.backend.describe()}")
        routing = setup_routing(sandbox)
        print(
            f"\n1. Routing on the custom bus {routing.bus.name!r}: {len(routing.rules)} rules, "
            f"consumers via {routing.via}"
        )
        for rule in routing.rules:
            print(f"   {rule.name:<19} -> {rule.consumer:<17} {rule.shows}: {rule.pattern_json()}")
        rows = routing_rows(sandbox, routing)
        print(table(rows, ["event", "source", "detail-type", "received by"]).indented())
        deliveries = sum(len(row["consumers"]) for row in rows)
        print(f"   {len(rows)} events put, {deliveries} deliveries (each by a real put_events)")
        print(
            "   "
            + route_text(
                sandbox,
                routing,
                '{"source": "orders", "detail-type": "OrderCreated", "detail": {"total": 150}}',
            )
        )
        print("   " + route_text(sandbox, routing, '{"source": "orders", "detail-type": '))
        gap = misspelt_operator(sandbox, routing)
        print(
            f"   moto and a misspelt operator {json.dumps(gap.pattern)}: rule accepted {gap.accepted}, "
            f"a US event delivered {gap.delivered}; AWS would refuse it: {'; '.join(gap.aws_problems)}"
        )

        print("\n2. Seed 002's pipeline: S3 upload -> process-upload -> DynamoDB -> SNS -> send-email")
        run = run_pipeline(sandbox)
        if run is not None:
            print(
                f"   {run.uploads} uploads of {run.orders_per_upload} orders: "
                f"{run.orders_stored} orders stored, "
                f"{run.emails} emails; process-upload {len(run.process_reports)} invocations, "
                f"send-email {len(run.email_reports)} invocations"
            )
            print(
                f"   latency upload -> email (sum of the stages' measured durations; "
                f"the lab's hand-offs take "
                f"no virtual time): mean {_mean(run.latency_ms):.1f} ms, max {max(run.latency_ms):.1f} ms"
            )
            costs = cost_per_10k(run)
            print(table(costs, formats={"usd per 10k": ".4f"}).indented())
            print(f"   total: ${sum(r['usd per 10k'] for r in costs):.4f} per 10,000 uploads")

        print("\n3. Seed 000 (Azure Functions, Service Bus, Cosmos DB) on AWS: one order request sent twice")
        print(table(AZURE_TO_AWS).indented())
        for ids in ("random", "idempotency-key"):
            seed = run_seed_000(sandbox, ids=ids)
            print(
                f"   order ids {seed.ids:<15}: orders stored {seed.orders_stored}, "
                f"messages sent {seed.messages_sent}, "
                f"{seed.messages_in_queue} in the FIFO queue after deduplication"
            )

        print("\n4. A failing consumer: a bug, then throttled Invoke; retries, DLQs, archive and replay")
        failure = run_failure_and_replay(sandbox)
        if failure is not None:
            failure.check_nothing_lost()
            print(f"   target retry policy {failure.retry_policy}")
            print(table(failure_rows(failure)).indented())
            print(
                f"   before the replay: {len(failure.invoiced_before)} invoiced, "
                f"{len(failure.function_failures)} in "
                f"Lambda's on-failure queue, {len(failure.target_dlq)} in the target DLQ; lost "
                f"{len(failure.lost_before_replay())}"
            )
            print(f"   target DLQ message attributes: {failure.target_dlq_attributes}")
            print(
                f"   replay of [{failure.replay_window[0]:.0f} s, {failure.replay_window[1]:.0f} s) "
                f"to the invoicing "
                f"rule only: {failure.replay_state}, {len(failure.replayed)} events replayed; after it "
                f"{failure.invoices_stored} invoices for {len(failure.sent)} orders "
                f"({len(failure.replayed & failure.invoiced_before)} replayed order(s) already invoiced: "
                "the conditional write refused a second invoice); lost 0"
            )
        if sandbox.backend.kind == "moto":
            print(WHO_DID_WHAT)
    return 0
