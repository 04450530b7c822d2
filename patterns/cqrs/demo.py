"""The CQRS demonstration: commands through the front door append events (a conditional write decides
every race), a projector on the event store's stream builds an SQLite FTS5 search index and DynamoDB
views, the lag from command to read model is measured on the virtual clock against the mapping's batch
size and batching window, projections are rebuilt and added by replay, and snapshots are measured.
Every number printed is measured in the run.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from patterns.cqrs.adapters import (
    CustomerStats,
    DynamoDbEventStore,
    OrderView,
    SearchIndex,
    create_tables,
    event_from_item,
    replay_events,
    stream_event_for,
)
from patterns.cqrs.service import (
    CommandService,
    Event,
    LagRun,
    Line,
    Order,
    apply,
    parse_command,
    run_batching_schedule,
    stats_delta,
)
from patterns.lab import limits
from patterns.lab.capabilities import Capability
from patterns.lab.display import count_axis
from patterns.lab.gateway import FrontDoor, HttpResponse
from patterns.lab.races import hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import DynamoDBStreamSource, dynamodb_stream_source

__all__ = [
    "DEMO_NEEDS",
    "POLL_INTERVAL_S",
    "CqrsLab",
    "RaceResult",
    "ReplayResult",
    "SnapshotLoad",
    "add_stats_projection_by_replay",
    "deploy",
    "main",
    "measure_lag",
    "measure_snapshots",
    "order_body",
    "place_order",
    "plot_lag",
    "plot_lag_run",
    "plot_snapshots",
    "race_two_commands",
    "rebuild_search_by_replay",
    "redelivered_batch",
    "sweep_lag",
]

DEMO_NEEDS: tuple[Capability, ...] = ()  # the stream poller and the front door run in the lab
POLL_INTERVAL_S = 1 / limits.DYNAMODB_STREAMS_POLLS_PER_S
CITIES = ("Lisbon", "Porto", "Braga", "Faro")
PRODUCTS = (("lamp", "desk lamp", 2499), ("mug", "coffee mug", 899), ("chair", "office chair", 15900))


@dataclass
class CqrsLab:
    """One deployment: tables, the three functions, the front doors and the projector's stream source."""

    sandbox: Sandbox
    prefix: str
    commands: FrontDoor
    queries: FrontDoor
    events_table: str
    events_arn: str
    snapshots_table: str
    view_table: str
    stats_table: str
    search_db: str
    projector: str
    source: DynamoDBStreamSource | None

    @property
    def store(self) -> DynamoDbEventStore:
        return DynamoDbEventStore(self.sandbox.client("dynamodb"), self.events_table, self.snapshots_table)

    def search(self) -> SearchIndex:
        return SearchIndex(self.search_db)

    def view(self) -> OrderView:
        return OrderView(self.sandbox.client("dynamodb"), self.view_table)


def deploy(
    sandbox: Sandbox,
    prefix: str = "orders",
    *,
    append_mode: str = "conditional",
    snapshot_every: int = 0,
    batch_size: int = limits.STREAM_BATCH_SIZE_DEFAULT,
    attach_projector: bool = True,
    search_dir: str | None = None,
) -> CqrsLab:
    """Create the tables, deploy the command, query and projector functions, and (``attach_projector``)
    the projector's DynamoDB Streams mapping (TRIM_HORIZON)."""
    names = {k: f"{prefix}-{k}" for k in ("events", "snapshots", "view", "stats")}
    arns = create_tables(
        events=names["events"],
        snapshots=names["snapshots"],
        view=names["view"],
        stats=names["stats"],
        client=sandbox.client("dynamodb"),
    )
    folder = search_dir or tempfile.mkdtemp(prefix="cqrs-search-")
    search_db = str(Path(folder) / f"{prefix}-search.sqlite3")
    environment = {
        "EVENTS_TABLE": names["events"],
        "SNAPSHOTS_TABLE": names["snapshots"] if snapshot_every else "",
        "SNAPSHOT_EVERY": str(snapshot_every),
        "APPEND_MODE": append_mode,
        "VIEW_TABLE": names["view"],
        "STATS_TABLE": names["stats"],
        "SEARCH_DB": search_db,
        "PROJECTIONS": "search,view",
    }
    sandbox.deploy(f"{prefix}-command", "patterns.cqrs.handlers.command", environment=environment)
    sandbox.deploy(f"{prefix}-query", "patterns.cqrs.handlers.query", environment=environment)
    projector = f"{prefix}-projector"
    sandbox.deploy(projector, "patterns.cqrs.handlers.project", environment=environment)
    source = None
    if attach_projector:
        source = dynamodb_stream_source(sandbox, names["events"], projector, batch_size=batch_size)
    commands = FrontDoor(
        sandbox.lambdas,
        {"POST /orders": f"{prefix}-command", "POST /orders/{id}/{action}": f"{prefix}-command"},
    )
    queries = FrontDoor(
        sandbox.lambdas, {"GET /orders/{id}": f"{prefix}-query", "GET /search": f"{prefix}-query"}
    )
    return CqrsLab(
        sandbox,
        prefix,
        commands,
        queries,
        names["events"],
        arns[names["events"]],
        names["snapshots"],
        names["view"],
        names["stats"],
        search_db,
        projector,
        source,
    )


