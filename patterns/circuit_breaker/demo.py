"""The circuit-breaker demonstration: a payment provider goes down for a while, and the payment function
meets it with no breaker, a breaker per execution environment (in memory) and one breaker shared by
every environment (a DynamoDB item written with version checks). The notebook calls these functions.

What runs and what is modelled: the payment function runs in ``sandbox.lambdas`` (warm environments,
requests spread over them in turn, ``routing="spread"``), and the shared breaker's state lives in
DynamoDB on moto. The provider is a :class:`~patterns.lab.dependency.ModelledDependency` on the virtual
clock: a call while it is down waits the client's timeout in the *model*, not in real time, so each
answer carries its modelled duration (:func:`patterns.circuit_breaker.service.modelled_ms`), and billed
duration, GB-s and dollars are computed from it with :mod:`patterns.lab.pricing`. Requests run one after
another: a failure counts at the instant its call started, where on AWS it would count a timeout later.
"""

from __future__ import annotations

import itertools
import json
import statistics
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from patterns.circuit_breaker.adapters import (
    DynamoDbBreakerStore,
    create_table,
    powertools_on_clock,
    powertools_version,
)
from patterns.circuit_breaker.service import (
    CLOSED,
    HALF_OPEN,
    HANDLER_MS,
    OPEN,
    STATE_REQUEST_MS,
    BreakerPolicy,
    BreakerState,
)
from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.dependency import ModelledDependency, Outage, registered
from patterns.lab.display import category_ticks, count_axis, table
from patterns.lab.races import hold_reads
from patterns.lab.sandbox import Sandbox

__all__ = [
    "DEMO_NEEDS",
    "VARIANTS",
    "OutageRun",
    "ProbeRace",
    "RequestRow",
    "Scenario",
    "compare",
    "explore",
    "main",
    "outage_run",
    "plot_breaker_states",
    "plot_outage_costs",
    "probe_race",
    "summary_rows",
]

DEMO_NEEDS: tuple[Capability, ...] = ()  # the lab invokes every function itself; DynamoDB is all it uses

NONE, LOCAL, SHARED, POWERTOOLS = "none", "local", "shared", "powertools"
VARIANTS = (NONE, LOCAL, SHARED, POWERTOOLS)
LABELS = {
    NONE: "no breaker",
    LOCAL: "per-environment breaker",
    SHARED: "shared breaker (DynamoDB)",
    POWERTOOLS: "Powertools circuit_breaker",
}
HANDLERS = dict.fromkeys((NONE, LOCAL, SHARED), "patterns.circuit_breaker.handlers.charge")
HANDLERS[POWERTOOLS] = "patterns.circuit_breaker.handlers.charge_powertools"
STATE_COLOURS = {CLOSED: "#4c9f70", HALF_OPEN: "#f2b134", OPEN: "#d1495b"}
VARIANT_COLOURS = {NONE: "#888888", LOCAL: "#f2b134", SHARED: "#4c9f70", POWERTOOLS: "#5b8fd1"}
_ids = itertools.count(1)


@dataclass(frozen=True)
class Scenario:
    """The traffic, the outage and the function: requests every ``interval_s`` seconds of virtual time
    over ``environments`` warm environments; the provider is down from ``outage_start_s`` for
    ``outage_s`` seconds, answers in ``latency_s`` otherwise, and the client gives up after ``timeout_s``."""

    outage_start_s: float = 10.0
    outage_s: float = 60.0
    tail_s: float = 30.0
    interval_s: float = 0.5
    environments: int = 4
    latency_s: float = 0.08
    timeout_s: float = 2.0
    memory_mb: int = 256
    policy: BreakerPolicy = field(default_factory=BreakerPolicy)

    @property
    def duration_s(self) -> float:
        return self.outage_start_s + self.outage_s + self.tail_s

    @property
    def outage(self) -> Outage:
        return Outage(self.outage_start_s, self.outage_start_s + self.outage_s)

    def arrivals(self) -> list[float]:
        count = int(self.duration_s / self.interval_s)
        return [round(i * self.interval_s, 6) for i in range(count)]


