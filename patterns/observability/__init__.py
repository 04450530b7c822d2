"""Pattern 19 · Logging, metrics, tracing.

**What it is.** Each function writes structured (JSON) logs that carry the platform's request id and a
correlation id that travels with the work from function to function, so one query finds one order in
every log group; custom metrics are written as log lines in Embedded Metric Format, which CloudWatch
turns into metrics without a ``PutMetricData`` call; alarms watch those metrics; a trace shows where
the time of one request went across the functions.

**What the example does.** Three functions linked by SQS queues (place an order, charge it, ship it),
using Powertools Logger and Metrics. The lab captures each invocation's log lines (the CloudWatch Logs
stand-in :mod:`patterns.lab.logs`), puts them in moto's CloudWatch Logs, follows one order through
them, turns the EMF lines into metrics (:mod:`patterns.lab.emf`, as moto does not), evaluates an alarm
on declined payments on the virtual clock (:mod:`patterns.lab.alarms`, as moto does not), draws the
order's trace as a waterfall from the runtime's reports, and measures the bytes ingested per order at
each log level and with debug sampling, priced per GB.

**When to use it.** Always, for anything in production: JSON logs with a correlation id from the first
function on, a few business metrics through EMF, an alarm on each that someone acts on, and INFO
level with a small debug sample rather than DEBUG everywhere.

**Trade-offs.** Every byte logged is billed at ingestion, so DEBUG logs multiply the log bill; EMF
metrics cost log bytes plus a custom metric each (and one per dimension value: high-cardinality
dimensions are expensive); a correlation id must be passed on by every hop (message attributes,
headers) or the trail breaks; sampling keeps the bill down but loses the debug lines of most failures.

**References.** Powertools for AWS Lambda (Python) Logger and Metrics
(https://docs.powertools.aws.dev/lambda/python/latest/core/logger/), the Embedded Metric Format
specification (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
CloudWatch alarm evaluation (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html),
CloudWatch pricing (https://aws.amazon.com/cloudwatch/pricing/).

**TL;DR.** Log JSON with a correlation id passed along every hop, publish metrics as EMF, alarm on
what matters, keep INFO with a debug sample, and price your log lines.
Run it: ``python -m patterns.observability``; explore it: ``notebooks/19-observability.ipynb``.
"""

from patterns.observability.exceptions import InvalidOrderError, ObservabilityError, OrderNotTracedError
from patterns.observability.service import (
    LogRecord,
    Order,
    PaymentDecision,
    Span,
    TraceHop,
    correlation_id_of,
    decide_payment,
    follow_order,
    logging_cost_per_million,
    parse_order,
    structured,
    waterfall,
)

__all__ = [
    "InvalidOrderError",
    "LogRecord",
    "ObservabilityError",
    "Order",
    "OrderNotTracedError",
    "PaymentDecision",
    "Span",
    "TraceHop",
    "correlation_id_of",
    "decide_payment",
    "follow_order",
    "logging_cost_per_million",
    "parse_order",
    "structured",
    "waterfall",
]
