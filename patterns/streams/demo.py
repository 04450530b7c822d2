"""The streams demonstration: order per key, checkpoints and a restart, a poison record under every
failure setting, tumbling windows, ParallelizationFactor, lag and cost against batch size and shards,
the shards a write rate needs, and DynamoDB Streams. The notebook calls these functions.

Counts and iterator ages come from runs against moto on the virtual clock (the lab's Kinesis poller,
:mod:`patterns.lab.sources.streams`); the busy time of a batch comes from the stated
:class:`~patterns.streams.service.WorkModel`; dollars from :mod:`patterns.lab.pricing`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from matplotlib.figure import Figure

from patterns.lab import limits, pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import category_ticks, table
from patterns.lab.resources import ensure_queue, ensure_table
from patterns.lab.sandbox import Sandbox, aws_sandbox, current_sandbox
from patterns.lab.sources import StartingPosition, kinesis_stream_source
from patterns.streams.adapters import (
    PutResult,
    create_stream,
    create_tables,
    put_events,
    read_store,
    read_windows,
)
from patterns.streams.service import OrderEvent, WorkModel, encode_event, make_events, shards_needed

__all__ = [
    "BATCH_SIZES",
    "DEMO_NEEDS",
    "FACTORS",
    "HOURS_PER_MONTH",
    "POISON_CONFIGS",
    "SHARD_COUNTS",
    "DynamoDbStreamRun",
    "LagRun",
    "OrderRun",
    "PoisonConfig",
    "PoisonRun",
    "RestartRun",
    "WindowRun",
    "dynamodb_stream_run",
    "explore",
    "lag_run",
    "main",
    "order_run",
    "plot_iterator_age",
    "plot_lag_and_cost",
    "poison_run",
    "restart_run",
    "shard_rows",
    "window_run",
]

DEMO_NEEDS: tuple[Capability, ...] = ()
HANDLERS = "patterns.streams.handlers"
HOURS_PER_MONTH = 730  # the month of the AWS pricing pages' examples
BATCH_SIZES = (1, 10, 100)
SHARD_COUNTS = (1, 4)
FACTORS = (1, 4)
_MEMORY_MB = 128
_serial = itertools.count(1)


def _name(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


def _consumer(sandbox: Sandbox, handler: str, **environment: str) -> str:
    name = _name(f"streams-{handler.replace('_', '-')}")
    sandbox.deploy(name, f"{HANDLERS}.{handler}", memory_mb=_MEMORY_MB, environment=environment)
    return name


def _produce(
    sandbox: Sandbox,
    stream: str,
    events: Sequence[OrderEvent],
    per_put: int,
    *,
    every_s: float = 1.0,
    then_s: float = 0.0,
) -> list[tuple[float, PutResult]]:
    """Put ``per_put`` events every ``every_s`` virtual seconds (advancing the clock); wait ``then_s``."""
    client = sandbox.client("kinesis")
    puts: list[tuple[float, PutResult]] = []
    for start in range(0, len(events), per_put):
        at = sandbox.clock.elapsed
        puts.extend((at, put) for put in put_events(client, stream, events[start : start + per_put]))
        sandbox.advance(every_s)
    if then_s:
        sandbox.advance(then_s)
    return puts


# ---- 1. order per partition key, within a shard ---------------------------------------------------


@dataclass(frozen=True)
class OrderRun:
    """A run of events for several customers over several shards."""

    shards: int
    events: int
    customers_by_shard: dict[str, list[str]]
    applied: int
    duplicates: int
    order_violations: int
    invocations: int
    batch_sizes: tuple[int, ...]
    get_records_calls: int


def order_run(
    sandbox: Sandbox, *, shards: int = 2, events: int = 30, customers: int = 6, batch_size: int = 10
) -> OrderRun:
    """Put the events with the customer as partition key, consume every shard, check each customer's order."""
    stream, table = _name("orders"), _name("orders-applied")
    create_stream(sandbox.client("kinesis"), stream, shards)
    create_tables(table, client=sandbox.client("dynamodb"))
    puts = put_events(sandbox.client("kinesis"), stream, make_events(events, customers=customers))
    source = kinesis_stream_source(
        sandbox,
        stream,
        _consumer(sandbox, "process_orders", TABLE=table),
        batch_size=batch_size,
        report_batch_item_failures=True,
    )
    sandbox.settle()
    by_shard: dict[str, set[str]] = {}
    for put in puts:
        by_shard.setdefault(put.shard_id, set()).add(put.event.customer)
    snapshot = read_store(sandbox.client("dynamodb"), table)
    stats = source.stats()
    sandbox.remove_source(source)
    return OrderRun(
        shards=shards,
        events=events,
        customers_by_shard={shard: sorted(names) for shard, names in sorted(by_shard.items())},
        applied=snapshot.applied,
        duplicates=snapshot.duplicates,
        order_violations=snapshot.order_violations,
        invocations=stats.invocations,
        batch_sizes=stats.batch_sizes,
        get_records_calls=stats.get_records_calls,
    )


