"""The retries demonstration: backoff strategies against a dependency that is down and then recovers,
which errors are retried, botocore's retry modes on real boto3 calls, who retries what by default on
the platform, and how retries multiply across layers. The notebook calls these functions.

What is simulated and what runs: the backoff comparison is a discrete-event simulation on virtual time
(:func:`patterns.retries.service.simulate`: no handler, no boto3). Everything else is real boto3 calls
and real handlers in the local Lambda runtime on moto; the injected errors come from
:mod:`patterns.lab.faults` (botocore's ``before-send`` hook), the waits between retries are virtual.
Every count comes from a run, every dollar from :mod:`patterns.lab.pricing`.
"""

from __future__ import annotations

import contextlib
import json
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from matplotlib.figure import Figure

from patterns.lab import faults, pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import Table, count_axis, table
from patterns.lab.event_targets import router
from patterns.lab.resources import drain_queue, ensure_queue, ensure_table
from patterns.lab.sandbox import Sandbox, aws_sandbox
from patterns.lab.sources import kinesis_stream_source, sqs_event_source
from patterns.retries.adapters import RetryMode, invoke_with_retries, is_transient, sdk_client
from patterns.retries.exceptions import RetriesExhaustedError
from patterns.retries.service import (
    Attempt,
    RetryPolicy,
    SimulationResult,
    Strategy,
    call_with_retries,
    calls_per_second,
    simulate,
)

__all__ = [
    "DEMO_NEEDS",
    "AmplificationRun",
    "StrategyRow",
    "amplification",
    "article_comparison",
    "botocore_modes",
    "compare_strategies",
    "error_classes",
    "explore",
    "main",
    "plot_calls_per_second",
    "strategy_rows",
    "who_retries",
]

DEMO_NEEDS: tuple[Capability, ...] = (Capability.PUSH_DELIVERIES, Capability.STATE_MACHINE_LAMBDA_TASKS)

FUNCTION = "charge-payment"
HANDLER = "patterns.retries.handlers.charge_payment"


# --- Backoff strategies, simulated ------------------------------------------------------------------------
def compare_strategies(
    *,
    clients: int = 100,
    base_s: float = 0.1,
    cap_s: float = 10.0,
    outage_s: float = 5.0,
    capacity_per_s: int = 10,
    seeds: int = 5,
) -> dict[Strategy, list[SimulationResult]]:
    """Every strategy, ``seeds`` runs each (seeds 0..seeds-1), same scenario."""
    return {
        strategy: [
            simulate(
                strategy,
                clients=clients,
                base_s=base_s,
                cap_s=cap_s,
                outage_s=outage_s,
                capacity_per_s=capacity_per_s,
                seed=seed,
            )
            for seed in range(seeds)
        ]
        for strategy in Strategy
    }


@dataclass(frozen=True)
class StrategyRow:
    """A strategy's means over the runs: calls, calls per client, when every client had succeeded."""

    strategy: str
    total_calls: float
    calls_per_client: float
    all_done_s: float
    peak_after_recovery_per_s: float


def _peak_after_recovery(run: SimulationResult) -> int:
    counts = calls_per_second(run.call_times)[math.ceil(run.outage_s) :]
    return max(counts, default=0)


def strategy_rows(results: dict[Strategy, list[SimulationResult]]) -> list[StrategyRow]:
    """One row per strategy (means over its runs)."""
    rows = []
    for strategy, runs in results.items():
        calls = statistics.fmean(r.total_calls for r in runs)
        rows.append(
            StrategyRow(
                strategy.value,
                calls,
                calls / runs[0].clients,
                statistics.fmean(r.all_done_s for r in runs),
                statistics.fmean(_peak_after_recovery(r) for r in runs),
            )
        )
    return rows