@dataclass(frozen=True)
class RequestRow:
    """One request as measured: when (virtual s since the run began), which environment, the answer."""

    at_s: float
    environment: int
    status: int
    decision: str
    breaker: str
    reached_provider: bool
    waited_ms: float
    modelled_ms: float
    billed_ms: int
    state_reads: int
    state_writes: int


@dataclass
class OutageRun:
    """One variant through one scenario, with what the provider itself counted."""

    variant: str
    scenario: Scenario
    rows: list[RequestRow]
    calls_to_dead_provider: int
    waited_on_timeouts_s: float

    @property
    def label(self) -> str:
        return LABELS[self.variant]

    def during_outage(self) -> list[RequestRow]:
        outage = self.scenario.outage
        return [row for row in self.rows if outage.covers(row.at_s)]

    @property
    def gb_seconds(self) -> float:
        return sum(pricing.gb_seconds(self.scenario.memory_mb, row.billed_ms) for row in self.rows)

    @property
    def lambda_usd(self) -> float:
        """On-demand price of every request and its modelled billed duration (no free tier)."""
        return sum(
            pricing.lambda_invocation_cost(self.scenario.memory_mb, row.billed_ms) for row in self.rows
        )

    @property
    def dynamodb_usd(self) -> float:
        reads = sum(row.state_reads for row in self.rows)
        writes = sum(row.state_writes for row in self.rows)
        return pricing.dynamodb_on_demand_cost(reads, writes)

    def latency_ms(self, quantile: float) -> float:
        """A quantile of the modelled user-visible latency during the outage."""
        values = sorted(row.modelled_ms for row in self.during_outage())
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(quantile * len(values)))]

    def states(self) -> dict[int, list[tuple[float, str]]]:
        """Per environment, the breaker state each request left behind, in time order."""
        seen: dict[int, list[tuple[float, str]]] = {}
        for row in self.rows:
            seen.setdefault(row.environment, []).append((row.at_s, row.breaker))
        return seen


def _deploy(sandbox: Sandbox, variant: str, scenario: Scenario, *, table: str, provider: str) -> str:
    name = f"cb-{variant}-{next(_ids)}"
    sandbox.deploy(
        name,
        HANDLERS[variant],
        memory_mb=scenario.memory_mb,
        timeout_s=10.0,
        provisioned_concurrency=scenario.environments,
        routing="spread",
        environment={
            "BREAKER": variant,
            "PROVIDER": provider,
            "TABLE": table,
            "CIRCUIT": "payments",
            "POLICY": json.dumps(asdict(scenario.policy)),
        },
    )
    return name


def outage_run(sandbox: Sandbox, scenario: Scenario, variant: str) -> OutageRun:
    """Send the scenario's requests to a fresh function of ``variant`` through an outage; measure each."""
    run_id = next(_ids)
    table = f"cb-breakers-{run_id}"
    create_table(table, client=sandbox.client("dynamodb"))
    started = sandbox.clock.elapsed
    outage = Outage(started + scenario.outage.start_s, started + scenario.outage.end_s)
    origin = sandbox.clock.timestamp() - started  # the provider sees the handlers' clock (Unix seconds)
    provider = ModelledDependency(
        f"payments-{run_id}",
        latency_s=scenario.latency_s,
        timeout_s=scenario.timeout_s,
        outages=[Outage(origin + outage.start_s, origin + outage.end_s)],
    )
    rows: list[RequestRow] = []
    environments: dict[str, int] = {}
    with registered(provider), powertools_on_clock(sandbox.clock):
        function = _deploy(sandbox, variant, scenario, table=table, provider=provider.name)
        for index, at in enumerate(scenario.arrivals()):
            sandbox.clock.advance_to(started + at)
            invocation = sandbox.lambdas.invoke(function, {"order_id": f"o-{index}", "amount_cents": 1250})
            answer = invocation.payload
            environment = environments.setdefault(invocation.report.environment_id, len(environments) + 1)
            rows.append(
                RequestRow(
                    at_s=at,
                    environment=environment,
                    status=answer["status"],
                    decision=answer["decision"],
                    breaker=answer["breaker"],
                    reached_provider=answer["source"] == "provider",
                    waited_ms=answer["waited_ms"],
                    modelled_ms=answer["modelled_ms"],
                    billed_ms=pricing.billed_duration_ms(answer["modelled_ms"]),
                    state_reads=answer["state_reads"],
                    state_writes=answer["state_writes"],
                )
            )
    return OutageRun(variant, scenario, rows, provider.calls_during_outages, provider.waited_on_timeouts_s)