# ---- 2. checkpoints and a consumer restart ----------------------------------------------------------


@dataclass(frozen=True)
class RestartRun:
    """A consumer that dies with a batch in flight, restarted from ``restart``."""

    restart: str
    events: int
    checkpoint_event: str | None
    """The last event checkpointed when the consumer stopped."""
    applied: int
    deliveries: int
    duplicates: int
    lost: int


def restart_run(
    sandbox: Sandbox,
    restart: str = "checkpoint",
    *,
    events: int = 20,
    batch_size: int = 5,
    lose_at: int = 12,
) -> RestartRun:
    """The consumer processes the batch holding event ``lose_at`` and fails before answering (the work
    was done, the checkpoint was not); it is stopped there, the code is fixed, and a new consumer starts
    from ``restart``: ``"checkpoint"`` (the old one's checkpoints), ``"TRIM_HORIZON"`` or ``"LATEST"``.
    """
    stream, table = _name("orders"), _name("orders-applied")
    kinesis = sandbox.client("kinesis")
    create_stream(kinesis, stream, 1)
    create_tables(table, client=sandbox.client("dynamodb"))
    produced = make_events(events)
    puts = put_events(kinesis, stream, produced[:lose_at])
    lose = produced[lose_at].event_id
    first = kinesis_stream_source(
        sandbox,
        stream,
        _consumer(sandbox, "process_orders_all_or_nothing", TABLE=table, LOSE_RESPONSE_FOR=lose),
        batch_size=batch_size,
    )
    puts += put_events(kinesis, stream, produced[lose_at:])
    sandbox.settle()
    checkpoints = first.checkpoints()
    sandbox.remove_source(first)  # the consumer stops with the failed batch not checkpointed
    by_sequence = {put.sequence_number: put.event.event_id for put in puts}
    checkpoint_event = by_sequence.get(next(iter(checkpoints.values()), ""))
    fixed = _consumer(sandbox, "process_orders_all_or_nothing", TABLE=table)
    position: StartingPosition = "TRIM_HORIZON" if restart == "checkpoint" else restart  # type: ignore[assignment]
    second = kinesis_stream_source(
        sandbox,
        stream,
        fixed,
        batch_size=batch_size,
        starting_position=position,
        resume_from=checkpoints if restart == "checkpoint" else None,
    )
    sandbox.settle()
    sandbox.remove_source(second)
    snapshot = read_store(sandbox.client("dynamodb"), table)
    return RestartRun(
        restart=restart,
        events=events,
        checkpoint_event=checkpoint_event,
        applied=snapshot.applied,
        deliveries=snapshot.deliveries,
        duplicates=snapshot.duplicates,
        lost=events - snapshot.applied,
    )


# ---- 3. a poison record, under each failure setting ------------------------------------------------


@dataclass(frozen=True)
class PoisonConfig:
    """The mapping's failure-handling settings for one run."""

    label: str
    bisect: bool = False
    maximum_retry_attempts: int = -1
    maximum_record_age_s: int = -1
    report_batch_item_failures: bool = False
    on_failure: bool = False
    handler: str = ""
    """The handler; by default ``process_orders`` with ReportBatchItemFailures, else all-or-nothing."""