def article_comparison(rows: Sequence[StrategyRow]) -> list[dict[str, str]]:
    """What "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015) found, and whether this run
    shows the same (each line is the article's finding; the verdict is computed from ``rows``)."""
    by = {row.strategy: row for row in rows}
    none, full = by[Strategy.NO_JITTER.value], by[Strategy.FULL.value]
    equal, decorrelated = by[Strategy.EQUAL.value], by[Strategy.DECORRELATED.value]
    jittered = [full, equal, decorrelated]
    findings = [
        ("no jitter needs the most calls", all(none.total_calls > r.total_calls for r in jittered)),
        ("no jitter takes the longest", all(none.all_done_s > r.all_done_s for r in jittered)),
        ("full jitter needs fewer calls than decorrelated", full.total_calls < decorrelated.total_calls),
        (
            "full and equal jitter need about the same calls (within 10 %)",
            abs(full.total_calls - equal.total_calls) <= 0.1 * full.total_calls,
        ),
        ("equal jitter takes longer than full jitter", equal.all_done_s > full.all_done_s),
        ("equal jitter takes longer than decorrelated", equal.all_done_s > decorrelated.all_done_s),
    ]
    return [{"the article found": text, "this run": "same" if same else "differs"} for text, same in findings]


def plot_calls_per_second(results: dict[Strategy, list[SimulationResult]], *, seed: int = 0) -> Figure:
    """Calls per second on the dependency over time, one line per strategy (the run with ``seed``)."""
    figure = Figure(figsize=(8.0, 3.6), layout="constrained")
    axes = figure.add_subplot()
    runs = {strategy: runs[seed] for strategy, runs in results.items()}
    end = max(r.all_done_s for r in runs.values() if math.isfinite(r.all_done_s))
    for strategy, run in runs.items():
        counts = calls_per_second(run.call_times, until_s=end)
        axes.step(range(len(counts)), counts, where="post", label=strategy.value, linewidth=1.2)
    outage = next(iter(runs.values())).outage_s
    capacity = next(iter(runs.values())).capacity_per_s
    axes.axvspan(0, outage, color="grey", alpha=0.15, label="dependency down")
    axes.axhline(capacity, color="black", linestyle=":", linewidth=1, label="capacity per second")
    count_axis(axes.yaxis)
    clients = next(iter(runs.values())).clients
    axes.set(
        title=f"{clients} clients retrying (simulated, virtual time)",
        xlabel="seconds since the outage began",
        ylabel="calls per second",
        ylim=(0, None),
    )
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def explore(clients: int = 100, base_s: float = 0.1, cap_s: float = 10.0) -> Figure:
    """The widget's view: print the table for this scenario and return its calls-per-second figure."""
    results = compare_strategies(
        clients=clients, base_s=base_s, cap_s=min(max(cap_s, base_s), 600.0), seeds=3
    )
    print(f"{clients} clients, base {base_s:g} s, cap {max(cap_s, base_s):g} s (means of 3 runs)")
    print(table([row.__dict__ for row in strategy_rows(results)], formats=_ROW_FORMATS))
    return plot_calls_per_second(results)


_ROW_FORMATS = {
    "total_calls": ",.0f",
    "calls_per_client": ".1f",
    "all_done_s": ".1f",
    "peak_after_recovery_per_s": ".0f",
}


# --- Transient or permanent ------------------------------------------------------------------------------
def error_classes(sandbox: Sandbox) -> list[dict[str, Any]]:
    """The hand-built retry loop on a DynamoDB ``GetItem`` whose SDK retries are off: each error is
    answered twice, then the call goes through. Throttling and 5xx are retried; validation is not."""
    table_name = ensure_table("retries-orders", hash_key="pk")
    client = sdk_client(sandbox, "dynamodb", "standard", total_max_attempts=1)  # the SDK does not retry here
    rows = []
    cases = [faults.THROTTLING, faults.SERVICE_UNAVAILABLE, faults.INTERNAL_ERROR, faults.VALIDATION]
    for fault in cases:
        attempts: list[Attempt] = []
        with faults.inject(client, "GetItem", [fault, fault]) as injector:
            try:
                call_with_retries(
                    lambda: client.get_item(TableName=table_name, Key={"pk": {"S": "o-1"}}),
                    RetryPolicy(max_attempts=5),
                    is_transient=is_transient,
                    sleep=lambda _s: None,
                    attempts=attempts,
                )
                outcome = "succeeded"
            except ClientError as error:
                outcome = f"raised {error.response['Error']['Code']} at once"
            except RetriesExhaustedError:
                outcome = "gave up"
        rows.append(
            {
                "error": f"{fault.status} {fault.code}",
                "retried": "yes" if len(attempts) > 1 else "no",
                "calls sent": injector.attempts,
                "outcome": outcome,
            }
        )
    return rows


