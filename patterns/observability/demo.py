"""The observability demonstration: three functions linked by SQS queues log JSON with Powertools Logger
(a request id and the order's correlation id on every line) and publish metrics in Embedded Metric
Format with Powertools Metrics. The notebook calls these functions.

Who does what: the handlers, Powertools and every boto3 call are real, against moto. The lab captures
what each execution environment writes (:mod:`patterns.lab.logs`, the CloudWatch Logs stand-in) and puts
it into moto's CloudWatch Logs; moto does not read EMF, so the lab's EMF reader (:mod:`patterns.lab.emf`)
turns the EMF lines into ``PutMetricData``; moto never evaluates alarms, so the lab evaluates the alarm
it reads back from moto on the virtual clock (:mod:`patterns.lab.alarms`). The trace is drawn from the
runtime's invocation reports (start on the virtual clock, measured init and duration), not X-Ray:
Powertools Tracer sends segments to an X-Ray daemon over UDP, which moto does not have.
Every count, byte and millisecond comes from a run, every dollar from :mod:`patterns.lab.pricing`.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from matplotlib.figure import Figure

from patterns.lab import pricing
from patterns.lab.alarms import evaluate_alarm
from patterns.lab.capabilities import Capability
from patterns.lab.display import GanttBar, Table, count_axis, gantt, table
from patterns.lab.emf import put_metric_data, read_emf
from patterns.lab.logs import LogCapture, LogEvent, capture_logs
from patterns.lab.resources import Queue, ensure_queue
from patterns.lab.sandbox import EventSource, Sandbox, aws_sandbox
from patterns.lab.sources import sqs_event_source
from patterns.observability.adapters import filter_log_events, metric_sums, put_alarm
from patterns.observability.service import (
    CORRELATION_HEADER,
    LogRecord,
    Span,
    TraceHop,
    follow_order,
    logging_cost_per_million,
    structured,
    waterfall,
)

__all__ = [
    "ALARM_NAME",
    "DEMO_NEEDS",
    "FUNCTIONS",
    "NAMESPACE",
    "WINDOW_S",
    "LevelCost",
    "OrderTrace",
    "SamplingRun",
    "Shop",
    "TrafficRun",
    "deploy_shop",
    "explore",
    "follow_one_order",
    "level_table",
    "logging_cost_by_level",
    "main",
    "place",
    "plot_log_bytes",
    "plot_metrics",
    "plot_trace",
    "sampling",
    "traffic",
]

DEMO_NEEDS: tuple[Capability, ...] = ()  # the lab's SQS pollers drive every function; no push delivery

FUNCTIONS = ("place-order", "charge-payment", "ship-order")
_HANDLERS = {
    "place-order": ("patterns.observability.handlers.place_order", "orders"),
    "charge-payment": ("patterns.observability.handlers.charge_payment", "payments"),
    "ship-order": ("patterns.observability.handlers.ship_order", "shipping"),
}
NAMESPACE = "Shop"
ALARM_NAME = "payments-declined"
WINDOW_S = 1  # each queue's batching window: the wait a trace shows between functions
_deployments = Counter[str]()


@dataclass
class Shop:
    """The three deployed functions, their queues and the pollers between them."""

    payments: Queue
    shipping: Queue
    sources: list[EventSource] = field(default_factory=list)

    def close(self, sandbox: Sandbox) -> None:
        for source in self.sources:
            sandbox.remove_source(source)
        self.sources.clear()


def deploy_shop(
    sandbox: Sandbox, *, log_level: str = "INFO", sample_rate: float = 0.0, card_limit_cents: int = 50_000
) -> Shop:
    """Deploy the three functions (Powertools configured by environment variables) on fresh queues."""
    _deployments[sandbox.region] += 1
    suffix = _deployments[sandbox.region]
    payments, shipping = ensure_queue(f"payments-{suffix}"), ensure_queue(f"shipping-{suffix}")
    common = {
        "POWERTOOLS_LOG_LEVEL": log_level,
        "POWERTOOLS_LOGGER_SAMPLE_RATE": str(sample_rate),
        "POWERTOOLS_METRICS_NAMESPACE": NAMESPACE,
        "PAYMENTS_QUEUE_URL": payments.url,
        "SHIPPING_QUEUE_URL": shipping.url,
        "CARD_LIMIT_CENTS": str(card_limit_cents),
    }
    for name, (handler, service_name) in _HANDLERS.items():
        sandbox.deploy(name, handler, environment={**common, "POWERTOOLS_SERVICE_NAME": service_name})
    shop = Shop(payments, shipping)
    shop.sources.append(
        sqs_event_source(sandbox, payments.url, "charge-payment", batch_size=10, batching_window_s=WINDOW_S)
    )
    shop.sources.append(
        sqs_event_source(sandbox, shipping.url, "ship-order", batch_size=10, batching_window_s=WINDOW_S)
    )
    return shop


def place(
    sandbox: Sandbox, order_id: str, amount_cents: int, *, card: str = "ok", correlation_id: str = ""
) -> str:
    """Invoke ``place-order`` as an API would (the correlation id in a header); return the id it used."""
    event: dict[str, Any] = {"order_id": order_id, "amount_cents": amount_cents, "card": card}
    if correlation_id:
        event["headers"] = {CORRELATION_HEADER: correlation_id}
    result = sandbox.lambdas.invoke("place-order", event)
    if not result.ok:
        raise RuntimeError(f"place-order failed: {result.payload}")
    return str(result.payload["correlation_id"])


def _records(events: list[LogEvent]) -> list[LogRecord]:
    found = (structured(e.function_name, e.message) for e in events if e.kind == "function")
    return [record for record in found if record is not None]


# --- One order through every function's logs, and its trace ----------------------------------------------
@dataclass(frozen=True)
class OrderTrace:
    correlation_id: str
    records: list[LogRecord]
    """What the lab's query over the captured JSON found, in order."""
    cloudwatch_hits: list[dict[str, Any]]
    """What ``FilterLogEvents`` with the id as a quoted term found in moto's CloudWatch Logs."""
    hops: list[TraceHop]
    spans: list[Span]
    cold: bool

    @property
    def request_ids(self) -> dict[str, str]:
        return {r.function_name: str(r.fields.get("function_request_id")) for r in self.records}

    @property
    def total_ms(self) -> float:
        return self.spans[-1].end_ms if self.spans else 0.0

    def share(self, kind: str) -> float:
        return sum(s.ms for s in self.spans if s.kind == kind) / self.total_ms if self.total_ms else 0.0


