"""The pub/sub demonstration: one order topic fanned out to subscribers with filter policies, a subscriber
added while the publisher runs, costs against the number of subscribers, a dead-letter queue, SNS's
retries to a Lambda subscriber, and a FIFO topic. The notebook calls these functions.

Who receives a message is always decided by SNS (moto) on a real ``publish``; the demonstration only
reads the queues. Every count comes from a run, every dollar from :mod:`patterns.lab.pricing`.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Sequence
from dataclasses import dataclass

from botocore.exceptions import ClientError
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from patterns.lab import sns_delivery
from patterns.lab.capabilities import Capability
from patterns.lab.display import Table, table
from patterns.lab.resources import ensure_queue
from patterns.lab.sandbox import Sandbox, aws_sandbox
from patterns.lab.sources import sqs_event_source
from patterns.pubsub.adapters import (
    CallRecorder,
    EffectStore,
    OrderPublisher,
    QueueReader,
    SubscribedQueue,
    create_topic,
    subscribe_function,
    subscribe_queue,
)
from patterns.pubsub.exceptions import InvalidMessageError
from patterns.pubsub.service import (
    FRAUD_REVIEW_FROM_CENTS,
    LATE_SUBSCRIBER,
    SAMPLE_EVENTS,
    SUBSCRIBERS,
    CostPerMillion,
    OrderEvent,
    Subscriber,
    check_books,
    cost_per_million_publishes,
    groups_in_order,
    parse_attributes,
    parse_body,
)

__all__ = [
    "DEMO_NEEDS",
    "DeadLetterRun",
    "FifoRun",
    "LambdaFailureRow",
    "LateSubscriberRun",
    "MotoDeduplicationCheck",
    "Playground",
    "RoutingRow",
    "cost_sweep",
    "dead_letter_run",
    "envelope_sizes",
    "fifo_run",
    "filtered_cost",
    "lambda_failures",
    "late_subscriber_run",
    "main",
    "moto_content_deduplication",
    "plot_cost_vs_subscribers",
    "plot_routing",
    "plot_sns_retries",
    "routing_table",
]

DEMO_NEEDS: tuple[Capability, ...] = (Capability.PUSH_DELIVERIES,)  # SNS -> Lambda, in lambda_failures


def _label(event: OrderEvent) -> str:
    return f"{event.event_type} {event.order_id} {event.country} {event.total_cents / 100:,.2f} {event.tier}"


def _subscribe_all(
    topic_arn: str, prefix: str, subscribers: Sequence[Subscriber] = SUBSCRIBERS
) -> list[SubscribedQueue]:
    return [subscribe_queue(topic_arn, subscriber, prefix=prefix) for subscriber in subscribers]


# --- Routing: which subscriber receives what -------------------------------------------------------
@dataclass(frozen=True)
class RoutingRow:
    """One published message and the subscribers SNS delivered it to."""

    message: str
    received_by: dict[str, bool]

    def cells(self) -> dict[str, str]:
        return {"message": self.message, **{n: "yes" if got else "-" for n, got in self.received_by.items()}}


def routing_table(sandbox: Sandbox, events: Sequence[OrderEvent] = SAMPLE_EVENTS) -> list[RoutingRow]:
    """Publish each event for real and read every subscriber's queue after it."""
    topic = create_topic("orders-routing")
    queues = _subscribe_all(topic, "routing-")
    publisher = OrderPublisher(topic, sandbox.client("sns"))
    reader = QueueReader()
    rows = []
    for event in events:
        publisher.publish(event)
        rows.append(RoutingRow(_label(event), {q.name: bool(reader.drain(q.queue.url)) for q in queues}))
    return rows


def envelope_sizes(sandbox: Sandbox, event: OrderEvent = SAMPLE_EVENTS[0]) -> dict[str, int]:
    """Bytes one message takes in a raw-delivery queue (billing) and in an enveloped one (audit)."""
    topic = create_topic("orders-envelope")
    queues = {q.name: q for q in _subscribe_all(topic, "envelope-")}
    OrderPublisher(topic, sandbox.client("sns")).publish(event)
    reader = QueueReader()
    raw = reader.drain(queues["billing"].queue.url)[0]
    enveloped = reader.drain(queues["audit"].queue.url)[0]
    return {
        "raw body (billing)": len(raw["Body"].encode()),
        "SNS envelope (audit)": len(enveloped["Body"].encode()),
        "raw message attributes kept": len(raw.get("MessageAttributes", {})),
    }