def botocore_modes(sandbox: Sandbox) -> list[dict[str, Any]]:
    """Real boto3 calls (DynamoDB ``GetItem``, SQS ``GetQueueUrl``) in each retry mode with its default
    attempts, against a stand-in that throttles 2 times, throttles every time, or refuses a request."""
    table_name = ensure_table("retries-orders", hash_key="pk")
    queue = ensure_queue("retries-orders-queue")
    calls: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "dynamodb": ("GetItem", lambda c: c.get_item(TableName=table_name, Key={"pk": {"S": "o-1"}})),
        "sqs": ("GetQueueUrl", lambda c: c.get_queue_url(QueueName=queue.url.rsplit("/", 1)[-1])),
    }
    scenarios = [
        ("throttled 2 times", [faults.THROTTLING] * 2),
        ("throttled every time", [faults.THROTTLING] * 50),
        ("503 once", [faults.SERVICE_UNAVAILABLE]),
        ("validation error", [faults.VALIDATION]),
    ]
    modes: tuple[RetryMode, ...] = ("legacy", "standard", "adaptive")
    rows = []
    for service, (operation, call) in calls.items():
        for mode in modes:
            client = sdk_client(sandbox, service, mode)
            for name, answers in scenarios:  # each client keeps its own retry quota and rate limiter
                with faults.virtual_sleeps() as waits, faults.inject(client, operation, answers) as injector:
                    try:
                        call(client)
                        outcome = "ok"
                    except ClientError as error:
                        outcome = error.response["Error"]["Code"]
                rows.append(
                    {
                        "service": service,
                        "mode": mode,
                        "stand-in": name,
                        "attempts": injector.attempts,
                        "outcome": outcome,
                        "waited (virtual) s": round(waits.total_s, 2),
                    }
                )
    return rows


# --- Who retries what by default --------------------------------------------------------------------------
def _attempts(sandbox: Sandbox, function: str, since: int) -> int:
    return sum(1 for r in sandbox.lambdas.reports[since:] if r.function_name == function)