def order_body(number: int) -> dict[str, Any]:
    """A small order made from ``number`` (customer, city and product vary with it)."""
    sku, name, price = PRODUCTS[number % len(PRODUCTS)]
    return {
        "customer": f"customer-{number % 5}",
        "city": CITIES[number % len(CITIES)],
        "lines": [{"sku": sku, "name": name, "quantity": 1 + number % 3, "price_cents": price}],
    }


def place_order(lab: CqrsLab, number: int, *, order_id: str | None = None) -> HttpResponse:
    """``POST /orders`` with :func:`order_body` (and ``order_id`` if given)."""
    body = order_body(number)
    if order_id is not None:
        body["order_id"] = order_id
    return lab.commands.request("POST", "/orders", body=body)


# ---- 1. two commands on the same version ----------------------------------------------------------


@dataclass(frozen=True)
class RaceResult:
    """Two commands sent together on the same version: their statuses and what the store kept."""

    append_mode: str
    statuses: tuple[int, ...]
    events_stored: int
    kept: tuple[str, ...]
    """The stored events' types, in version order."""
    rounds: int
    stalled: str | None


def race_two_commands(lab: CqrsLab, order_id: str) -> RaceResult:
    """Place ``order_id``, then send an add-item and a cancel on version 1 at once, each command's read
    held until both have read (``hold_reads``): both decide on version 1, both append version 2."""
    placed = place_order(lab, 0, order_id=order_id)
    if placed.status != 201:
        raise RuntimeError(f"placing {order_id} answered {placed.status}: {placed.text}")
    requests = [
        (
            f"/orders/{order_id}/items",
            {"expected_version": 1, "sku": "mug", "name": "coffee mug", "quantity": 1, "price_cents": 899},
        ),
        (f"/orders/{order_id}/cancel", {"expected_version": 1, "reason": "changed my mind"}),
    ]
    with hold_reads(len(requests)) as gate, ThreadPoolExecutor(len(requests)) as pool:
        send = gate.participant(lambda r: lab.commands.request("POST", r[0], body=r[1]))
        responses = list(pool.map(send, requests))
    report = gate.report()
    events = DynamoDbEventStore(lab.sandbox.client("dynamodb"), lab.events_table).events(order_id)
    mode = str(lab.sandbox.lambdas.function(f"{lab.prefix}-command").config.environment["APPEND_MODE"])
    return RaceResult(
        mode,
        tuple(r.status for r in responses),
        len(events),
        tuple(e.type for e in events),
        report.rounds,
        report.stalled,
    )


# ---- 2. lag from command to read model -------------------------------------------------------------