def compare(sandbox: Sandbox, scenario: Scenario, variants: Sequence[str] = VARIANTS) -> list[OutageRun]:
    """The same scenario through each variant."""
    return [outage_run(sandbox, scenario, variant) for variant in variants]


def summary_rows(runs: Sequence[OutageRun]) -> list[dict[str, Any]]:
    """One row per variant: what reached the dead provider, waiting, billing, latency during the outage."""
    rows = []
    for run in runs:
        during = run.during_outage()
        rows.append(
            {
                "variant": run.label,
                "requests": len(run.rows),
                "calls to the dead provider": run.calls_to_dead_provider,
                "waited on timeouts (s)": round(run.waited_on_timeouts_s, 1),
                "fallbacks": sum(1 for row in run.rows if row.decision == "fallback"),
                "probes": sum(1 for row in run.rows if row.decision == "probe"),
                "billed GB-s": round(run.gb_seconds, 3),
                "p50 ms (outage)": run.latency_ms(0.5),
                "p95 ms (outage)": run.latency_ms(0.95),
                "table requests": sum(row.state_reads + row.state_writes for row in run.rows),
                "Lambda USD": run.lambda_usd,
                "DynamoDB USD": run.dynamodb_usd,
                "answered 200 after outage": sum(
                    1 for row in run.rows if row.at_s >= run.scenario.outage.end_s and row.status == 200
                ),
                "outage requests": len(during),
            }
        )
    return rows


def plot_breaker_states(runs: Sequence[OutageRun]) -> Figure:
    """The breaker's state over virtual time, as each environment saw it after each of its requests: one
    band per environment for the per-environment breakers and for Powertools (whose environments read
    the shared state through a cache), one band for the shared breaker; probes are ticks, the outage is
    marked. A probe decides at once, so half-open shows as the tick between open and what follows."""
    bands: list[tuple[str, list[tuple[float, str]], list[float], float]] = []
    for run in runs:
        if run.variant in (LOCAL, POWERTOOLS):
            who = "own" if run.variant == LOCAL else "Powertools"
            for environment, states in sorted(run.states().items()):
                probes = [
                    row.at_s for row in run.rows if row.environment == environment and row.decision == "probe"
                ]
                bands.append((f"env {environment} ({who})", states, probes, run.scenario.duration_s))
        elif run.variant == SHARED:
            merged = sorted((row.at_s, row.breaker) for row in run.rows)
            probes = [row.at_s for row in run.rows if row.decision == "probe"]
            bands.append(("shared (all envs)", merged, probes, run.scenario.duration_s))
    figure = Figure(figsize=(9, 0.42 * max(len(bands), 1) + 1.9), layout="constrained")
    axes = figure.add_subplot()
    for position, (_, states, probes, end) in enumerate(bands):
        for (start, state), (stop, _) in itertools.pairwise([*states, (end, "")]):
            axes.broken_barh([(start, stop - start)], (position - 0.35, 0.7), color=STATE_COLOURS[state])
        axes.plot(
            probes, [position] * len(probes), linestyle="none", marker="|", markersize=14, color="black"
        )
    if runs:
        outage = runs[0].scenario.outage
        for moment in (outage.start_s, outage.end_s):
            axes.axvline(moment, color="black", linestyle="--", linewidth=1)
    axes.set_yticks(range(len(bands)), [label for label, _, _, _ in bands])
    axes.set_ylim(-0.6, len(bands) - 0.4)
    axes.invert_yaxis()
    axes.set_xlabel("virtual time (s); dashed lines: the provider goes down, comes back")
    handles: list[Any] = [Patch(color=STATE_COLOURS[state], label=state) for state in (CLOSED, OPEN)]
    handles.append(Line2D([], [], linestyle="none", marker="|", markersize=10, color="black", label="probe"))
    axes.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return figure