POISON_CONFIGS = (
    PoisonConfig("defaults: retry until the record expires"),
    PoisonConfig("MaximumRecordAgeInSeconds=60", maximum_record_age_s=60, on_failure=True),
    PoisonConfig("BisectBatchOnFunctionError, MaximumRetryAttempts=2", True, 2, on_failure=True),
    PoisonConfig(
        "ReportBatchItemFailures, MaximumRetryAttempts=2",
        maximum_retry_attempts=2,
        report_batch_item_failures=True,
        on_failure=True,
    ),
    PoisonConfig("both, MaximumRetryAttempts=2", True, 2, report_batch_item_failures=True, on_failure=True),
    PoisonConfig(
        "both, Powertools BatchProcessor",
        True,
        2,
        report_batch_item_failures=True,
        on_failure=True,
        handler="process_orders_powertools",
    ),
)


@dataclass(frozen=True)
class PoisonRun:
    """What one failure setting did with one poison record."""

    config: PoisonConfig
    ages: tuple[tuple[float, float], ...]
    """(virtual second, iterator age in seconds) at every invocation."""
    produced: int
    applied: int
    duplicates: int
    reprocessed: int
    """Records handed to the function again (the source's count)."""
    discarded: int
    good_discarded: int
    """Good records never applied and not waiting: given up on with the poison (the destination gets
    only their batch's metadata)."""
    destination_messages: int
    invocations: int
    retries: int
    bisections: int
    blocked_at_end: int
    """Records still waiting behind the poison when the run ended."""

    @property
    def max_age_s(self) -> float:
        return max((age for _, age in self.ages), default=0.0)


def poison_run(
    sandbox: Sandbox,
    config: PoisonConfig,
    *,
    events: int = 40,
    burst: int = 10,
    every_s: float = 5.0,
    poison_at: int = 14,
    batch_size: int = 10,
    horizon_s: float = 300.0,
) -> PoisonRun:
    """Produce ``burst`` events every ``every_s`` seconds, one of them poison; run to ``horizon_s``."""
    stream, table = _name("orders"), _name("orders-applied")
    create_stream(sandbox.client("kinesis"), stream, 1)
    create_tables(table, client=sandbox.client("dynamodb"))
    handler = config.handler or (
        "process_orders" if config.report_batch_item_failures else "process_orders_all_or_nothing"
    )
    destination = (
        ensure_queue(_name("orders-failed"), client=sandbox.client("sqs")) if config.on_failure else None
    )
    start = sandbox.clock.elapsed
    source = kinesis_stream_source(
        sandbox,
        stream,
        _consumer(sandbox, handler, TABLE=table),
        batch_size=batch_size,
        bisect_batch_on_error=config.bisect,
        maximum_retry_attempts=config.maximum_retry_attempts,
        maximum_record_age_s=config.maximum_record_age_s,
        report_batch_item_failures=config.report_batch_item_failures,
        on_failure=destination.arn if destination else None,
    )
    produced = make_events(events, poison_at=(poison_at,))
    puts = _produce(sandbox, stream, produced, burst, every_s=every_s)
    sandbox.advance(max(0.0, start + horizon_s - sandbox.clock.elapsed))
    checkpoint = int(source.checkpoints().get(puts[0][1].shard_id, "-1"))
    waiting = {put.event.event_id for _, put in puts if int(put.sequence_number) > checkpoint}
    stats = source.stats()
    sandbox.remove_source(source)
    snapshot = read_store(sandbox.client("dynamodb"), table)
    poison = produced[poison_at].event_id
    lost = {e.event_id for e in produced} - snapshot.applied_ids - waiting - {poison}
    return PoisonRun(
        config=config,
        ages=tuple((sample.at_s - start, sample.age_s) for sample in source.iterator_ages),
        produced=events,
        applied=snapshot.applied,
        duplicates=snapshot.duplicates,
        reprocessed=stats.records_reprocessed,
        discarded=stats.records_discarded,
        good_discarded=len(lost),
        destination_messages=stats.destination_messages,
        invocations=stats.invocations,
        retries=stats.retries,
        bisections=stats.bisections,
        blocked_at_end=len(waiting),
    )