def measure_lag(
    lab: CqrsLab,
    *,
    batch_size: int,
    window_s: float,
    orders: int = 30,
    rate_per_s: float = 20.0,
) -> LagRun:
    """Place ``orders`` orders at ``rate_per_s`` on the virtual clock and project them through a fresh
    stream mapping (batch size, batching window); each record's lag is from its append to the end of
    the invocation that projected it (the invocation's measured duration counts). The orders are placed
    by the command side's own service in this process (the same code the command function runs,
    without the front door's round trip: the lag starts at the append)."""
    if not 0 <= window_s <= limits.STREAM_BATCH_WINDOW_MAX_S:
        raise ValueError(f"window_s must be 0-{limits.STREAM_BATCH_WINDOW_MAX_S}, got {window_s}")
    sandbox, clock = lab.sandbox, lab.sandbox.clock
    source = DynamoDBStreamSource(
        sandbox, lab.events_table, lab.projector, batch_size=batch_size, starting_position="LATEST"
    )
    base = clock.elapsed

    commands = CommandService(lab.store)

    def arrive(index: int, at: float) -> None:
        clock.advance_to(max(clock.elapsed, base + at))
        commands.handle(f"{lab.prefix}-{base:.3f}-{index}", parse_command("place", order_body(index)), at=at)

    def invoke(at: float, _wanted: int) -> tuple[int, float]:
        clock.advance_to(max(clock.elapsed, base + at))
        before = len(source.stats().batch_sizes)
        source.poll()
        sizes = source.stats().batch_sizes
        if len(sizes) == before:
            return 0, 0.0
        report = next(r for r in reversed(sandbox.lambdas.reports) if r.function_name == lab.projector)
        return sizes[-1], report.duration_ms / 1000

    try:
        arrivals = [index / rate_per_s for index in range(orders)]
        return run_batching_schedule(
            arrivals,
            batch_size=batch_size,
            window_s=window_s,
            poll_interval_s=POLL_INTERVAL_S,
            arrive=arrive,
            invoke=invoke,
        )
    finally:
        source.close()


def sweep_lag(
    lab: CqrsLab,
    batch_sizes: Sequence[int] = (1, 10, 100),
    windows_s: Sequence[float] = (0.0, 0.5, 1.0, 2.0),
    *,
    orders: int = 30,
    rate_per_s: float = 20.0,
) -> list[LagRun]:
    """:func:`measure_lag` for every batch size and window."""
    return [
        measure_lag(lab, batch_size=size, window_s=window, orders=orders, rate_per_s=rate_per_s)
        for size in batch_sizes
        for window in windows_s
    ]


# ---- 3. replay ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayResult:
    """A projection built by replaying the event store."""

    what: str
    events: int
    invocations: int
    scan_requests: int
    read_units: float
    seconds: float
    matches: bool
    """The rebuilt or new projection equals what it should be."""


def _replay(lab: CqrsLab, function: str) -> tuple[int, int, int, float]:
    store = DynamoDbEventStore(lab.sandbox.client("dynamodb"), lab.events_table)
    batches = replay_events(store)
    for batch in batches:
        result = lab.sandbox.lambdas.invoke(function, stream_event_for(batch, lab.events_arn))
        if not result.ok:
            raise RuntimeError(f"the replay into {function} failed: {result.payload!r}")
    return sum(len(b) for b in batches), len(batches), store.reads.requests, store.reads.read_units


def rebuild_search_by_replay(lab: CqrsLab) -> ReplayResult:
    """Empty the search index, then replay every stored event into it through the projector's own
    handler (a function deployed with only the search projection): the same rows come back."""
    search = lab.search()
    before = search.versions()
    search.clear()
    function = f"{lab.prefix}-rebuild-search"
    environment = dict(lab.sandbox.lambdas.function(lab.projector).config.environment)
    lab.sandbox.deploy(
        function, "patterns.cqrs.handlers.project", environment={**environment, "PROJECTIONS": "search"}
    )
    started = time.perf_counter()
    events, invocations, requests, units = _replay(lab, function)
    seconds = time.perf_counter() - started
    after = search.versions()
    search.close()
    return ReplayResult("rebuild search", events, invocations, requests, units, seconds, after == before)


def add_stats_projection_by_replay(lab: CqrsLab, *, later_orders: int = 3) -> ReplayResult:
    """Add customer statistics after the fact: subscribe a new projector to the stream first (LATEST),
    replay the store into it, place ``later_orders`` more orders, settle; the statistics must equal
    those computed from every stored event (the overlap is skipped by version)."""
    sandbox = lab.sandbox
    function = f"{lab.prefix}-stats-projector"
    environment = dict(sandbox.lambdas.function(lab.projector).config.environment)
    sandbox.deploy(
        function, "patterns.cqrs.handlers.project", environment={**environment, "PROJECTIONS": "stats"}
    )
    dynamodb_stream_source(sandbox, lab.events_table, function, starting_position="LATEST")
    started = time.perf_counter()
    events, invocations, requests, units = _replay(lab, function)
    seconds = time.perf_counter() - started
    for number in range(later_orders):
        place_order(lab, 100 + number)
    sandbox.settle()
    got = CustomerStats(sandbox.client("dynamodb"), lab.stats_table).customers()
    return ReplayResult(
        "add customer stats", events, invocations, requests, units, seconds, got == expected_stats(lab)
    )