# --- A new subscriber while the publisher runs ------------------------------------------------------
@dataclass(frozen=True)
class LateSubscriberRun:
    """The publisher ran the same events before and after a team subscribed; what changed."""

    calls_before: list[tuple[str, str]]
    calls_after: list[tuple[str, str]]
    source_before: str
    source_after: str
    late_received_before: int
    late_received_after: int
    others_before: dict[str, int]
    others_after: dict[str, int]

    @property
    def publisher_unchanged(self) -> bool:
        return self.calls_before == self.calls_after and self.source_before == self.source_after


def _publisher_source_digest() -> str:
    return hashlib.sha256(inspect.getsource(OrderPublisher).encode()).hexdigest()[:16]


def late_subscriber_run(sandbox: Sandbox, events: Sequence[OrderEvent] = SAMPLE_EVENTS) -> LateSubscriberRun:
    """Publish ``events`` one a virtual second; the loyalty team subscribes in between; publish them again.

    The publisher has its own boto3 client, recorded call by call; the loyalty team subscribes with
    another client. Nothing on the publisher's side is touched.
    """
    topic = create_topic("orders-live")
    queues = _subscribe_all(topic, "live-")
    publisher = OrderPublisher(topic, sandbox.client("sns", region_name=sandbox.region))
    reader = QueueReader()

    def publish_round() -> tuple[list[tuple[str, str]], dict[str, int]]:
        recorder = CallRecorder()
        with recorder.recording(publisher.client):
            for event in events:
                publisher.publish(event)
                sandbox.advance(1.0)
        return recorder.calls, {q.name: len(reader.drain(q.queue.url)) for q in queues}

    source_before = _publisher_source_digest()
    calls_before, others_before = publish_round()
    loyalty = subscribe_queue(topic, LATE_SUBSCRIBER, prefix="live-")  # the loyalty team's own call
    late_before = len(reader.drain(loyalty.queue.url))
    calls_after, others_after = publish_round()
    late_after = len(reader.drain(loyalty.queue.url))
    return LateSubscriberRun(
        calls_before,
        calls_after,
        source_before,
        _publisher_source_digest(),
        late_before,
        late_after,
        others_before,
        others_after,
    )


# --- Cost per million publishes ----------------------------------------------------------------------
def _measure(
    sandbox: Sandbox, topic: str, queues: Sequence[SubscribedQueue], publishes: int, batch: int
) -> CostPerMillion:
    publisher = OrderPublisher(topic, sandbox.client("sns"))
    events = [SAMPLE_EVENTS[i % len(SAMPLE_EVENTS)] for i in range(publishes)]
    for event in events:
        publisher.publish(event)
    reader = QueueReader(batch=batch)
    deliveries = sum(len(reader.drain(q.queue.url)) for q in queues)
    payload = max(len(json.dumps(e.body(), sort_keys=True).encode()) for e in events)
    return cost_per_million_publishes(
        subscribers=len(queues),
        receive_batch=batch,
        publishes=publishes,
        payload_bytes=payload,
        deliveries=deliveries,
        sqs_requests=reader.billed_requests,
    )


def cost_sweep(
    sandbox: Sandbox,
    subscriber_counts: Sequence[int] = (1, 2, 4, 8),
    receive_batches: Sequence[int] = (1, 10),
    publishes: int = 20,
) -> list[CostPerMillion]:
    """For N unfiltered subscribers: publish, let each consumer drain its queue, price the counts."""
    rows: list[CostPerMillion] = []
    for count in subscriber_counts:
        topic = create_topic(f"orders-cost-{count}")
        queues = _subscribe_all(topic, f"cost-{count}-", [Subscriber(f"s{i + 1}") for i in range(count)])
        rows.extend(_measure(sandbox, topic, queues, publishes, batch) for batch in receive_batches)
    return rows


def filtered_cost(sandbox: Sandbox, publishes: int = 24, batch: int = 10) -> CostPerMillion:
    """The same measurement for the four subscribers with their filter policies."""
    topic = create_topic("orders-cost-filtered")
    return _measure(sandbox, topic, _subscribe_all(topic, "cost-filtered-"), publishes, batch)