def _trace(
    capture: LogCapture, records: list[LogRecord], correlation_id: str, hits: list[dict[str, Any]]
) -> OrderTrace:
    found = follow_order(records, correlation_id)
    request_ids = {str(r.fields.get("function_request_id")) for r in found}
    reports = [report for report in capture.reports() if report.request_id in request_ids]
    origin = min(report.started_at for report in reports)
    hops = [
        TraceHop(
            report.function_name,
            (report.started_at - origin).total_seconds(),
            report.init_ms,
            report.duration_ms,
        )
        for report in reports
    ]
    return OrderTrace(
        correlation_id, found, hits, hops, waterfall(hops), cold=any(r.cold_start for r in reports)
    )


def follow_one_order(sandbox: Sandbox) -> tuple[OrderTrace, OrderTrace]:
    """Two orders, the first meeting cold functions, the second warm ones; each followed through all
    three functions' logs by its correlation id (the lab's query and CloudWatch's ``FilterLogEvents``)."""
    shop = deploy_shop(sandbox, log_level="INFO")
    with capture_logs(sandbox) as capture:
        first = place(sandbox, "o-1001", 2_500, correlation_id="corr-first-order")
        sandbox.advance(3 * WINDOW_S)
        second = place(sandbox, "o-1002", 4_200)
        sandbox.advance(3 * WINDOW_S)
    shop.close(sandbox)
    capture.publish()
    logs = sandbox.client("logs")
    groups = [f"/aws/lambda/{name}" for name in FUNCTIONS]
    records = _records(capture.events())
    traces = []
    for correlation_id in (first, second):
        # moto's FilterLogEvents ignores JSON patterns ({ $.correlation_id = "..." } on AWS): a quoted term
        hits = filter_log_events(logs, groups, f'"{correlation_id}"')
        traces.append(_trace(capture, records, correlation_id, hits))
    return traces[0], traces[1]


