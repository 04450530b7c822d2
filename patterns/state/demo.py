"""The state demonstration: sessions that expire (and the reads that still see them), a counter kept in
memory against one kept in DynamoDB, a per-environment cache and how stale it serves, the seeds'
per-container idempotency, and database connections against a real PostgreSQL. Every number printed is
counted or measured in the run, or priced by :mod:`patterns.lab.pricing` from what was counted.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from matplotlib.figure import Figure

from patterns.lab.capabilities import Capability
from patterns.lab.databases import (
    APP_USER,
    LabPostgres,
    PoolerUnavailableError,
    pgbouncer,
    pgbouncer_binary,
    postgres_server,
)
from patterns.lab.display import category_ticks, count_axis
from patterns.lab.exceptions import TooManyRequestsError
from patterns.lab.gateway import FrontDoor
from patterns.lab.sandbox import Sandbox
from patterns.lab.ttl import TtlSweeper, ttl_sweeper
from patterns.state.adapters import (
    SESSION_TTL_ATTRIBUTE,
    ChargeLog,
    DynamoDbCounter,
    PriceStore,
    StateTables,
    create_tables,
)

__all__ = [
    "CONNECTION_VARIANTS",
    "DEMO_NEEDS",
    "CacheRun",
    "ConnectionRun",
    "CounterRun",
    "SessionTimeline",
    "cache_sweep",
    "compare_connections",
    "count_visits",
    "duplicate_charges",
    "main",
    "plot_cache_run",
    "plot_cache_sweep",
    "plot_connections",
    "run_cache",
    "session_timeline",
    "setup",
]

DEMO_NEEDS: tuple[Capability, ...] = ()
HANDLERS = "patterns.state.handlers"
SESSION_TTL_S = 1800.0
SWEEP_INTERVAL_S = 6 * 3600.0
Variant = Literal["connect per call", "reuse per environment", "reuse, reserved concurrency", "pooler"]
CONNECTION_VARIANTS: tuple[Variant, ...] = (
    "connect per call",
    "reuse per environment",
    "reuse, reserved concurrency",
    "pooler",
)


def setup(sandbox: Sandbox) -> StateTables:
    """Create the tables and deploy the session, counter and charge functions."""
    tables = create_tables()
    environment = {
        "SESSIONS_TABLE": tables.sessions,
        "COUNTERS_TABLE": tables.counters,
        "PRICES_TABLE": tables.prices,
        "CHARGES_TABLE": tables.charges,
        "SESSION_TTL_S": str(SESSION_TTL_S),
    }
    for name in ("create_session", "get_session", "get_session_trusting_ttl"):
        sandbox.deploy(name.replace("_", "-"), f"{HANDLERS}.{name}", environment=environment)
    return tables


# --- sessions with TTL ------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionTimeline:
    """What two readers answered for one session, at moments after it was created."""

    rows: list[dict[str, Any]]
    sweeps: int


def session_timeline(sandbox: Sandbox, tables: StateTables) -> SessionTimeline:
    """Create a session, then read it (filtering expiry, and trusting TTL) as the clock moves on."""
    sweeper: TtlSweeper = ttl_sweeper(
        sandbox, tables.sessions, SESSION_TTL_ATTRIBUTE, interval_s=SWEEP_INTERVAL_S
    )
    door = FrontDoor(
        sandbox.lambdas,
        {
            "POST /sessions": "create-session",
            "GET /sessions/{id}": "get-session",
            "GET /trusting/{id}": "get-session-trusting-ttl",
        },
    )
    started = sandbox.clock.elapsed
    created = door.request("POST", "/sessions", body={"user": "ada"}).json()
    rows = []
    for moment in (0.0, SESSION_TTL_S - 60, SESSION_TTL_S + 60, 3 * 3600.0, SWEEP_INTERVAL_S + 60):
        sandbox.advance(started + moment - sandbox.clock.elapsed)
        filtered = door.request("GET", f"/sessions/{created['session_id']}").status
        trusting = door.request("GET", f"/trusting/{created['session_id']}").status
        item = sandbox.client("dynamodb").get_item(
            TableName=tables.sessions, Key={"session_id": {"S": created["session_id"]}}
        )
        rows.append(
            {
                "minutes after login": round(moment / 60),
                "expired": moment >= SESSION_TTL_S,
                "item still in the table": "Item" in item,
                "filtering on read": filtered,
                "trusting TTL": trusting,
            }
        )
    sandbox.remove_source(sweeper)
    return SessionTimeline(rows, len(sweeper.sweeps))


# --- counters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterRun:
    requests: int
    environments: int
    in_memory_last_answer: int
    in_memory_per_environment: dict[str, int]
    dynamodb_last_answer: int
    dynamodb_stored: int


def count_visits(
    sandbox: Sandbox, tables: StateTables, *, requests: int = 60, environments: int = 4
) -> CounterRun:
    """``requests`` visits spread over ``environments`` warm environments, counted both ways."""
    settings: dict[str, Any] = {
        "provisioned_concurrency": environments,
        "routing": "spread",
        "environment": {"COUNTERS_TABLE": tables.counters},
    }
    sandbox.deploy("count-in-memory", f"{HANDLERS}.count_in_memory", **settings)
    sandbox.deploy("count-in-dynamodb", f"{HANDLERS}.count_in_dynamodb", **settings)
    per_environment: dict[str, int] = {}
    memory_answer = dynamodb_answer = 0
    for _ in range(requests):
        result = sandbox.lambdas.invoke("count-in-memory", {})
        memory_answer = result.payload["count"]
        per_environment[result.report.environment_id] = memory_answer
        dynamodb_answer = sandbox.lambdas.invoke("count-in-dynamodb", {}).payload["count"]
    stored = DynamoDbCounter(tables.counters, sandbox.client("dynamodb")).get("visits")
    return CounterRun(requests, environments, memory_answer, per_environment, dynamodb_answer, stored)


# --- a TTL cache in warm environments ---------------------------------------------------------


@dataclass(frozen=True)
class CacheRun:
    """Requests for one price at a steady rate across warm environments, the price changed midway."""

    ttl_s: float
    environments: int
    update_at: float
    requests: list[dict[str, Any]] = field(repr=False)

    @property
    def hit_rate(self) -> float:
        return sum(1 for r in self.requests if r["cached"]) / len(self.requests)

    @property
    def stale_requests(self) -> int:
        return sum(1 for r in self.requests if r["at"] >= self.update_at and r["price"] != NEW_PRICE)

    @property
    def staleness_by_environment(self) -> dict[str, float]:
        """Seconds from the update until each environment first served the new price."""
        result: dict[str, float] = {}
        for request in self.requests:
            if request["at"] >= self.update_at and request["price"] == NEW_PRICE:
                result.setdefault(request["environment"], request["at"] - self.update_at)
        return result

    @property
    def max_staleness_s(self) -> float:
        last_stale = [r["at"] for r in self.requests if r["at"] >= self.update_at and r["price"] != NEW_PRICE]
        return (max(last_stale) - self.update_at) if last_stale else 0.0


OLD_PRICE, NEW_PRICE = 2499, 1999


def run_cache(
    sandbox: Sandbox,
    tables: StateTables,
    *,
    ttl_s: float,
    environments: int = 4,
    interval_s: float = 1.0,
    duration_s: float = 180.0,
    update_at: float = 45.0,
) -> CacheRun:
    """One request every ``interval_s`` virtual seconds for ``duration_s``; the price changes at
    ``update_at``."""
    name = f"price-cache-{int(ttl_s)}"
    sandbox.deploy(
        name,
        f"{HANDLERS}.price_with_cache",
        provisioned_concurrency=environments,
        routing="spread",
        environment={"PRICES_TABLE": tables.prices, "CACHE_TTL_S": str(ttl_s)},
    )
    prices = PriceStore(tables.prices, sandbox.client("dynamodb"))
    prices.set("lamp", OLD_PRICE)
    door = FrontDoor(sandbox.lambdas, {"GET /prices/{sku}": name})
    start = sandbox.clock.elapsed
    requests = []
    updated = False
    steps = int(duration_s / interval_s)
    for step in range(steps):
        at = step * interval_s
        if not updated and at >= update_at:
            prices.set("lamp", NEW_PRICE)
            updated = True
        sandbox.advance(start + at - sandbox.clock.elapsed)
        response = door.request("GET", "/prices/lamp")
        body = response.json()
        assert response.invocation is not None
        requests.append(
            {
                "at": at,
                "environment": response.invocation.report.environment_id,
                "price": body["price_cents"],
                "cached": body["cached"],
            }
        )
    return CacheRun(ttl_s, environments, update_at, requests)


def cache_sweep(
    sandbox: Sandbox, tables: StateTables, ttls: Sequence[float] = (0, 5, 15, 30, 60, 120)
) -> list[CacheRun]:
    return [run_cache(sandbox, tables, ttl_s=ttl) for ttl in ttls]


def plot_cache_run(run: CacheRun) -> Figure:
    """The price each environment served over time, the update marked."""
    figure = Figure(figsize=(9, 3.4), layout="constrained")
    axes = figure.subplots()
    environments = sorted({r["environment"] for r in run.requests})
    for index, environment in enumerate(environments):
        mine = [r for r in run.requests if r["environment"] == environment]
        axes.scatter(
            [r["at"] for r in mine],
            [index + (0.15 if r["price"] == NEW_PRICE else -0.15) for r in mine],
            c=["#2ca02c" if r["price"] == NEW_PRICE else "#d62728" for r in mine],
            s=10,
        )
    axes.axvline(run.update_at, color="black", linestyle="--", linewidth=1)
    axes.set_yticks(range(len(environments)), [f"environment {i + 1}" for i in range(len(environments))])
    axes.set(
        xlabel="virtual seconds",
        title=f"Cache TTL {run.ttl_s:g} s: red = old price, green = new; dashed line = the price changed",
    )
    return figure


def plot_cache_sweep(runs: Sequence[CacheRun]) -> Figure:
    """Hit rate and worst staleness against the cache TTL."""
    figure = Figure(figsize=(9, 3.4), layout="constrained")
    hits, stale = figure.subplots(1, 2)
    ttls = [run.ttl_s for run in runs]
    hits.plot(ttls, [100 * run.hit_rate for run in runs], marker="o")
    hits.set(xlabel="cache TTL (s)", ylabel="requests served from cache (%)", title="Hit rate")
    stale.plot(ttls, [run.max_staleness_s for run in runs], marker="s", color="#d62728")
    stale.set(xlabel="cache TTL (s)", ylabel="seconds", title="Old price served up to ... after the change")
    return figure


# --- seed 003's per-container idempotency -----------------------------------------------------


def duplicate_charges(sandbox: Sandbox, tables: StateTables) -> dict[str, int]:
    """One payment delivered twice, the second time to another environment: charges made each way."""
    charges: dict[str, int] = {}
    for name, handler in (
        ("seeds' in-memory set", "charge_with_local_dedup"),
        ("conditional write", "charge_once"),
    ):
        function = handler.replace("_", "-")
        sandbox.deploy(
            function,
            f"{HANDLERS}.{handler}",
            provisioned_concurrency=2,
            routing="spread",
            environment={"CHARGES_TABLE": tables.charges},
        )
        payment = f"payment-{handler}"
        first = sandbox.lambdas.invoke(function, {"payment_id": payment})
        second = sandbox.lambdas.invoke(function, {"payment_id": payment})
        assert first.report.environment_id != second.report.environment_id
        charges[name] = ChargeLog(tables.charges, sandbox.client("dynamodb")).charges(payment)
    return charges


# --- database connections ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionRun:
    """One variant: concurrent clients invoking a function that queries PostgreSQL."""

    variant: Variant
    invocations: int
    ok: int
    refused: int
    throttled: int
    opened: int
    environments: int
    peak_server_connections: int
    latencies_ms: list[float] = field(repr=False)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


def _drive(
    call: Callable[[], dict[str, Any] | None], clients: int, per_client: int
) -> list[dict[str, Any] | None]:
    results: list[dict[str, Any] | None] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client() -> None:
        barrier.wait()
        for _ in range(per_client):
            outcome = call()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _run_variant(
    sandbox: Sandbox,
    server: LabPostgres,
    variant: Variant,
    environment: dict[str, str],
    *,
    clients: int,
    per_client: int,
    hold_ms: float,
    reserved: int | None,
) -> ConnectionRun:
    per_call = variant in ("connect per call", "pooler")  # through the pooler a connection is cheap
    handler = "query_connect_per_call" if per_call else "query_reused_connection"
    name = "db-" + variant.replace(" ", "-").replace(",", "")
    sandbox.deploy(
        name, f"{HANDLERS}.{handler}", environment=environment, reserved_concurrency=reserved, timeout_s=30
    )

    def call() -> dict[str, Any] | None:
        started = time.perf_counter()
        try:
            result = sandbox.lambdas.invoke(name, {"hold_ms": hold_ms})
        except TooManyRequestsError:
            return None
        payload = dict(result.payload) if result.ok else {"ok": False, "refused": False, "opened": 0}
        payload["ms"] = (time.perf_counter() - started) * 1000
        return payload

    peak = [0]
    running = threading.Event()
    running.set()

    def sample() -> None:  # the server's own count of the functions' connections, every 5 ms
        while running.is_set():
            peak[0] = max(peak[0], server.application_connections())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        results = _drive(call, clients, per_client)
    finally:
        running.clear()
        sampler.join()
    done = [r for r in results if r is not None]
    return ConnectionRun(
        variant,
        len(results),
        sum(1 for r in done if r["ok"]),
        sum(1 for r in done if r["refused"]),
        sum(1 for r in results if r is None),
        sum(int(r["opened"]) for r in done),
        len(sandbox.lambdas.environments(name)),
        peak[0],
        [float(r["ms"]) for r in done if r["ok"]],
    )


def compare_connections(
    sandbox: Sandbox,
    *,
    max_connections: int = 5,
    clients: int = 10,
    per_client: int = 4,
    hold_ms: float = 30.0,
    pool_size: int = 3,
) -> tuple[list[ConnectionRun], str | None]:
    """Every variant against one real PostgreSQL allowing the functions ``max_connections``; a note if
    the pooler is missing. The reserved-concurrency variant caps the function at that many environments."""
    runs: list[ConnectionRun] = []
    note: str | None = None
    with postgres_server(max_connections=max_connections) as server:
        direct = {"DB_SOCKET": server.socket, "DB_USER": APP_USER}
        options: dict[str, Any] = {"clients": clients, "per_client": per_client, "hold_ms": hold_ms}
        runs.append(_run_variant(sandbox, server, "connect per call", direct, reserved=None, **options))
        runs.append(_run_variant(sandbox, server, "reuse per environment", direct, reserved=None, **options))
        server.end_application_connections()  # as redeploying the functions would
        runs.append(
            _run_variant(
                sandbox, server, "reuse, reserved concurrency", direct, reserved=max_connections, **options
            )
        )
        server.end_application_connections()  # as redeploying the functions would
        if pgbouncer_binary() is None:
            note = "PgBouncer is not installed here (`sudo apt-get install pgbouncer`): no pooled variant"
        else:
            try:
                with pgbouncer(server, pool_size=pool_size) as pooler:
                    pooled = {
                        "DB_HOST": "127.0.0.1",
                        "DB_PORT": str(pooler.port),
                        "DB_NAME": "lab",
                        "DB_USER": APP_USER,
                    }
                    runs.append(_run_variant(sandbox, server, "pooler", pooled, reserved=None, **options))
            except PoolerUnavailableError as missing:
                note = str(missing)
    return runs, note


def plot_connections(runs: Sequence[ConnectionRun]) -> Figure:
    """Connections opened, refused and throttled per variant, and latency of the queries that ran."""
    figure = Figure(figsize=(12, 4.2), layout="constrained")
    counts, latency = figure.subplots(1, 2)
    positions = list(range(len(runs)))
    width = 0.27
    for offset, label, values in (
        (-width, "connections opened", [r.opened for r in runs]),
        (0.0, "refused (too many clients)", [r.refused for r in runs]),
        (width, "throttled (429)", [r.throttled for r in runs]),
    ):
        counts.bar([p + offset for p in positions], values, width, label=label)
    category_ticks(counts, positions, [r.variant for r in runs], width_in=4.0)
    counts.set(ylabel="count", title="What the database saw")
    count_axis(counts.yaxis)
    counts.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    latency.bar(positions, [r.p50_ms for r in runs], 0.4, label="p50")
    latency.scatter(positions, [r.p95_ms for r in runs], color="black", zorder=3, label="p95")
    category_ticks(latency, positions, [r.variant for r in runs], width_in=4.0)
    latency.set(ylabel="ms per successful invocation", title="Latency")
    latency.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return figure


def main() -> int:
    """Run the demonstration and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        tables = setup(sandbox)
        print(f"1. A session with a {SESSION_TTL_S / 60:g}-minute TTL, read as the virtual clock moves on")
        timeline = session_timeline(sandbox, tables)
        for row in timeline.rows:
            print(
                f"   {row['minutes after login']:>4} min: expired {row['expired']!s:<5} in table "
                f"{row['item still in the table']!s:<5} filtering -> {row['filtering on read']}, "
                f"trusting TTL -> {row['trusting TTL']}"
            )
        print(
            f"   (the lab's TTL sweeper ran {timeline.sweeps} time(s), every {SWEEP_INTERVAL_S / 3600:g} h)"
        )

        print("\n2. A visit counter: in memory against a DynamoDB ADD")
        counted = count_visits(sandbox, tables)
        per_environment = sorted(counted.in_memory_per_environment.values())
        print(
            f"   {counted.requests} visits over {counted.environments} environments: in memory the last "
            f"answer was {counted.in_memory_last_answer} (per environment {per_environment}); "
            f"DynamoDB answered {counted.dynamodb_last_answer} and holds {counted.dynamodb_stored}"
        )

        print(
            "\n3. A price cached per environment; the price changes 45 s in (one request a second, 3 minutes)"
        )
        for run in cache_sweep(sandbox, tables, (0, 15, 60)):
            print(
                f"   TTL {run.ttl_s:>3g} s: hit rate {run.hit_rate:.0%}, {run.stale_requests} stale answers, "
                f"old price served up to {run.max_staleness_s:g} s after the change"
            )

        print("\n4. Seed 003's in-memory idempotency: one payment delivered twice, to two environments")
        for name, charges in duplicate_charges(sandbox, tables).items():
            print(f"   {name:<21} -> {charges} charge(s)")

        print(
            "\n5. Database connections: 10 clients x 4 calls; PostgreSQL allows the functions 5 connections"
        )
        connection_runs, note = compare_connections(sandbox)
        for variant in connection_runs:
            print(
                f"   {variant.variant:<28} ok {variant.ok:>2}/{variant.invocations}, "
                f"refused {variant.refused:>2}, throttled {variant.throttled:>2}, "
                f"connections opened {variant.opened:>2} (server's peak {variant.peak_server_connections}), "
                f"p50 {variant.p50_ms:.0f} ms"
            )
        if note:
            print(f"   {note}")
    return 0