def plot_cost_vs_subscribers(rows: Sequence[CostPerMillion]) -> Figure:
    """Dollars per million publishes against the number of subscribers, one line per receive batch."""
    figure = Figure(figsize=(7.5, 3.6), layout="constrained")
    axes = figure.add_subplot()
    sns_line = sorted({(r.subscribers, r.sns_usd) for r in rows})
    axes.plot([n for n, _ in sns_line], [usd for _, usd in sns_line], "k--", label="SNS publishes only")
    for batch in sorted({r.receive_batch for r in rows}):
        points = sorted((r.subscribers, r.total_usd) for r in rows if r.receive_batch == batch)
        axes.plot(
            [n for n, _ in points],
            [usd for _, usd in points],
            "o-",
            label=f"total, consumers receive {batch}",
        )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set(
        title="Pub/sub cost per million publishes",
        xlabel="subscribers (SQS queues, no filter)",
        ylabel="USD per million publishes",
        ylim=(0, None),
    )
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


# --- A subscriber queue with a dead-letter queue ------------------------------------------------------
@dataclass(frozen=True)
class DeadLetterRun:
    """The warehouse's queue after a poison message: processed, dead-lettered, and how often received."""

    published: list[str]
    processed: list[str]
    dead_lettered: list[str]
    max_receive_count: int
    invocations: int
    messages_received: int
    virtual_seconds: float


def dead_letter_run(
    sandbox: Sandbox, *, max_receive_count: int = 3, visibility_timeout_s: int = 30
) -> DeadLetterRun:
    """The warehouse consumer (a Lambda function on its queue) meets an order it cannot process: the
    queue redrives it to its DLQ after ``max_receive_count`` receives; the books balance."""
    topic = create_topic("orders-warehouse")
    warehouse = subscribe_queue(
        topic,
        SUBSCRIBERS[1],
        prefix="dlq-",
        max_receive_count=max_receive_count,
        visibility_timeout_s=visibility_timeout_s,
    )
    store = EffectStore.create("pubsub-warehouse-effects")
    sandbox.deploy(
        "reserve-stock",
        "patterns.pubsub.handlers.reserve_stock_handler",
        environment={"EFFECTS_TABLE": store.table_name},
        timeout_s=5,
    )
    mapping = sqs_event_source(
        sandbox, warehouse.queue.arn, "reserve-stock", batch_size=10, report_batch_item_failures=True
    )
    good = [
        OrderEvent("OrderPlaced", f"o-20{i}", 1_000 * i, country)
        for i, country in enumerate(("FR", "DE", "IT"), 1)
    ]
    publisher = OrderPublisher(topic, sandbox.client("sns"))
    for event in good:
        publisher.publish(event)
    # An old checkout version publishes the total as a string: the warehouse can never process it.
    poison = {"type": "OrderPlaced", "order": {"id": "o-bad", "total_cents": "12.50", "country": "FR"}}
    attributes = {"event_type": {"DataType": "String", "StringValue": "OrderPlaced"}}
    attributes["country"] = {"DataType": "String", "StringValue": "FR"}
    sandbox.client("sns").publish(TopicArn=topic, Message=json.dumps(poison), MessageAttributes=attributes)
    started = sandbox.clock.elapsed
    sandbox.settle()
    for _ in range(max_receive_count + 1):
        sandbox.advance(visibility_timeout_s)
    stats = mapping.stats()
    sandbox.remove_source(mapping)
    assert warehouse.dead_letter_queue is not None
    parked = [
        json.loads(m["Body"])["order"]["id"] for m in QueueReader().drain(warehouse.dead_letter_queue.url)
    ]
    published = sorted([e.order_id for e in good] + ["o-bad"])
    processed = store.keys("warehouse")
    check_books(published, processed, parked)
    return DeadLetterRun(
        published,
        processed,
        parked,
        max_receive_count,
        stats.invocations,
        stats.messages_received,
        sandbox.clock.elapsed - started,
    )


# --- SNS to a Lambda subscriber that fails ----------------------------------------------------------------
@dataclass(frozen=True)
class LambdaFailureRow:
    """One failure of the receipts subscriber and where SNS and Lambda left the message."""

    case: str
    sns_attempts: int
    sns_outcome: str
    lambda_attempts: int
    ended_in: str
    sns_last_attempt_s: float