def plot_outage_costs(runs: Sequence[OutageRun]) -> Figure:
    """Per variant: calls that reached the dead provider, seconds spent waiting on its timeouts, and
    billed GB-s (from the model)."""
    figure = Figure(figsize=(10, 3.4), layout="constrained")
    panels = figure.subplots(1, 3)
    labels = [run.label for run in runs]
    positions = list(range(len(runs)))
    series = [
        ("calls to the dead provider", [run.calls_to_dead_provider for run in runs], True),
        ("waited on timeouts (s)", [run.waited_on_timeouts_s for run in runs], False),
        ("billed GB-s (modelled)", [run.gb_seconds for run in runs], False),
    ]
    for axes, (title, values, counts) in zip(panels, series, strict=True):
        axes.bar(positions, values, color=[VARIANT_COLOURS[run.variant] for run in runs])
        axes.set_title(title, fontsize=10)
        category_ticks(axes, positions, labels, width_in=3.0)
        if counts:
            count_axis(axes.yaxis)
    return figure


def explore(
    sandbox: Sandbox,
    outage_s: float = 30.0,
    failure_rate: float = 0.5,
    min_calls: int = 4,
    open_for_s: float = 10.0,
) -> Figure:
    """The notebook's widget: a shorter scenario (a request a second over 4 environments) through every
    variant; prints one line per variant and returns the breakers' states over time."""
    policy = BreakerPolicy(
        failure_rate=failure_rate, window_s=10.0, min_calls=min_calls, open_for_s=open_for_s
    )
    scenario = Scenario(outage_start_s=10.0, outage_s=outage_s, tail_s=20.0, interval_s=1.0, policy=policy)
    runs = compare(sandbox, scenario)
    print(
        f"outage {outage_s:g} s: {len(runs[0].rows)} requests per variant, one a second over 4 environments"
    )
    for row in summary_rows(runs):
        print(
            f"  {row['variant']:<27} {row['calls to the dead provider']:>3} calls to the dead provider, "
            f"{row['waited on timeouts (s)']:>5} s waiting, {row['billed GB-s']:>6} GB-s, "
            f"p95 {row['p95 ms (outage)']:,.0f} ms"
        )
    return plot_breaker_states(runs)


@dataclass(frozen=True)
class ProbeRace:
    """Concurrent requests once the open period is over: how many probed, and what the gate did."""

    requests: int
    probes: int
    fallbacks: int
    provider_calls: int
    state_after: str
    stalled: str | None