def plot_iterator_age(runs: Sequence[PoisonRun], *, title: str = "", zoom_s: float = 70.0) -> Figure:
    """Iterator age (lag) of the shard over virtual time, a line per failure setting; the right panel
    shows the first ``zoom_s`` seconds, where the settings that recover part ways."""
    figure = Figure(figsize=(10.0, 4.2), layout="constrained")
    whole, zoom = figure.subplots(1, 2)
    styles = ("-", "--", "-.", ":", (0, (1, 1)))
    for number, run in enumerate(runs):
        times = [t for t, _ in run.ages]
        ages = [age for _, age in run.ages]
        for axes in (whole, zoom):
            axes.plot(times, ages, linestyle=styles[number % 5], marker="o", ms=3, label=run.config.label)
    zoom.set_xlim(0, zoom_s)
    zoom.set_ylim(0, zoom_s)
    whole.set_title("the whole run")
    zoom.set_title(f"the first {zoom_s:g} s")
    for axes in (whole, zoom):
        axes.set_xlabel("virtual seconds since the first record")
    whole.set_ylabel("iterator age (s)")
    figure.suptitle(title or "A poison record blocks its shard: iterator age at every invocation")
    figure.legend(*whole.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize="small")
    return figure


# ---- 4. tumbling windows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowRun:
    """Totals per tumbling window, as the function stored them and as produced."""

    window_s: int
    windows: tuple[dict[str, Any], ...]
    produced_per_window: tuple[int, ...]
    amount_per_window: tuple[int, ...]
    invocations: int
    final_invocations: int


def window_run(
    sandbox: Sandbox, *, window_s: int = 20, events: int = 60, per_second: int = 2, batch_size: int = 25
) -> WindowRun:
    """Aggregate order amounts per tumbling window, the state carried from invocation to invocation."""
    stream, windows = _name("orders"), _name("order-windows")
    create_stream(sandbox.client("kinesis"), stream, 1)
    ensure_table(windows, hash_key="window_start", client=sandbox.client("dynamodb"))
    source = kinesis_stream_source(
        sandbox,
        stream,
        _consumer(sandbox, "aggregate_window", WINDOWS=windows),
        batch_size=batch_size,
        tumbling_window_s=window_s,
    )
    produced = [replace(e, amount_cents=100 + 25 * (i % 7)) for i, e in enumerate(make_events(events))]
    puts = _produce(sandbox, stream, produced, per_second, then_s=2.0 * window_s)
    stats = source.stats()
    sandbox.remove_source(source)
    origin = sandbox.clock.timestamp() - sandbox.clock.elapsed
    counts: Counter[float] = Counter()
    amounts: Counter[float] = Counter()
    for at, put in puts:
        start = (origin + at) // window_s
        counts[start] += 1
        amounts[start] += put.event.amount_cents
    return WindowRun(
        window_s=window_s,
        windows=tuple(read_windows(sandbox.client("dynamodb"), windows)),
        produced_per_window=tuple(counts[k] for k in sorted(counts)),
        amount_per_window=tuple(amounts[k] for k in sorted(amounts)),
        invocations=stats.invocations,
        final_invocations=stats.window_final_invocations,
    )


# ---- 5. lag and cost: batch size, shards, ParallelizationFactor ----------------------------------------


@dataclass(frozen=True)
class LagRun:
    """One configuration under a steady write rate."""

    batch_size: int
    shards: int
    factor: int
    records: int
    seconds: float
    max_lag_s: float
    mean_lag_s: float
    invocations: int
    processed: int
    order_violations: int
    """Events applied before an earlier event of the same customer (checked runs only, else 0)."""
    lambda_monthly_usd: float
    kinesis_monthly_usd: float