_TRACE_COLOURS = {"queue wait": "#c7c7c7", "init": "#ff7f0e", "handler": "#1f77b4"}


def plot_trace(trace: OrderTrace) -> Figure:
    """The trace as a waterfall: queue waits, cold-start inits and handler durations, end to end."""
    bars = [GanttBar(span.row, span.start_ms, span.end_ms, span.kind) for span in trace.spans]
    return gantt(
        bars,
        _TRACE_COLOURS,
        rows=list(FUNCTIONS),
        title=f"one order ({trace.correlation_id}) through three functions",
        xlabel="milliseconds since the order was placed",
    )


# --- Metrics from EMF, and an alarm evaluated on the virtual clock ----------------------------------------
@dataclass(frozen=True)
class TrafficRun:
    minutes: tuple[int, ...]
    series: dict[str, tuple[float, ...]]
    """Per metric, the Sum per minute read back from CloudWatch (``GetMetricStatistics``)."""
    alarm_states: tuple[str, ...]
    """The alarm's state at the end of each minute, evaluated by the lab."""
    alarm_reasons: tuple[str, ...]
    emf_documents: int
    metric_values: int
    put_calls: int
    trouble: tuple[int, int]
    threshold: float
    stored_state: str
    """The state ``DescribeAlarms`` returns at the end (written back by the lab)."""


_METRICS = {
    "OrdersPlaced": "orders",
    "PaymentsCharged": "payments",
    "PaymentsDeclined": "payments",
    "OrdersShipped": "shipping",
}