def probe_race(sandbox: Sandbox, requests: int = 6, policy: BreakerPolicy | None = None) -> ProbeRace:
    """``requests`` concurrent requests, each in its own environment, find the shared breaker open with
    its open period over, and the provider still down; every DynamoDB read is held until all have read
    (:func:`hold_reads`), so all of them decide on the same state. The version check lets exactly one take
    the probe; it fails and opens the breaker again, and the others, reading again, get the fallback."""
    policy = policy or BreakerPolicy()
    run_id = next(_ids)
    table = f"cb-race-{run_id}"
    dynamodb = sandbox.client("dynamodb")
    create_table(table, client=dynamodb)
    now = sandbox.clock.timestamp()
    opened = BreakerState(
        OPEN, 1, window_start=now - policy.open_for_s - 1, opened_at=now - policy.open_for_s - 1
    )
    if not DynamoDbBreakerStore(table, "payments", dynamodb).save(opened, 0):
        raise RuntimeError("could not seed the breaker's state")
    provider = ModelledDependency(
        f"payments-race-{run_id}", outages=[Outage(0.0, float("inf"))]
    )  # still down
    scenario = Scenario(environments=0, policy=policy)
    with registered(provider):
        function = _deploy(sandbox, SHARED, scenario, table=table, provider=provider.name)
        with hold_reads(requests) as gate, ThreadPoolExecutor(requests) as pool:
            call = gate.participant(sandbox.lambdas.invoke)
            answers = list(
                pool.map(
                    lambda i: call(function, {"order_id": f"r-{i}", "amount_cents": 100}).payload,
                    range(requests),
                )
            )
    state = DynamoDbBreakerStore(table, "payments", dynamodb).load()
    return ProbeRace(
        requests,
        sum(1 for answer in answers if answer["decision"] == "probe"),
        sum(1 for answer in answers if answer["decision"] == "fallback"),
        len(provider.calls),
        state.state,
        gate.report().stalled,
    )


def main() -> int:
    """Run the demonstration against moto and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    scenario = Scenario()
    policy = scenario.policy
    with aws_sandbox() as sandbox:
        print(
            f"1. The payment provider is down from {scenario.outage_start_s:g} s for {scenario.outage_s:g} s "
            f"(virtual); a request every {scenario.interval_s:g} s over {scenario.environments} warm "
            "environments, spread in turn"
        )
        print(
            f"   breaker: opens at {policy.failure_rate:.0%} failures over {policy.window_s:g} s "
            f"(at least {policy.min_calls} calls), stays open {policy.open_for_s:g} s, one probe at a time"
        )
        print(
            f"   model: provider answers in {scenario.latency_s * 1000:g} ms, client timeout "
            f"{scenario.timeout_s:g} s, handler {HANDLER_MS:g} ms, {STATE_REQUEST_MS:g} ms per table request;"
            f" billed from the model at {scenario.memory_mb} MB"
        )
        runs = compare(sandbox, scenario)
        print(
            table(
                summary_rows(runs),
                [
                    "variant",
                    "calls to the dead provider",
                    "waited on timeouts (s)",
                    "fallbacks",
                    "probes",
                    "billed GB-s",
                    "p50 ms (outage)",
                    "p95 ms (outage)",
                    "table requests",
                    "Lambda USD",
                    "DynamoDB USD",
                ],
                formats={"Lambda USD": ".2e", "DynamoDB USD": ".2e"},
            ).indented()
        )
        print("\n   while the provider is up (before the outage), per request:")
        for run in runs:
            if run.variant in (SHARED, POWERTOOLS):
                healthy = [row for row in run.rows if row.at_s < scenario.outage_start_s]
                reads = sum(row.state_reads for row in healthy) / len(healthy)
                writes = sum(row.state_writes for row in healthy) / len(healthy)
                usd = pricing.dynamodb_on_demand_cost(round(reads * 1_000_000), round(writes * 1_000_000))
                print(
                    f"   {run.label:<27} {reads:.2f} reads + {writes:.2f} writes on the table, "
                    f"{statistics.median(row.modelled_ms for row in healthy):g} ms modelled; "
                    f"${usd:.2f} of DynamoDB per million requests"
                )
        race = probe_race(sandbox)
        print(
            f"\n2. {race.requests} concurrent requests find the shared breaker's open period over (reads "
            f"held by the race gate), the provider still down: {race.probes} probe, "
            f"{race.fallbacks} fallbacks, "
            f"{race.provider_calls} call to the provider, breaker now {race.state_after}"
            + (f" (gate stalled: {race.stalled})" if race.stalled else "")
        )
        version, present = powertools_version()
        print(
            f"\n3. aws-lambda-powertools {version}: circuit breaker utility "
            + (
                "present (aws_lambda_powertools.utilities.circuit_breaker); see ADR 0019"
                if present
                else "absent"
            )
        )
    return 0