def who_retries(sandbox: Sandbox) -> list[dict[str, Any]]:
    """One failing event through each of the platform's retrying callers, with its defaults (or the
    setting named), counted from the runtime's invocation reports."""
    sandbox.deploy(FUNCTION, HANDLER, timeout_s=5)
    rows = []

    # Lambda asynchronous invoke: the Lambda service retries twice, then the on-failure destination.
    on_failure = ensure_queue("retries-async-on-failure")
    sandbox.lambdas.configure(FUNCTION, on_failure=on_failure.arn)
    since, started = len(sandbox.lambdas.reports), sandbox.clock.elapsed
    sandbox.client("lambda").invoke(
        FunctionName=FUNCTION, InvocationType="Event", Payload=b'{"order": "o-1"}'
    )
    sandbox.advance(600)
    record = json.loads(drain_queue(on_failure.url)[0]["Body"])
    rows.append(
        {
            "caller": "Lambda async invoke",
            "who retries": "Lambda (async)",
            "setting": "MaximumRetryAttempts 2 (default)",
            "invocations": _attempts(sandbox, FUNCTION, since),
            "ended in": f"on-failure destination (approximateInvokeCount "
            f"{record['requestContext']['approximateInvokeCount']})",
            "virtual s": round(sandbox.clock.elapsed - started),
        }
    )
    sandbox.lambdas.configure(FUNCTION, on_failure=None)

    # SQS: the queue's redrive policy, counted in receives.
    dlq = ensure_queue("retries-orders-dlq")
    queue = ensure_queue(
        "retries-orders-in",
        attributes={
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": "3"}),
        },
    )
    mapping = sqs_event_source(sandbox, queue.arn, FUNCTION, batch_size=1)
    since, started = len(sandbox.lambdas.reports), sandbox.clock.elapsed
    sandbox.client("sqs").send_message(QueueUrl=queue.url, MessageBody='{"order": "o-2"}')
    sandbox.settle()
    for _ in range(4):
        sandbox.advance(30)
    sandbox.remove_source(mapping)
    rows.append(
        {
            "caller": "SQS event source",
            "who retries": "the queue (redelivery)",
            "setting": "maxReceiveCount 3",
            "invocations": _attempts(sandbox, FUNCTION, since),
            "ended in": f"DLQ ({len(drain_queue(dlq.url))} message)",
            "virtual s": round(sandbox.clock.elapsed - started),
        }
    )

    # Kinesis stream source: the mapping retries the batch, then its on-failure destination.
    stream_failures = ensure_queue("retries-stream-on-failure")
    kinesis = sandbox.client("kinesis")
    kinesis.create_stream(StreamName="retries-orders", ShardCount=1)
    source = kinesis_stream_source(
        sandbox, "retries-orders", FUNCTION, maximum_retry_attempts=2, on_failure=stream_failures.arn
    )
    since, started = len(sandbox.lambdas.reports), sandbox.clock.elapsed
    kinesis.put_record(StreamName="retries-orders", Data=b'{"order": "o-3"}', PartitionKey="o-3")
    sandbox.settle()
    sandbox.advance(120)
    sandbox.remove_source(source)
    rows.append(
        {
            "caller": "Kinesis stream source",
            "who retries": "the event source mapping",
            "setting": "MaximumRetryAttempts 2 (default -1: until the record expires)",
            "invocations": _attempts(sandbox, FUNCTION, since),
            "ended in": f"on-failure destination ({len(drain_queue(stream_failures.url))} record)",
            "virtual s": round(sandbox.clock.elapsed - started),
        }
    )

    rows.extend(_eventbridge_row(sandbox))
    rows.extend(_step_functions_row(sandbox))
    return rows


def _eventbridge_row(sandbox: Sandbox) -> list[dict[str, Any]]:
    if sandbox.unavailable(Capability.PUSH_DELIVERIES, "EventBridge retrying a throttled Lambda target"):
        return []
    events = sandbox.client("events")
    dlq = ensure_queue("retries-rule-dlq")
    rule = events.put_rule(Name="retries-orders", EventPattern=json.dumps({"source": ["shop.orders"]}))
    function_arn = sandbox.lambdas.function(FUNCTION).arn
    events.put_targets(
        Rule="retries-orders",
        Targets=[
            {
                "Id": "charge",
                "Arn": function_arn,
                "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": dlq.arn},
            }
        ],
    )
    targets = router(sandbox.lambdas)
    targets.throttle(FUNCTION, until_s=sandbox.clock.elapsed + 86_400)  # Invoke answers 429 all along
    since, started = len(targets.deliveries), sandbox.clock.elapsed
    events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": "{}"}])
    sandbox.advance(600)
    delivery = targets.deliveries[since]
    del rule
    return [
        {
            "caller": "EventBridge rule target (throttled)",
            "who retries": "EventBridge",
            "setting": "RetryPolicy MaximumRetryAttempts 4 (default 185, 24 h)",
            "invocations": 0,
            "ended in": f"target DLQ after {delivery.attempts} Invoke attempts "
            f"({len(drain_queue(dlq.url))} message)",
            "virtual s": round(sandbox.clock.elapsed - started),
        }
    ]