def traffic(
    sandbox: Sandbox,
    *,
    minutes: int = 10,
    orders_per_minute: int = 4,
    trouble: tuple[int, int] = (4, 6),
    declines_per_minute: int = 2,
    threshold: float = 2,
    seed: int = 7,
) -> TrafficRun:
    """``minutes`` of orders; in the ``trouble`` minutes (inclusive) the payment provider declines some.
    After each minute the lab reads the EMF lines, puts them into CloudWatch and evaluates the alarm
    (PaymentsDeclined Sum >= ``threshold`` in 2 of the last 3 one-minute periods)."""
    rng = random.Random(seed)
    now = sandbox.clock.now()
    sandbox.advance(60 - now.second - now.microsecond / 1e6)  # start on a minute, as CloudWatch's periods do
    start = sandbox.clock.now()
    shop = deploy_shop(sandbox, log_level="INFO")
    cloudwatch = sandbox.client("cloudwatch")
    put_alarm(
        cloudwatch,
        ALARM_NAME,
        namespace=NAMESPACE,
        metric="PaymentsDeclined",
        dimensions={"service": "payments"},
        threshold=threshold,
        period_s=60,
        evaluation_periods=3,
        datapoints_to_alarm=2,
    )
    states: list[str] = []
    reasons: list[str] = []
    documents = values = calls = 0
    with capture_logs(sandbox) as capture:
        seen = 0
        for minute in range(minutes):
            declines = declines_per_minute if trouble[0] <= minute <= trouble[1] else 0
            for number in range(orders_per_minute):
                card = "declined" if number < declines else "ok"
                place(sandbox, f"o-{minute:02d}-{number}", rng.randint(500, 20_000), card=card)
            sandbox.advance(60)
            events = capture.events()
            new = events[seen:]
            seen = len(events)
            data = read_emf(new)
            documents += sum(1 for e in new if e.kind == "function" and e.message.startswith('{"_aws"'))
            values += len(data)
            calls += put_metric_data(cloudwatch, data)
            evaluation = evaluate_alarm(cloudwatch, ALARM_NAME, sandbox.clock.now())
            states.append(evaluation.state)
            reasons.append(evaluation.reason)
    shop.close(sandbox)
    end = start + timedelta(minutes=minutes)
    series: dict[str, tuple[float, ...]] = {}
    for metric, service_name in _METRICS.items():
        sums = metric_sums(
            cloudwatch,
            namespace=NAMESPACE,
            metric=metric,
            dimensions={"service": service_name},
            start=start,
            end=end,
            period_s=60,
        )
        by_minute = {int((stamp - start).total_seconds() // 60): value for stamp, value in sums.items()}
        series[metric] = tuple(by_minute.get(m, 0.0) for m in range(minutes))
    stored = cloudwatch.describe_alarms(AlarmNames=[ALARM_NAME])["MetricAlarms"][0]["StateValue"]
    return TrafficRun(
        tuple(range(minutes)),
        series,
        tuple(states),
        tuple(reasons),
        documents,
        values,
        calls,
        trouble,
        threshold,
        stored,
    )


def plot_metrics(run: TrafficRun) -> Figure:
    """The four metrics per minute as CloudWatch holds them, with the minutes the alarm was in ALARM."""
    figure = Figure(figsize=(8.0, 3.6), layout="constrained")
    axes = figure.add_subplot()
    styles = ("-o", "-s", "-^", "--x")  # charged and shipped often coincide: both stay visible
    for (metric, values), style in zip(run.series.items(), styles, strict=False):
        axes.plot(run.minutes, values, style, markersize=7 if style == "-s" else 5, label=metric)
    axes.axhline(run.threshold, color="#d62728", linestyle=":", linewidth=1, label="alarm threshold")
    for minute, state in zip(run.minutes, run.alarm_states, strict=True):
        if state == "ALARM":
            axes.axvspan(minute - 0.5, minute + 0.5, color="#d62728", alpha=0.12, linewidth=0)
    axes.set(
        xlabel="minute (virtual clock); shaded: alarm in ALARM after that minute",
        ylabel="count per minute (Sum)",
        title="metrics from EMF log lines, read back from CloudWatch",
    )
    count_axis(axes.yaxis)
    count_axis(axes.xaxis)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


# --- What logging costs ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LevelCost:
    level: str
    orders: int
    lines_per_order: float
    platform_bytes: float
    log_bytes: float
    emf_bytes: float

    @property
    def bytes_per_order(self) -> float:
        return self.platform_bytes + self.log_bytes + self.emf_bytes

    @property
    def usd_per_million_orders(self) -> float:
        return logging_cost_per_million(self.bytes_per_order)


def _bytes(events: list[LogEvent], orders: int) -> tuple[float, float, float, float]:
    platform = sum(e.size for e in events if e.kind == "platform") / orders
    emf = sum(e.size for e in events if e.kind == "function" and e.message.startswith('{"_aws"')) / orders
    logs = sum(e.size for e in events if e.kind == "function") / orders - emf
    lines = sum(1 for e in events if e.kind == "function") / orders
    return lines, platform, logs, emf


def _run_orders(sandbox: Sandbox, orders: int, **settings: Any) -> list[LogEvent]:
    shop = deploy_shop(sandbox, **settings)
    with capture_logs(sandbox) as capture:
        for number in range(orders):
            place(sandbox, f"o-{number:04d}", 1_000 + number)
            if number % 10 == 9 or number == orders - 1:
                # the queues hand the orders on in batches of up to 10, one batch at a time: the lab's
                # environments share Powertools' process-wide logger, so two at once would mix its keys
                sandbox.advance(3 * WINDOW_S)
    shop.close(sandbox)
    return capture.events()


def logging_cost_by_level(
    sandbox: Sandbox, levels: tuple[str, ...] = ("DEBUG", "INFO", "WARNING"), *, orders: int = 10
) -> list[LevelCost]:
    """The same orders at each log level: bytes ingested per order, split into the platform's lines,
    the code's JSON lines and the EMF lines."""
    costs = []
    for level in levels:
        lines, platform, logs, emf = _bytes(_run_orders(sandbox, orders, log_level=level), orders)
        costs.append(LevelCost(level, orders, lines, platform, logs, emf))
    return costs


def level_table(costs: list[LevelCost], orders_per_month: int = 10_000_000) -> Table:
    return table(
        [
            {
                "level": cost.level,
                "lines/order": cost.lines_per_order,
                "bytes/order": cost.bytes_per_order,
                "of which JSON logs": cost.log_bytes,
                "platform": cost.platform_bytes,
                "EMF": cost.emf_bytes,
                "$ per 1M orders": cost.usd_per_million_orders,
                f"$ per month at {orders_per_month:,}": cost.usd_per_million_orders * orders_per_month / 1e6,
            }
            for cost in costs
        ],
        formats={
            "lines/order": ".1f",
            "bytes/order": ",.0f",
            "of which JSON logs": ",.0f",
            "platform": ",.0f",
            "EMF": ",.0f",
            "$ per 1M orders": ".4f",
            f"$ per month at {orders_per_month:,}": ".2f",
        },
    )


def plot_log_bytes(costs: list[LevelCost]) -> Figure:
    """Bytes ingested per order at each log level, stacked by where they come from."""
    figure = Figure(figsize=(6.5, 3.4), layout="constrained")
    axes = figure.add_subplot()
    levels = [cost.level for cost in costs]
    bottom = [0.0] * len(costs)
    for label, attribute, colour in (
        ("platform START/END/REPORT", "platform_bytes", "#c7c7c7"),
        ("JSON log lines", "log_bytes", "#1f77b4"),
        ("EMF metrics", "emf_bytes", "#2ca02c"),
    ):
        heights = [getattr(cost, attribute) for cost in costs]
        axes.bar(levels, heights, bottom=bottom, color=colour, label=label)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set(xlabel="POWERTOOLS_LOG_LEVEL", ylabel="bytes ingested per order", title="what each level logs")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


@dataclass(frozen=True)
class SamplingRun:
    sample_rate: float
    orders: int
    invocations: int
    invocations_with_debug: int
    bytes_per_order: float

    @property
    def usd_per_million_orders(self) -> float:
        return logging_cost_per_million(self.bytes_per_order)


def sampling(sandbox: Sandbox, sample_rate: float = 0.1, *, orders: int = 20, seed: int = 3) -> SamplingRun:
    """INFO level with Powertools' debug sampling: each invocation logs at DEBUG with probability
    ``sample_rate`` (drawn by Powertools with Python's ``random``, seeded here for a repeatable run)."""
    random.seed(seed)
    events = _run_orders(sandbox, orders, log_level="INFO", sample_rate=sample_rate)
    requests = {e.request_id for e in events}
    with_debug = {e.request_id for e in events if e.kind == "function" and '"level":"DEBUG"' in e.message}
    return SamplingRun(
        sample_rate, orders, len(requests), len(with_debug), sum(e.size for e in events) / orders
    )


def explore(costs: list[LevelCost], sample_rate: float = 0.1, orders_per_day: int = 100_000) -> Figure:
    """Monthly ingestion cost of INFO with a debug sample of ``sample_rate``, from the measured bytes of
    the DEBUG and INFO runs, beside all-DEBUG and all-INFO."""
    by_level = {cost.level: cost for cost in costs}
    debug, info = by_level["DEBUG"].bytes_per_order, by_level["INFO"].bytes_per_order
    sampled = info + sample_rate * (debug - info)
    orders = orders_per_day * 30
    rows = {
        "INFO": info,
        f"INFO + {sample_rate:.0%} DEBUG": sampled,
        "DEBUG": debug,
    }
    monthly = {name: pricing.cloudwatch_logs_ingestion_cost(round(b * orders)) for name, b in rows.items()}
    print(
        f"sample rate {sample_rate:g}: {sampled:,.0f} bytes per order, "
        f"${monthly[f'INFO + {sample_rate:.0%} DEBUG']:,.2f} a month at {orders_per_day:,} orders a day "
        f"(INFO ${monthly['INFO']:,.2f}, DEBUG ${monthly['DEBUG']:,.2f}; ingestion only, unconfirmed price)"
    )
    figure = Figure(figsize=(6.5, 3.2), layout="constrained")
    axes = figure.add_subplot()
    axes.bar(list(monthly), list(monthly.values()), color=["#1f77b4", "#9467bd", "#ff7f0e"])
    axes.set(ylabel="USD per month (Logs ingestion)", title=f"{orders_per_day:,} orders a day")
    return figure


# --- The demonstration -------------------------------------------------------------------------------------
def _print(title: str, body: object) -> None:
    print(f"\n== {title}")
    print(body)


def main() -> int:
    print("Pattern 19 - logging, metrics, tracing")
    with aws_sandbox() as sandbox:
        cold, warm = follow_one_order(sandbox)
        print("\n== one order followed through every function's logs by its correlation id")
        for record in cold.records:
            fields = record.fields
            print(
                f"{record.function_name:15} {fields['level']:7} {fields['message']:16} "
                f"request {str(fields['function_request_id'])[:8]}  correlation_id {fields['correlation_id']}"
            )
        print(
            f"lab query: {len(cold.records)} lines in {len({r.function_name for r in cold.records})} "
            f"functions; CloudWatch FilterLogEvents on the id: {len(cold.cloudwatch_hits)} events"
        )
        for name, trace in (("cold", cold), ("warm", warm)):
            parts = ", ".join(
                f"{kind} {sum(s.ms for s in trace.spans if s.kind == kind):,.1f} ms ({trace.share(kind):.0%})"
                for kind in ("queue wait", "init", "handler")
            )
            print(f"trace of the {name} order: {trace.total_ms:,.1f} ms end to end: {parts}")
        run = traffic(sandbox)
        _print(
            "metrics from EMF (the lab's reader -> PutMetricData), per minute from GetMetricStatistics",
            table(
                [
                    {
                        "minute": m,
                        **{k: int(v[m]) for k, v in run.series.items()},
                        "alarm": run.alarm_states[m],
                    }
                    for m in run.minutes
                ]
            ),
        )
        alarmed = [m for m, s in zip(run.minutes, run.alarm_states, strict=True) if s == "ALARM"]
        print(
            f"{run.emf_documents} EMF documents, {run.metric_values} metric values, "
            f"{run.put_calls} PutMetricData calls; alarm {ALARM_NAME} in ALARM after minutes {alarmed} "
            f"(trouble in minutes {run.trouble[0]}-{run.trouble[1]}); "
            f"DescribeAlarms now says {run.stored_state}"
        )
        costs = logging_cost_by_level(sandbox)
        _print(
            "what logging costs, per order through three functions (CloudWatch Logs ingestion)",
            level_table(costs),
        )
        for rate in (0.1, 0.5):
            s = sampling(sandbox, rate)
            print(
                f"debug sample rate {rate:g}: {s.invocations_with_debug} of {s.invocations} invocations "
                f"logged DEBUG, {s.bytes_per_order:,.0f} bytes per order, "
                f"${s.usd_per_million_orders:.4f} per 1M orders"
            )
        print(
            f"prices: Logs ingestion ${pricing.cloudwatch_logs_ingestion_cost(1024**3):.2f} per GB, "
            f"{len(_METRICS)} custom metrics "
            f"${pricing.cloudwatch_custom_metrics_cost(len(_METRICS)):.2f} a month "
            "(unconfirmed prices, see patterns.lab.pricing)"
        )
    return 0