def lambda_failures(
    sandbox: Sandbox, *, outage_s: float = 90.0, long_outage_s: float = 30 * 86_400.0
) -> list[LambdaFailureRow]:
    """Three failures of an SNS -> Lambda subscription, each run on the virtual clock.

    1. the function raises: SNS delivered (Lambda accepted the event); Lambda retries twice, then sends
       it to the function's on-failure destination; the subscription's DLQ stays empty;
    2. Lambda is unavailable for ``outage_s`` (injected: a server-side error): SNS retries with its
       policy for AWS-managed endpoints until the function takes it;
    3. the subscribed function was deleted (a client-side error): no retry; the subscription's
       RedrivePolicy moves it to its DLQ at once;
    4. Lambda is unavailable for ``long_outage_s``, longer than SNS's whole policy: every retry fails and
       the subscription's RedrivePolicy moves it to its DLQ.
    """
    if sandbox.unavailable(
        Capability.PUSH_DELIVERIES, "SNS retrying and redriving deliveries to the receipts function"
    ):
        return []
    topic = create_topic("orders-receipts")
    subscription_dlq = ensure_queue("receipts-subscription-dlq")
    on_failure = ensure_queue("receipts-on-failure")
    store = EffectStore.create("pubsub-receipt-effects")
    function_arn = sandbox.deploy(
        "send-receipt",
        "patterns.pubsub.handlers.send_receipt",
        environment={"EFFECTS_TABLE": store.table_name},
        on_failure=on_failure.arn,
    )
    placed = Subscriber("receipts", {"event_type": ["OrderPlaced"]})
    subscribe_function(topic, function_arn, placed, dead_letter_arn=subscription_dlq.arn)
    deleted_arn = function_arn.replace("send-receipt", "send-receipt-v1")  # deleted since; still subscribed
    cancelled = Subscriber("receipts-v1", {"event_type": ["OrderCancelled"]})
    subscribe_function(topic, deleted_arn, cancelled, dead_letter_arn=subscription_dlq.arn)
    publisher = OrderPublisher(topic, sandbox.client("sns"))
    reader = QueueReader()
    runtime = sandbox.lambdas
    cases = [
        ("the function raises (no email)", OrderEvent("OrderPlaced", "o-301", 5_000, "FR"), None),
        (
            f"Lambda unavailable for {outage_s:g} s",
            OrderEvent("OrderPlaced", "o-302", 5_000, "FR", email="ada@example.com"),
            outage_s,
        ),
        ("the function was deleted", OrderEvent("OrderCancelled", "o-303", 5_000, "FR"), None),
        (
            f"Lambda unavailable for {long_outage_s / 86_400:g} days",
            OrderEvent("OrderPlaced", "o-304", 5_000, "FR", email="ada@example.com"),
            long_outage_s,
        ),
    ]
    rows = []
    for case, event, outage in cases:
        if outage is not None:
            sns_delivery.make_unavailable(runtime, "send-receipt", outage)
        started, invocations_before = sandbox.clock.elapsed, len(runtime.async_invocations)
        message_id = publisher.publish(event)
        sandbox.advance(outage or 0)
        sandbox.advance(600)  # long enough for Lambda's two asynchronous retries (1 and 2 minutes)
        delivery = next(d for d in sns_delivery.deliveries(runtime) if d.message_id == message_id)
        attempts = sum(len(a.attempts) for a in runtime.async_invocations[invocations_before:])
        in_dlq, in_failures = reader.drain(subscription_dlq.url), reader.drain(on_failure.url)
        last_attempt = delivery.attempts[-1].at_s - started
        if in_dlq:
            ended = "subscription DLQ (SNS)"
        elif in_failures:
            ended = "on-failure destination (Lambda)"
        else:
            ended = "receipt sent" if event.order_id in store.keys("receipts") else "lost"
        rows.append(
            LambdaFailureRow(case, len(delivery.attempts), delivery.outcome, attempts, ended, last_attempt)
        )
    return rows