def lag_run(
    sandbox: Sandbox,
    *,
    batch_size: int = 10,
    shards: int = 1,
    factor: int = 1,
    per_second: int = 10,
    seconds: int = 10,
    work: WorkModel | None = None,
    check_order: bool = False,
) -> LagRun:
    """Write ``per_second`` records/s for ``seconds``; consume with the work model; measure iterator age.

    Costs are monthly at this rate: Lambda from the invocations counted (each billed for its work-model
    duration), Kinesis provisioned from the shards and the PUT payload units of the records put."""
    model = work or WorkModel()
    stream, table = _name("orders"), _name("orders-applied")
    create_stream(sandbox.client("kinesis"), stream, shards)
    if check_order:
        create_tables(table, client=sandbox.client("dynamodb"))
    function = (
        _consumer(sandbox, "check_order", TABLE=table) if check_order else _consumer(sandbox, "parse_only")
    )
    source = kinesis_stream_source(
        sandbox,
        stream,
        function,
        batch_size=batch_size,
        parallelization_factor=factor,
        report_batch_item_failures=check_order,
        invocation_duration_s=model.as_function(),
    )
    start = sandbox.clock.elapsed
    produced = make_events(per_second * seconds, customers=20)
    puts = _produce(sandbox, stream, produced, per_second)
    while source.stats().records_processed < len(produced):
        sandbox.advance(1.0)
    elapsed = sandbox.clock.elapsed - start
    stats = source.stats()
    sandbox.remove_source(source)
    ages = [sample.age_s for sample in source.iterator_ages]
    scale = HOURS_PER_MONTH * 3600 / seconds
    lambda_usd = scale * sum(
        pricing.lambda_invocation_cost(_MEMORY_MB, pricing.billed_duration_ms(model.duration_s(n) * 1000))
        for n in stats.batch_sizes
    )
    units = pricing.kinesis_put_payload_units([put.size for _, put in puts])
    kinesis_usd = pricing.kinesis_provisioned_cost(shards * HOURS_PER_MONTH, round(units * scale))
    violations = read_store(sandbox.client("dynamodb"), table).order_violations if check_order else 0
    return LagRun(
        batch_size=batch_size,
        shards=shards,
        factor=factor,
        records=len(produced),
        seconds=elapsed,
        max_lag_s=max(ages, default=0.0),
        mean_lag_s=sum(ages) / len(ages) if ages else 0.0,
        invocations=stats.invocations,
        processed=stats.records_processed,
        order_violations=violations,
        lambda_monthly_usd=lambda_usd,
        kinesis_monthly_usd=kinesis_usd,
    )


def plot_lag_and_cost(runs: Sequence[LagRun], *, title: str = "") -> Figure:
    """Left: worst iterator age per configuration; right: monthly cost (Lambda + Kinesis) of each."""
    figure = Figure(figsize=(10.0, 4.2), layout="constrained")
    left, right = figure.subplots(1, 2)
    labels = [
        f"batch {r.batch_size}, {r.shards} shard{'s' if r.shards > 1 else ''}, PF {r.factor}" for r in runs
    ]
    positions = list(range(len(runs)))
    left.bar(positions, [r.max_lag_s for r in runs], color="#d62728")
    left.set_ylabel("worst iterator age (s)")
    left.set_title("lag")
    right.bar(positions, [r.lambda_monthly_usd for r in runs], color="#1f77b4", label="Lambda")
    right.bar(
        positions,
        [r.kinesis_monthly_usd for r in runs],
        bottom=[r.lambda_monthly_usd for r in runs],
        color="#ff7f0e",
        label="Kinesis (provisioned)",
    )
    right.set_ylabel("USD per month at this rate")
    right.set_title("cost")
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    width = 10.0 * 0.4
    for axes in (left, right):
        category_ticks(axes, positions, labels, width_in=width)
    if title:
        figure.suptitle(title)
    return figure