def _step_functions_row(sandbox: Sandbox) -> list[dict[str, Any]]:
    if sandbox.unavailable(Capability.STATE_MACHINE_LAMBDA_TASKS, "a Step Functions Retry on a Lambda task"):
        return []
    from patterns.step_functions.adapters import create_state_machine, run_execution

    arn = sandbox.lambdas.function(FUNCTION).arn
    definition = {
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": arn,
                "Retry": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "IntervalSeconds": 1,
                        "MaxAttempts": 3,
                        "BackoffRate": 2.0,
                    }
                ],
                "End": True,
            }
        },
    }
    machine = create_state_machine(sandbox, "retries-charge", definition)
    since, started = len(sandbox.lambdas.reports), sandbox.clock.elapsed
    result = run_execution(sandbox, machine, {"order": "o-5"})
    return [
        {
            "caller": "Step Functions Task",
            "who retries": "the state machine (Retry)",
            "setting": "Retry MaxAttempts 3, 1 s x 2",
            "invocations": _attempts(sandbox, FUNCTION, since),
            "ended in": f"execution {result.status} ({result.error})",
            "virtual s": round(sandbox.clock.elapsed - started),
        }
    ]


# --- Retry amplification ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AmplificationRun:
    """A chain of functions, each retrying the one below: invocations per layer, and what they cost."""

    attempts_per_layer: list[int]
    invocations: dict[str, int]
    lambda_usd: float
    request_usd: float


def amplification(
    sandbox: Sandbox, *, layers: int = 3, attempts: Sequence[int] = (3, 3, 3)
) -> AmplificationRun:
    """``layers`` functions: the caller invokes the top one with ``attempts[0]`` attempts, each layer
    invokes the next with ``attempts[i]``, the bottom layer calls the dependency, which is down."""
    if len(attempts) != layers:
        raise ValueError(f"one attempt count per layer: {layers} layers, got {list(attempts)}")
    names = [f"layer-{n}" for n in range(1, layers + 1)]
    tag = "-".join(str(a) for a in attempts)
    names = [f"{name}-{tag}" for name in names]
    for index, name in enumerate(names):
        environment = {}
        if index + 1 < layers:
            environment = {"NEXT_FUNCTION": names[index + 1], "ATTEMPTS": str(attempts[index + 1])}
        sandbox.deploy(name, "patterns.retries.handlers.layer", environment=environment, timeout_s=30)
    since = len(sandbox.lambdas.reports)
    with contextlib.suppress(RetriesExhaustedError):
        invoke_with_retries(
            names[0], {"order": "o-6"}, RetryPolicy(max_attempts=attempts[0]), client=sandbox.client("lambda")
        )
    reports = sandbox.lambdas.reports[since:]
    counts = {name: sum(1 for r in reports if r.function_name == name) for name in names}
    return AmplificationRun(
        list(attempts),
        counts,
        sum(r.cost_usd for r in reports),
        pricing.lambda_request_cost(len(reports)),
    )


# --- The demonstration ------------------------------------------------------------------------------------
def _print(title: str, rows: Sequence[dict[str, Any]] | Table) -> None:
    print(f"\n== {title}")
    print(rows if isinstance(rows, Table) else table(list(rows)))


def main() -> int:
    print("Pattern 16 - retries, backoff and dead-letter queues")
    results = compare_strategies()
    rows = strategy_rows(results)
    _print(
        "100 clients, dependency down 5 s then serving 10 calls/s (simulated; means of 5 runs)",
        table([row.__dict__ for row in rows], formats=_ROW_FORMATS),
    )
    _print(
        'compared with "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015)',
        article_comparison(rows),
    )
    with aws_sandbox() as sandbox:
        _print(
            "transient or permanent: the hand-built loop, 5 attempts, each error answered twice",
            error_classes(sandbox),
        )
        _print("botocore's retry modes, default attempts, on real boto3 calls", botocore_modes(sandbox))
        _print(
            "who retries what, one failing event each (invocations counted by the runtime)",
            who_retries(sandbox),
        )
        print("\n== retry amplification: caller -> layer-1 -> layer-2 -> layer-3 -> dependency (down)")
        for attempts in ((3, 3, 3), (3, 1, 1)):
            run = amplification(sandbox, attempts=attempts)
            counts = ", ".join(
                f"{name.split('-')[0]}-{name.split('-')[1]} {count}"
                for name, count in run.invocations.items()
            )
            total = sum(run.invocations.values())
            print(
                f"attempts per layer {run.attempts_per_layer}: invocations {counts} (total {total}); "
                f"cost ${run.lambda_usd:.9f} (requests ${run.request_usd:.9f})"
            )
    return 0