def plot_sns_retries(count: int = 30) -> Figure:
    """When SNS tries a Lambda endpoint again: the first ``count`` retries of its policy, by phase."""
    figure = Figure(figsize=(7.5, 3.4), layout="constrained")
    axes = figure.add_subplot()
    at, points = 0.0, []
    for index, (phase, delay) in enumerate(sns_delivery.retry_schedule()):
        if index >= count:
            break
        at += delay
        points.append((index + 1, at, phase))
    for phase in dict.fromkeys(p for _, _, p in points):
        chosen = [(n, t) for n, t, p in points if p == phase]
        axes.plot([n for n, _ in chosen], [t for _, t in chosen], "o", label=phase)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set(
        title="SNS retries to a Lambda endpoint", xlabel="retry", ylabel="seconds after the first attempt"
    )
    axes.legend(fontsize="small", loc="upper left")
    return figure


# --- FIFO topic to FIFO queues ----------------------------------------------------------------------------
@dataclass(frozen=True)
class FifoRun:
    """A FIFO topic fanned out to two FIFO queues: order per group and duplicates, per subscriber."""

    published: int
    repeats_published: int
    received: dict[str, int]
    in_group_order: dict[str, bool]
    duplicates: dict[str, int]


def fifo_run(sandbox: Sandbox) -> FifoRun:
    """Three orders' events interleaved, each order its own message group, with explicit deduplication
    ids; then the publisher retries three of them (same ids): SNS drops the repeats."""
    topic = create_topic("orders.fifo", fifo=True)
    subscribers = [Subscriber("billing"), Subscriber("shipping")]
    queues = [subscribe_queue(topic, s, prefix="fifo-", fifo=True) for s in subscribers]
    lifecycle = ("OrderPlaced", "OrderShipped", "OrderCancelled")
    events = [OrderEvent(kind, f"o-4{n}", 2_000 * n, "FR") for kind in lifecycle for n in range(1, 4)]
    publisher = OrderPublisher(topic, sandbox.client("sns"))

    def publish(event: OrderEvent) -> None:
        publisher.publish(
            event, group_id=event.order_id, deduplication_id=f"{event.order_id}:{event.event_type}"
        )

    for event in events:
        publish(event)
    repeats = events[:3]
    for event in repeats:  # a publisher that timed out and tried again
        publish(event)
    reader = QueueReader()
    received, ordered, duplicates = {}, {}, {}
    for queue in queues:
        bodies = [json.loads(m["Body"]) for m in reader.drain(queue.queue.url)]
        keys = [(b["order"]["id"], lifecycle.index(b["type"])) for b in bodies]
        received[queue.name] = len(keys)
        ordered[queue.name] = groups_in_order(keys)
        duplicates[queue.name] = len(keys) - len(set(keys))
    return FifoRun(len(events), len(repeats), received, ordered, duplicates)


@dataclass(frozen=True)
class MotoDeduplicationCheck:
    """What moto does with a FIFO topic's ContentBasedDeduplication (AWS: the topic hashes the body)."""

    publish_error: str | None
    """Publishing without an id to a content-based topic whose queue is not content-based (AWS accepts)."""
    enveloped_copies: int
    """Copies of one body published twice, in a content-based queue behind an enveloping subscription
    (AWS delivers one)."""
    explicit_id_copies: int
    """Copies of one body published twice with the same explicit deduplication id (AWS delivers one)."""


def moto_content_deduplication(sandbox: Sandbox) -> MotoDeduplicationCheck:
    """Measure moto's handling of a topic's content-based deduplication, and of explicit ids."""
    sns, reader = sandbox.client("sns"), QueueReader()
    event = OrderEvent("OrderPlaced", "o-501", 1_000, "FR")
    topic = create_topic("content-based.fifo", fifo=True, content_based_deduplication=True)
    subscribe_queue(topic, Subscriber("plain"), prefix="cbd-", fifo=True)
    error = None
    try:
        OrderPublisher(topic, sns).publish(event, group_id="o-501")
    except ClientError as refused:
        error = str(refused.response["Error"].get("Message", refused))
    topic_2 = create_topic("content-based-2.fifo", fifo=True, content_based_deduplication=True)
    queue = ensure_queue("cbd-enveloped.fifo", attributes={"ContentBasedDeduplication": "true"})
    sns.subscribe(
        TopicArn=topic_2, Protocol="sqs", Endpoint=queue.arn, Attributes={"RawMessageDelivery": "false"}
    )
    for _ in range(2):
        OrderPublisher(topic_2, sns).publish(event, group_id="o-501")
    copies = len(reader.drain(queue.url))
    topic_3 = create_topic("explicit-ids.fifo", fifo=True)
    explicit = subscribe_queue(topic_3, Subscriber("explicit"), prefix="cbd-", fifo=True)
    for _ in range(2):
        OrderPublisher(topic_3, sns).publish(event, group_id="o-501", deduplication_id="o-501:OrderPlaced")
    return MotoDeduplicationCheck(error, copies, len(reader.drain(explicit.queue.url)))