def expected_stats(lab: CqrsLab) -> dict[str, dict[str, int]]:
    """Customer statistics computed straight from every stored event (the truth a projection must reach)."""
    store = DynamoDbEventStore(lab.sandbox.client("dynamodb"), lab.events_table)
    customers: dict[str, str] = {}
    totals: dict[str, dict[str, int]] = {}
    for batch in replay_events(store):
        for item in batch:
            event = event_from_item(item)
            if event.type == "OrderPlaced":
                customers[event.order_id] = str(event.data["customer"])
            row = totals.setdefault(
                customers[event.order_id], {"orders": 0, "cancelled": 0, "spent_cents": 0}
            )
            for key, value in stats_delta(event).items():
                row[key] += value
    return totals


def redelivered_batch(lab: CqrsLab, *, style: str) -> dict[str, int]:
    """Deliver the store's first batch of events twice (as after a function error or timeout) to a
    statistics projector in ``style`` ``"stats"`` (guarded) or ``"seed-stats"`` (seed 001's ADD);
    return the ``orders`` counted per customer."""
    sandbox = lab.sandbox
    table = f"{lab.prefix}-{style}-table"
    ensure_table(table, hash_key="pk", client=sandbox.client("dynamodb"))
    function = f"{lab.prefix}-{style}-redelivered"
    environment = dict(sandbox.lambdas.function(lab.projector).config.environment)
    sandbox.deploy(
        function,
        "patterns.cqrs.handlers.project",
        environment={**environment, "PROJECTIONS": style, "STATS_TABLE": table},
    )
    batch = replay_events(DynamoDbEventStore(sandbox.client("dynamodb"), lab.events_table))[0]
    event = stream_event_for(batch, lab.events_arn)
    for _ in range(2):
        sandbox.lambdas.invoke(function, event)
    stats = CustomerStats(sandbox.client("dynamodb"), table).customers()
    return {customer: row["orders"] for customer, row in sorted(stats.items())}


# ---- 4. snapshots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotLoad:
    """Loading one order of ``events`` events, with or without snapshots: what the reads cost."""

    events: int
    snapshots: bool
    requests: int
    items_read: int
    read_units: float
    moto_units: float
    milliseconds: float


def _long_order(store: DynamoDbEventStore, order_id: str, events: int, snapshot_every: int) -> None:
    """Append an order of ``events`` events (placed, then items added), snapshotting as the command
    side does."""
    order = Order(order_id)
    for version in range(1, events + 1):
        if version == 1:
            line = Line("lamp", "desk lamp", 1, 2499).to_dict()
            event = Event(order_id, 1, "OrderPlaced", {"customer": "c-1", "city": "Lisbon", "lines": [line]})
        else:
            line = Line(f"sku-{version}", f"spare part {version}", 1, 100 + version).to_dict()
            event = Event(order_id, version, "ItemAdded", {"line": line})
        store.append(event)
        order = apply(order, event)
        if snapshot_every and version % snapshot_every == 0:
            store.save_snapshot(order)


def measure_snapshots(
    lab: CqrsLab, sizes: Sequence[int] = (10, 100, 300), *, snapshot_every: int = 100
) -> list[SnapshotLoad]:
    """For each size, one order of that many events; load it without and with snapshots."""
    client = lab.sandbox.client("dynamodb")
    loads: list[SnapshotLoad] = []
    for events in sizes:
        order_id = f"long-{events}"
        _long_order(
            DynamoDbEventStore(client, lab.events_table, lab.snapshots_table),
            order_id,
            events,
            snapshot_every,
        )
        for snapshots in (False, True):
            store = DynamoDbEventStore(client, lab.events_table, lab.snapshots_table if snapshots else None)
            started = time.perf_counter()
            order = store.load(order_id)
            took = (time.perf_counter() - started) * 1000
            if order.version != events:
                raise RuntimeError(f"loaded {order_id} at version {order.version}, expected {events}")
            reads = store.reads
            loads.append(
                SnapshotLoad(
                    events, snapshots, reads.requests, reads.items, reads.read_units, reads.moto_units, took
                )
            )
    return loads