def explore(batch_size: int = 10, shards: int = 1, factor: int = 1, per_second: int = 10) -> Figure:
    """The widget's view: one configuration run in the running sandbox, its lag and cost printed and drawn."""
    run = lag_run(
        current_sandbox(), batch_size=batch_size, shards=shards, factor=factor, per_second=per_second
    )
    print(
        f"batch size {batch_size}, {shards} shard(s), ParallelizationFactor {factor}, "
        f"{per_second} records/s: worst lag {run.max_lag_s:.1f} s, mean {run.mean_lag_s:.2f} s, "
        f"{run.invocations} invocations, "
        f"${run.lambda_monthly_usd:.2f} Lambda + ${run.kinesis_monthly_usd:.2f} Kinesis a month"
    )
    return plot_lag_and_cost([run], title="one configuration (work model: 0.2 s + 0.01 s per record)")


# ---- 6. shards for a write rate; provisioned against on-demand ----------------------------------------


def shard_rows(rates: Sequence[tuple[int, int]]) -> list[dict[str, Any]]:
    """For each (records/s, bytes per record): shards needed and the monthly cost, both capacity modes."""
    rows = []
    for per_second, size in rates:
        shards = shards_needed(per_second, per_second * size)
        month_records = per_second * HOURS_PER_MONTH * 3600
        units = month_records * pricing.kinesis_put_payload_units([size])
        billed = month_records * pricing.kinesis_on_demand_billed_bytes([size])
        rows.append(
            {
                "records/s": per_second,
                "bytes/record": size,
                "MiB/s": per_second * size / 1_048_576,
                "shards": shards,
                "provisioned USD/month": pricing.kinesis_provisioned_cost(shards * HOURS_PER_MONTH, units),
                "on-demand USD/month": pricing.kinesis_on_demand_cost(HOURS_PER_MONTH, billed, billed),
            }
        )
    return rows


# ---- 7. DynamoDB Streams ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DynamoDbStreamRun:
    """A table's changes consumed from its stream."""

    shards: int
    records: int
    event_names: dict[str, int]
    applied: int
    order_violations: int


def dynamodb_stream_run(sandbox: Sandbox, *, orders: int = 5, updates: int = 4) -> DynamoDbStreamRun:
    """Write, update and delete items; consume the stream (item keys are the partition keys)."""
    from patterns.lab.sources import dynamodb_stream_source

    source_table, table = _name("orders-table"), _name("orders-projection")
    dynamodb = sandbox.client("dynamodb")
    ensure_table(source_table, hash_key="order_id", stream_view_type="NEW_AND_OLD_IMAGES", client=dynamodb)
    create_tables(table, client=dynamodb)
    for version in range(1, updates + 1):
        for number in range(orders):
            dynamodb.put_item(
                TableName=source_table,
                Item={"order_id": {"S": f"order-{number}"}, "version": {"N": str(version)}},
            )
    dynamodb.delete_item(TableName=source_table, Key={"order_id": {"S": "order-0"}})
    function = _consumer(sandbox, "project_changes", TABLE=table)
    source = dynamodb_stream_source(
        sandbox, source_table, function, batch_size=7, report_batch_item_failures=True
    )
    sandbox.settle()
    stats = source.stats()
    sandbox.remove_source(source)
    names: Counter[str] = Counter()
    stream_arn = source.stream_arn
    client = sandbox.client("dynamodbstreams")
    for shard_id in source.shard_ids:
        iterator = client.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        names.update(record["eventName"] for record in client.get_records(ShardIterator=iterator)["Records"])
    snapshot = read_store(dynamodb, table)
    return DynamoDbStreamRun(
        shards=len(source.shard_ids),
        records=stats.records_processed,
        event_names=dict(sorted(names.items())),
        applied=snapshot.applied,
        order_violations=snapshot.order_violations,
    )


# ---- the printed report ------------------------------------------------------------------------------------