# --- The widget's back end ---------------------------------------------------------------------------------
class Playground:
    """A topic with the four subscribers, for the notebook's widget: publish what was typed, for real,
    and read which queues received it."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.topic = create_topic("orders-playground")
        self.queues = _subscribe_all(self.topic, "play-")
        self.reader = QueueReader()
        self.last_rows: list[dict[str, str]] = []

    def route(self, attributes_text: str, body_text: str) -> list[dict[str, str]]:
        """Publish the typed message; one row per subscriber: its policy and whether it received it.

        Raises :class:`InvalidMessageError` for input SNS would refuse (with SNS's reason when it is
        SNS that refuses)."""
        attributes, body = parse_attributes(attributes_text), parse_body(body_text)
        try:
            self.sandbox.client("sns").publish(
                TopicArn=self.topic, Message=body, MessageAttributes=attributes
            )
        except ClientError as refused:
            raise InvalidMessageError(
                f"SNS refused the message: {refused.response['Error'].get('Message')}"
            ) from None
        rows = []
        for queue, subscriber in zip(self.queues, SUBSCRIBERS, strict=True):
            got = bool(self.reader.drain(queue.queue.url))
            rows.append(
                {
                    "subscriber": subscriber.name,
                    "scope": subscriber.scope if subscriber.filter_policy else "-",
                    "filter policy": subscriber.policy_text(),
                    "received": "yes" if got else "no",
                }
            )
        self.last_rows = rows
        return rows

    def explain(self, attributes_text: str, body_text: str) -> Table | str:
        """:meth:`route` as a table, or the reason the input cannot be published."""
        try:
            return table(self.route(attributes_text, body_text))
        except InvalidMessageError as invalid:
            return f"Not published: {invalid}"

    def explain_order(
        self,
        total_usd: int,
        event_type: str,
        country: str,
        tier: str,
        *,
        extra_attributes: str = "",
        body: str = "",
    ) -> tuple[str, Table | str]:
        """The widget's message: an order event built from the controls, its attributes overridden or
        extended by ``extra_attributes`` (JSON), its body replaced by ``body`` when one is typed.
        Returns a headline and :meth:`explain`'s answer."""
        event = OrderEvent(event_type, "o-widget", total_usd * 100, country, tier)
        headline = f"order total {total_usd} USD, {event_type} from {country}, {tier} customer"
        try:
            extra = json.loads(extra_attributes) if extra_attributes.strip() else {}
        except json.JSONDecodeError:
            extra = None
        if not isinstance(extra, dict):
            return headline, self.explain(extra_attributes, body or "{}")  # explain() words the error
        attributes = json.dumps({**event.attributes(), **extra})
        return headline, self.explain(attributes, body if body.strip() else json.dumps(event.body()))

    def explore(
        self,
        total_usd: int,
        event_type: str,
        country: str,
        tier: str,
        *,
        extra_attributes: str = "",
        body: str = "",
    ) -> list[str | Table | Figure]:
        """What the widget shows: the headline, then the table and its chart, or why nothing was published."""
        headline, answer = self.explain_order(
            total_usd, event_type, country, tier, extra_attributes=extra_attributes, body=body
        )
        if isinstance(answer, str):
            return [headline, answer]
        return [headline, answer, plot_routing(self.last_rows, total_usd)]