# ---- figures --------------------------------------------------------------------------------------


def plot_lag(runs: Sequence[LagRun]) -> Figure:
    """p50 and max lag against the batching window, a colour per batch size; invocations beside it."""
    figure = Figure(figsize=(10, 3.8), layout="constrained")
    lag, calls = figure.subplots(1, 2)
    sizes = sorted({run.batch_size for run in runs})
    for index, size in enumerate(sizes):
        mine = sorted((r for r in runs if r.batch_size == size), key=lambda r: r.window_s)
        windows, colour = [r.window_s for r in mine], f"C{index}"
        lag.plot(windows, [r.p50_s for r in mine], marker="o", color=colour, label=f"batch {size}, p50")
        lag.plot(
            windows,
            [r.max_s for r in mine],
            marker="x",
            linestyle=":",
            color=colour,
            label=f"batch {size}, max",
        )
        calls.plot(windows, [r.invocations for r in mine], marker="o", color=colour, label=f"batch {size}")
    lag.set(xlabel="batching window (s)", ylabel="command to read model (s)", title="Lag (virtual clock)")
    calls.set(xlabel="batching window (s)", ylabel="projector invocations", title="Invocations")
    count_axis(calls.yaxis)
    lag.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    calls.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return figure


def plot_lag_run(run: LagRun) -> Figure:
    """One run: each record's lag, in append order, coloured by the invocation that projected it."""
    figure = Figure(figsize=(8, 3.2), layout="constrained")
    axes = figure.subplots()
    start = 0
    for number, size in enumerate(run.batches):
        records = list(range(start + 1, start + size + 1))
        axes.bar(records, run.lags_s[start : start + size], color=f"C{number % 10}", width=0.8)
        start += size
    axes.set(
        xlabel="record, in append order",
        ylabel="lag (s)",
        title=f"batch size {run.batch_size}, window {run.window_s:g} s: {run.invocations} invocations",
    )
    count_axis(axes.xaxis)
    return figure


def plot_snapshots(loads: Sequence[SnapshotLoad]) -> Figure:
    """Read units, items read and load time for one order, against its number of events, with and
    without snapshots (log scale for the events and the items)."""
    figure = Figure(figsize=(11, 3.6), layout="constrained")
    units, items, took = figure.subplots(1, 3)
    for snapshots, marker in ((False, "o"), (True, "s")):
        mine = [load for load in loads if load.snapshots is snapshots]
        label = "with snapshots" if snapshots else "events only"
        events = [m.events for m in mine]
        units.plot(events, [m.read_units for m in mine], marker=marker, label=label)
        items.plot(events, [m.items_read for m in mine], marker=marker, label=label)
        took.plot(events, [m.milliseconds for m in mine], marker=marker, label=label)
    plain = FuncFormatter(lambda value, _position: f"{value:g}")
    for axes in (units, items, took):
        axes.set_xscale("log")
        axes.xaxis.set_major_formatter(plain)
        axes.legend(loc="upper left")
    items.set_yscale("log")
    items.yaxis.set_major_formatter(plain)
    items.yaxis.set_minor_formatter(NullFormatter())
    units.set(xlabel="events in the order", ylabel="read units per load", title="Read units")
    items.set(xlabel="events in the order", ylabel="items read per load", title="Items read")
    took.set(xlabel="events in the order", ylabel="load time (ms, moto)", title="Time")
    return figure