def _report(sandbox: Sandbox) -> None:
    print("Stream processing: a Kinesis stream of order events consumed by Lambda through the lab's poller")
    print(
        "(moto holds the stream; the lab polls it on the virtual clock, as Lambda's event source mapping "
        "does)."
    )
    print(
        "Durations of batches come from a stated work model (0.2 s + 0.01 s per record): "
        "modelled, not measured.\n"
    )

    run = order_run(sandbox)
    print(f"1. Order per partition key: {run.events} events of 6 customers on {run.shards} shards")
    for shard, customers in run.customers_by_shard.items():
        print(f"   {shard}: {', '.join(customers)}")
    print(
        f"   applied {run.applied}, duplicates {run.duplicates}, order violations {run.order_violations}; "
        f"{run.invocations} invocations of sizes {list(run.batch_sizes)}, "
        f"{run.get_records_calls} GetRecords calls\n"
    )

    print("2. Checkpoints: the consumer does batch 3's work, fails before answering, and is restarted")
    restarts = [restart_run(sandbox, restart) for restart in ("checkpoint", "TRIM_HORIZON", "LATEST")]
    print(
        table(
            restarts,
            ["restart", "events", "checkpoint_event", "applied", "deliveries", "duplicates", "lost"],
        ).indented("   ")
    )
    print()

    print("3. One poison record (event 14 of 40, 10 every 5 s), batch size 10, 300 virtual seconds")
    runs = [poison_run(sandbox, config) for config in POISON_CONFIGS]
    rows = [
        {
            "setting": r.config.label,
            "applied": r.applied,
            "blocked": r.blocked_at_end,
            "discarded": r.discarded,
            "good lost": r.good_discarded,
            "reprocessed": r.reprocessed,
            "duplicates": r.duplicates,
            "invocations": r.invocations,
            "worst lag s": r.max_age_s,
        }
        for r in runs
    ]
    print(table(rows, formats={"worst lag s": ".0f"}).indented("   "))
    print()

    windows = window_run(sandbox)
    print(f"4. Tumbling windows of {windows.window_s} s: the state is carried between invocations")
    for stored, produced, amount in zip(
        windows.windows, windows.produced_per_window, windows.amount_per_window, strict=False
    ):
        print(
            f"   window {stored['start']}: {stored['orders']} orders counted of {produced} produced, "
            f"{sum(stored['amount_cents'].values())} cents of {amount}"
        )
    print(
        f"   {len(windows.windows)} windows, {windows.invocations} invocations, "
        f"{windows.final_invocations} final invocations\n"
    )

    print("5. Lag and cost at 10 records/s for 10 s (monthly at that rate; Kinesis prices unconfirmed)")
    sweep = [
        lag_run(sandbox, batch_size=b, shards=s)
        for s in SHARD_COUNTS
        for b in BATCH_SIZES
        if b < 100 or s == 1
    ]
    sweep += [lag_run(sandbox, batch_size=1, factor=f, check_order=True) for f in FACTORS[1:]]
    print(
        table(
            sweep,
            [
                "batch_size",
                "shards",
                "factor",
                "max_lag_s",
                "mean_lag_s",
                "invocations",
                "order_violations",
                "lambda_monthly_usd",
                "kinesis_monthly_usd",
            ],
            formats={
                "max_lag_s": ".1f",
                "mean_lag_s": ".2f",
                "lambda_monthly_usd": ".2f",
                "kinesis_monthly_usd": ".2f",
            },
        ).indented("   ")
    )
    print()

    size = len(encode_event(make_events(1)[0])) + len("customer-0")
    print(
        f"6. Shards for a write rate (a shard takes {limits.KINESIS_SHARD_WRITE_RECORDS_PER_S:,} "
        "records/s or 1 MiB/s)"
    )
    rates = [(10, size), (1_500, size), (500, 5_000), (5_000, 1_000)]
    print(
        table(
            shard_rows(rates),
            formats={"MiB/s": ".3f", "provisioned USD/month": ".2f", "on-demand USD/month": ".2f"},
        ).indented("   ")
    )
    print()

    ddb = dynamodb_stream_run(sandbox)
    print(
        f"7. DynamoDB Streams: {ddb.shards} shard(s) chosen by DynamoDB, {ddb.records} records "
        f"({', '.join(f'{k} {v}' for k, v in ddb.event_names.items())}), "
        f"{ddb.applied} changes applied, order violations per item {ddb.order_violations}"
    )


def main() -> int:
    """Run the demonstration against moto (or the opted-in endpoint) and print what it measured."""
    with aws_sandbox() as sandbox:
        _report(sandbox)
    return 0