def plot_routing(rows: Sequence[dict[str, str]], total_usd: float) -> Figure:
    """The widget's chart: the copies each subscriber received, and the order's total against fraud
    review's threshold (its body filter)."""
    figure = Figure(figsize=(8.5, 2.8), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.1, 1.0])
    names = [row["subscriber"] for row in rows]
    copies = [1 if row["received"] == "yes" else 0 for row in rows]
    left.barh(names, copies, color=["#2ca02c" if n else "#bbbbbb" for n in copies])
    left.invert_yaxis()
    left.set_xlim(0, 1.5)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set(title="copies delivered by SNS", xlabel="copies")
    threshold = FRAUD_REVIEW_FROM_CENTS / 100
    right.axvline(threshold, color="#d62728", linestyle="--", linewidth=1)
    right.annotate(
        "fraud review from here", (threshold, 0.8), xytext=(4, 0), textcoords="offset points", fontsize=8
    )
    right.plot([total_usd], [0.4], "o", color="#1f77b4", markersize=9)
    right.annotate(
        "this order", (total_usd, 0.4), xytext=(0, 8), textcoords="offset points", ha="center", fontsize=8
    )
    right.set(
        xlim=(0, max(3 * threshold, 1.15 * total_usd)),
        ylim=(0, 1),
        yticks=[],
        title="order total (the body filter's field)",
        xlabel="USD",
    )
    return figure


# --- The whole demonstration --------------------------------------------------------------------------------
def _report(sandbox: Sandbox) -> None:
    print(f"Backend: {sandbox.backend.describe()}")
    print("\n1. One topic, four subscribers, SNS decides who gets what (real publishes):")
    print(table([row.cells() for row in routing_table(sandbox)]).indented())
    sizes = envelope_sizes(sandbox)
    print(
        f"   raw delivery: {sizes['raw body (billing)']} bytes in the queue; with SNS's envelope: "
        f"{sizes['SNS envelope (audit)']} bytes"
    )

    late = late_subscriber_run(sandbox)
    print("\n2. The loyalty team subscribes while the publisher runs:")
    print(
        f"   publisher calls before: {len(late.calls_before)}, after: {len(late.calls_after)}, identical: "
        f"{late.calls_before == late.calls_after}; publisher source digest {late.source_before} -> "
        f"{late.source_after}"
    )
    print(
        f"   loyalty received {late.late_received_before} before subscribing, "
        f"{late.late_received_after} after"
    )
    print(f"   the others received {late.others_before} before and {late.others_after} after")

    print(
        "\n3. Cost per million publishes "
        "(SNS publishes + free SNS-to-SQS deliveries + consumers' SQS requests):"
    )
    for row in cost_sweep(sandbox):
        print(
            f"   subscribers {row.subscribers}, receive batch {row.receive_batch:>2}: "
            f"${row.total_usd:.2f} per million publishes (SNS ${row.sns_usd:.2f}, "
            f"deliveries ${row.delivery_usd:.2f}, SQS ${row.sqs_usd:.2f}; "
            f"{row.sqs_requests} SQS requests for {row.deliveries} deliveries)"
        )
    filtered = filtered_cost(sandbox)
    print(
        f"   the four filtered subscribers: {filtered.deliveries / filtered.publishes:.2f} deliveries "
        f"per publish, ${filtered.total_usd:.2f} per million publishes"
    )

    run = dead_letter_run(sandbox)
    print("\n4. The warehouse queue with a DLQ (maxReceiveCount 3) meets a poison order:")
    lost = len(run.published) - len(run.processed) - len(run.dead_lettered)
    print(
        f"   published {len(run.published)}, processed {len(run.processed)}, "
        f"dead-lettered {run.dead_lettered}; lost {lost}; {run.invocations} invocations, "
        f"{run.messages_received} receives in {run.virtual_seconds:.0f} virtual seconds"
    )

    print("\n5. SNS -> Lambda, a failing subscriber (the lab runs SNS's retries on the virtual clock):")
    rows = lambda_failures(sandbox)
    if rows:
        print(table(rows).indented())

    fifo = fifo_run(sandbox)
    print("\n6. FIFO topic -> FIFO queues, explicit deduplication ids:")
    print(
        f"   published {fifo.published} + {fifo.repeats_published} repeats; received {fifo.received}; "
        f"in group order {fifo.in_group_order}; duplicates {fifo.duplicates}"
    )
    check = moto_content_deduplication(sandbox)
    print(f"   moto, content-based topic, no id: publish refused: {check.publish_error!r}")
    print(
        f"   moto, content-based queue behind an envelope: {check.enveloped_copies} copies of one body "
        "(AWS: 1)"
    )
    print(f"   explicit deduplication ids: {check.explicit_id_copies} copy (AWS: 1)")


def main() -> int:
    """Run the demonstration against moto (or the opted-in endpoint) and print what it measured."""
    with aws_sandbox() as sandbox:
        _report(sandbox)
    return 0