# ---- the demonstration ----------------------------------------------------------------------------


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def main() -> int:
    """Run the demonstration against moto (or the opted-in endpoint) and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox, tempfile.TemporaryDirectory(prefix="cqrs-") as folder:
        print("1. Commands append events; the projector builds the read models from the stream")
        lab = deploy(sandbox, search_dir=folder)
        placed = place_order(lab, 0, order_id="o-1")
        print(f"   POST /orders                -> {placed.status} {placed.json()}")
        early = lab.queries.request("GET", "/orders/o-1")
        print(f"   GET /orders/o-1 at once     -> {early.status} (the projector has not run yet)")
        sandbox.settle()
        late = lab.queries.request("GET", "/orders/o-1")
        print(f"   GET /orders/o-1 after poll  -> {late.status} version {late.json()['version']}")
        add = {
            "expected_version": 1,
            "sku": "chair",
            "name": "office chair",
            "quantity": 1,
            "price_cents": 15900,
        }
        added = lab.commands.request("POST", "/orders/o-1/items", body=add)
        stale = lab.commands.request(
            "POST", "/orders/o-1/cancel", body={"expected_version": 1, "reason": "x"}
        )
        print(f"   add item at version 1       -> {added.status} {added.json()}")
        print(f"   cancel at version 1 (stale) -> {stale.status} {stale.json()['message'][:60]}...")
        lab.commands.request("POST", "/orders/o-1/cancel", body={"expected_version": 2, "reason": "x"})
        shipped = lab.commands.request("POST", "/orders/o-1/ship", body={"expected_version": 3})
        missing = lab.commands.request("POST", "/orders/nope/ship", body={"expected_version": 1})
        print(
            f"   ship a cancelled order      -> {shipped.status}; ship an unknown order -> {missing.status}"
        )
        for number in range(1, 12):
            place_order(lab, number)
        sandbox.settle()
        hits = lab.queries.request("GET", "/search?q=chair").json()["hits"]
        print(
            f"   GET /search?q=chair         -> {len(hits)} orders, e.g. {hits[0]['highlighted']!r} "
            f"({hits[0]['city']}, {hits[0]['status']})"
        )
        stats = lab.source.stats() if lab.source else None
        if stats is not None:
            print(
                f"   stream: {stats.records_processed} records projected in "
                f"{_count(stats.invocations, 'invocation')}"
            )

        print("\n2. Two commands on the same version, sent together (reads held until both have read)")
        for mode in ("conditional", "seed"):
            racing = deploy(sandbox, f"race-{mode}", append_mode=mode, search_dir=folder)
            result = race_two_commands(racing, "o-race")
            label = "conditional put" if mode == "conditional" else "seed 000's plain put"
            print(
                f"   {label:<21} statuses {list(result.statuses)}; events stored {result.events_stored} "
                f"{list(result.kept)}: {result.statuses.count(200) + 1 - result.events_stored} lost"
            )

        print(
            f"\n3. Lag from command to read model (virtual clock; 30 orders at 20/s; polls every "
            f"{POLL_INTERVAL_S:g} s)"
        )
        lag_lab = deploy(sandbox, "lag", attach_projector=False, search_dir=folder)
        for run in sweep_lag(lag_lab, (1, 10, 100), (0.0, 1.0, 2.0)):
            print(
                f"   batch {run.batch_size:>3}, window {run.window_s:>3.1f} s: p50 {run.p50_s:.2f} s, "
                f"max {run.max_s:.2f} s, {_count(run.invocations, 'invocation')}"
            )

        print("\n4. Replay: rebuild the search index, add a projection later")
        for replay in (rebuild_search_by_replay(lab), add_stats_projection_by_replay(lab)):
            print(
                f"   {replay.what:<19} {replay.events} events in {_count(replay.invocations, 'invocation')}, "
                f"{replay.scan_requests} Scan requests, {replay.read_units:g} read units, "
                f"{replay.seconds * 1000:.0f} ms; matches: {replay.matches}"
            )
        guarded = redelivered_batch(lab, style="stats")
        seed = redelivered_batch(lab, style="seed-stats")
        print(
            f"   one batch delivered twice: guarded counts orders {sum(guarded.values())}, "
            f"seed 001's ADD counts {sum(seed.values())}"
        )

        print("\n5. Snapshots (every 100 events): loading one order")
        for load in measure_snapshots(lab):
            kind = "with snapshots" if load.snapshots else "events only"
            print(
                f"   {load.events:>5} events, {kind:<14} {load.requests} requests, "
                f"{load.items_read:>4} items, "
                f"{load.read_units:g} read units (moto says {load.moto_units:g}), {load.milliseconds:.1f} ms"
            )
    return 0
