"""The cold-starts demonstration: real cold starts measured here, the local runtime's reports, the
published figures beside them, and the platform simulator's view of keep-alive policies.

Every number printed comes from the run (or from the dated tables in :mod:`patterns.lab.pricing` and
:mod:`patterns.cold_starts.published`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

from patterns.cold_starts import traffic
from patterns.cold_starts.handlers import quote_event
from patterns.cold_starts.measure import (
    DEFAULT_REPETITIONS,
    DEFAULT_WARM_INVOCATIONS,
    PHASES,
    VARIANTS,
    ColdStartMeasurement,
    Variant,
    measure_cold_starts,
)
from patterns.cold_starts.published import PUBLISHED, published_ranges_ms
from patterns.cold_starts.simulator import (
    DEFAULT_COLD_START_S,
    DEFAULT_WARM_SERVICE_S,
    FixedKeepAlive,
    HistogramKeepAlive,
    Policy,
    ProvisionedConcurrency,
    ScheduledWarmer,
    SimulationResult,
    simulate,
)
from patterns.lab import display, pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import COLD_COLOUR, WARM_COLOUR
from patterns.lab.lambda_runtime import InvocationReport
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Sandbox

__all__ = [
    "DAY_S",
    "DEMO_NEEDS",
    "QUOTES_TABLE",
    "SHAPES",
    "ColdStartCost",
    "TrafficShape",
    "arrivals_for",
    "cold_start_cost",
    "comparison_lines",
    "create_quotes_table",
    "deploy_variant",
    "local_runtime_reports",
    "main",
    "measured_cold_start_s",
    "mitigation_policies",
    "plot_live_environments",
    "plot_measurement",
    "plot_policy_outcomes",
    "published_lines",
    "simulate_policies",
    "simulation_rows",
    "variant_named",
    "warmer_against_a_burst",
]

# What the demonstration checks with `sandbox.unavailable`; the README's backend table is tested against it.
DEMO_NEEDS: tuple[Capability, ...] = ()

QUOTES_TABLE = "cold-starts-quotes"
DAY_S = 86_400.0
TrafficShape = Literal["bursty", "poisson", "diurnal", "sparse", "recorded"]
SHAPES: tuple[TrafficShape, ...] = ("bursty", "poisson", "diurnal", "sparse", "recorded")
# The bursty shape: a 20-second burst every 15 minutes carries three quarters of the traffic.
BURST_PERIOD_S = 900.0
BURST_S = 20.0
BURST_SHARE = 0.75


def variant_named(name: str) -> Variant:
    """The variant of :data:`patterns.cold_starts.measure.VARIANTS` called ``name``."""
    for variant in VARIANTS:
        if variant.name == name:
            return variant
    raise KeyError(f"no variant named {name!r}; known: {[variant.name for variant in VARIANTS]}")


def create_quotes_table(table: str = QUOTES_TABLE) -> str:
    """Create (or find) the quotes table in the running sandbox; return its name."""
    ensure_table(table, hash_key="quote_id")
    return table


def deploy_variant(
    sandbox: Sandbox, variant: Variant, *, name: str | None = None, memory_mb: int = 128, **settings: Any
) -> str:
    """Deploy a variant's handler to the local runtime, with its quotes table; return the function name."""
    function = name or "quote-" + variant.name.replace(" ", "-")
    table = create_quotes_table()
    sandbox.deploy(
        function, variant.handler, memory_mb=memory_mb, environment={"QUOTES_TABLE": table}, **settings
    )
    return function


def local_runtime_reports(
    sandbox: Sandbox, variant: Variant | None = None, *, invocations: int = 4, memory_mb: int = 128
) -> list[InvocationReport]:
    """Deploy a variant and invoke it ``invocations`` times in a row; return the runtime's reports.

    The first request finds no environment (cold, with ``init_ms``); the rest reuse it (warm).
    """
    function = deploy_variant(sandbox, variant or VARIANTS[0], memory_mb=memory_mb)
    reports = []
    for _ in range(invocations):
        result = sandbox.lambdas.invoke(function, quote_event())
        if not result.ok or result.payload.get("statusCode") != 200:
            raise RuntimeError(f"{function} failed: {result.payload}")
        reports.append(result.report)
    return reports


@dataclass(frozen=True)
class ColdStartCost:
    """What one measured cold start would bill on Lambda, beside a warm request (x86_64 prices)."""

    variant: str
    memory_mb: int
    init_billed_ms: int
    cold_request_usd: float
    warm_request_usd: float

    @property
    def ratio(self) -> float:
        return self.cold_request_usd / self.warm_request_usd


def cold_start_cost(
    measurement: ColdStartMeasurement, variant: str, *, memory_mb: int = 128
) -> ColdStartCost:
    """Price a variant's median cold start as Lambda bills it since August 2025: INIT (here: interpreter
    start, imports and init) is billed as duration, on top of the first invocation."""
    measured = measurement.variant(variant)
    init_ms = sum(measured.spread(phase).median_ms for phase in ("interpreter", "imports", "init"))
    first_ms = measured.spread("first_invocation").median_ms
    warm_ms = measured.spread("warm_invocation").median_ms
    cold = pricing.lambda_invocation_cost(memory_mb, pricing.billed_duration_ms(init_ms + first_ms))
    warm = pricing.lambda_invocation_cost(memory_mb, pricing.billed_duration_ms(warm_ms))
    return ColdStartCost(variant, memory_mb, pricing.billed_duration_ms(init_ms), cold, warm)


def comparison_lines(measurement: ColdStartMeasurement) -> list[str]:
    """One sentence per variant against the one it is compared with, from the measured medians."""
    lines = []
    for measured in measurement.variants:
        base_name = measured.variant.compare_with
        if base_name is None:
            continue
        base = measurement.variant(base_name)
        cold = measured.spread("cold_start").median_ms - base.spread("cold_start").median_ms
        imports = measured.spread("imports").median_ms - base.spread("imports").median_ms
        warm, warm_base = (
            measured.spread("warm_invocation").median_ms,
            base.spread("warm_invocation").median_ms,
        )
        lines.append(
            f"{measured.variant.name} vs {base_name}: cold start {cold:+.0f} ms (imports {imports:+.0f} ms), "
            f"warm request {warm:.2f} ms vs {warm_base:.2f} ms ({measured.variant.summary})"
        )
    return lines


def published_lines() -> list[str]:
    """The published figures, one line each, with their source and date."""
    lines = []
    for figure in PUBLISHED:
        span = f"{figure.high:g}" if figure.low == 0 else f"{figure.low:g}-{figure.high:g}"
        unit = {"fraction": "", "times": "x"}.get(figure.unit, f" {figure.unit}")
        value = f"{figure.high:.0%}" if figure.unit == "fraction" else f"{span}{unit}"
        lines.append(f"{figure.observation} {value}  [{figure.source}, as of {figure.as_of}]")
    return lines


# --- plots of the measurements -----------------------------------------------------------------
def plot_measurement(measurement: ColdStartMeasurement, *, size: tuple[float, float] = (11.0, 4.6)) -> Figure:
    """Two panels: each variant's median cold start split into its phases, with the published
    hello-world figures as lines; and every cold start beside every warm request (log scale). One
    legend for both, below them."""
    figure = Figure(figsize=size, layout="constrained")
    phases_axes, spread_axes = figure.subplots(1, 2, width_ratios=[1.1, 1.0])
    names = [measured.variant.name for measured in measurement.variants]
    positions = np.arange(len(names))
    bottom = np.zeros(len(names))
    for phase in PHASES[:4]:
        heights = np.array([measured.spread(phase).median_ms for measured in measurement.variants])
        phases_axes.bar(positions, heights, bottom=bottom, label=phase.replace("_", " "))
        bottom += heights
    published = published_ranges_ms()
    for key, style, text in (
        ("hello_world_typical", ":", "published: AWS hello world, mostly under"),
        ("hello_world_almost_always", "--", "published: AWS hello world, almost always under"),
    ):
        high = published[key][1]
        phases_axes.axhline(high, color="black", linestyle=style, linewidth=1, label=f"{text} {high:g} ms")
    display.category_ticks(phases_axes, positions.tolist(), names, width_in=0.4 * size[0])
    phases_axes.set(ylabel="milliseconds (median)", title="cold start, by phase (measured on this machine)")
    rng = np.random.default_rng(0)
    for index, measured in enumerate(measurement.variants):
        for values, colour, offset, label in (
            (measured.values("cold_start"), COLD_COLOUR, -0.17, "cold start (whole)"),
            (measured.values("warm_invocation"), WARM_COLOUR, 0.17, "warm request"),
        ):
            jitter = rng.uniform(-0.08, 0.08, len(values))
            spread_axes.scatter(
                index + offset + jitter,
                values,
                s=12,
                color=colour,
                alpha=0.7,
                label=label if index == 0 else None,
            )
    spread_axes.set_yscale("log")
    display.category_ticks(spread_axes, positions.tolist(), names, width_in=0.4 * size[0])
    spread_axes.set(ylabel="milliseconds (log scale)", title="every cold start and warm request")
    handles, labels = phases_axes.get_legend_handles_labels()
    more_handles, more_labels = spread_axes.get_legend_handles_labels()
    figure.legend(
        handles + more_handles, labels + more_labels, loc="outside lower center", ncols=3, fontsize="x-small"
    )
    figure.suptitle(measurement.label(), fontsize="small")
    return figure


# --- the platform simulator --------------------------------------------------------------------
def measured_cold_start_s(measurement: ColdStartMeasurement, variant: str = VARIANTS[0].name) -> float:
    """The extra latency of a cold request, from the measurement: median cold start minus median warm."""
    measured = measurement.variant(variant)
    extra_ms = measured.spread("cold_start").median_ms - measured.spread("warm_invocation").median_ms
    return max(0.0, extra_ms) / 1000


def arrivals_for(
    shape: TrafficShape, requests_per_minute: float, *, duration_s: float = DAY_S, seed: int = 0
) -> npt.NDArray[np.float64]:
    """Arrival times for a traffic shape averaging ``requests_per_minute``.

    ``bursty``: a quarter of the traffic as a steady trickle, three quarters in a 20-second burst every
    15 minutes; ``diurnal``: a 24-hour cycle; ``sparse``: lognormal gaps whose median is the mean gap the
    rate implies; ``recorded``: the sample CSV trace (its own rate; ``requests_per_minute`` is ignored).
    """
    rate = requests_per_minute / 60
    if shape == "poisson":
        return traffic.poisson(rate, duration_s, seed=seed)
    if shape == "bursty":
        burst_rate = rate * BURST_SHARE * BURST_PERIOD_S / BURST_S
        return traffic.bursty(
            duration_s,
            base_rate=rate * (1 - BURST_SHARE),
            burst_rate=burst_rate,
            period_s=BURST_PERIOD_S,
            burst_s=BURST_S,
            seed=seed,
        )
    if shape == "diurnal":
        return traffic.diurnal(rate, duration_s, seed=seed)
    if shape == "sparse":
        return traffic.sparse(duration_s, median_gap_s=1 / rate, seed=seed)
    if shape == "recorded":
        return traffic.from_csv(traffic.SAMPLE_TRACE)
    raise ValueError(f"traffic shape must be one of {SHAPES}, got {shape!r}")


def mitigation_policies(
    *, keep_alive_min: float = 10.0, provisioned: int = 2, warmer_every_min: float = 5.0
) -> list[Policy]:
    """The mitigations side by side: accept cold starts (fixed keep-alive), provisioned concurrency,
    and the seeds' scheduled warmer (one ping per tick); all with the same keep-alive for on-demand."""
    keep_alive_s = keep_alive_min * 60
    return [
        FixedKeepAlive(keep_alive_s),
        ProvisionedConcurrency(provisioned, keep_alive_s=keep_alive_s),
        ScheduledWarmer(warmer_every_min * 60, keep_alive_s=keep_alive_s),
    ]


def simulate_policies(
    arrivals: npt.NDArray[np.float64],
    policies: Sequence[Policy],
    *,
    cold_start_s: float = DEFAULT_COLD_START_S,
    warm_service_s: float = DEFAULT_WARM_SERVICE_S,
    memory_mb: int = 128,
    duration_s: float | None = None,
) -> list[SimulationResult]:
    """Simulate each policy over the same arrivals and settings."""
    span = duration_s if duration_s is not None else (float(arrivals[-1]) if len(arrivals) else DAY_S)
    return [
        simulate(
            arrivals,
            policy,
            cold_start_s=cold_start_s,
            warm_service_s=warm_service_s,
            memory_mb=memory_mb,
            duration_s=span,
        )
        for policy in policies
    ]


def simulation_rows(results: Sequence[SimulationResult]) -> list[dict[str, Any]]:
    """One table row per simulated policy."""
    return [
        {
            "policy": result.policy.label,
            "requests": result.requests,
            "cold_starts": result.cold_starts,
            "cold_start_pct": 100 * result.cold_start_fraction,
            "p99_latency_ms": 1000 * result.latency_p99_s,
            "peak_environments": result.peak_instances,
            "idle_env_hours": result.idle_env_seconds / 3600,
            "warmer_pings": result.warmer_invocations,
            "cost_usd": result.cost.total,
        }
        for result in results
    ]


def warmer_against_a_burst(
    burst: int = 10,
    *,
    interval_s: float = 300.0,
    keep_alive_s: float = 600.0,
    burst_at_s: float = 1000.0,
    cold_start_s: float = DEFAULT_COLD_START_S,
) -> list[SimulationResult]:
    """``burst`` simultaneous requests after a quiet spell, under: no mitigation, the seeds' warmer (one
    ping every ``interval_s``), a warmer sending ``burst`` concurrent pings, and provisioned concurrency."""
    arrivals = np.full(burst, burst_at_s)
    policies: list[Policy] = [
        FixedKeepAlive(keep_alive_s),
        ScheduledWarmer(interval_s, keep_alive_s=keep_alive_s),
        ScheduledWarmer(interval_s, keep_alive_s=keep_alive_s, pings_per_tick=burst),
        ProvisionedConcurrency(burst, keep_alive_s=keep_alive_s),
    ]
    return simulate_policies(arrivals, policies, cold_start_s=cold_start_s, duration_s=burst_at_s + 200.0)


def plot_policy_outcomes(results: Sequence[SimulationResult], *, title: str = "") -> Figure:
    """Bars per policy: the share of requests that started cold, and what the span cost."""
    figure = Figure(figsize=(10.0, 3.4), layout="constrained")
    cold_axes, cost_axes = figure.subplots(1, 2)
    positions = list(range(len(results)))
    cold_axes.bar(positions, [100 * result.cold_start_fraction for result in results], color=COLD_COLOUR)
    cold_axes.set(ylabel="% of requests", title="cold starts")
    cost_axes.bar(positions, [result.cost.total for result in results], color=WARM_COLOUR)
    cost_axes.set(ylabel="USD", title="cost of the span (pricing module, x86_64)")
    for axes in (cold_axes, cost_axes):
        display.category_ticks(axes, positions, [result.policy.label for result in results], width_in=4.0)
    figure.suptitle(title, fontsize="medium")
    return figure


def plot_live_environments(
    results: Sequence[SimulationResult], arrivals: npt.NDArray[np.float64], *, window_s: float = 3600.0
) -> Figure:
    """Live environments per policy over the first ``window_s`` seconds, above the arrivals per minute."""
    figure = Figure(figsize=(10.0, 3.6), layout="constrained")
    live_axes, load_axes = figure.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    times = np.linspace(0.0, window_s, 2000)
    for result in results:
        live_axes.step(times / 60, result.instances_at(times), where="post", label=result.policy.label)
    live_axes.set(ylabel="live environments", title=f"the first {window_s / 3600:g} hour(s)")
    live_axes.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    display.count_axis(live_axes.yaxis)
    shown = arrivals[arrivals < window_s]
    load_axes.hist(shown / 60, bins=np.arange(0, window_s / 60 + 1), color="grey")
    load_axes.set(xlabel="minute", ylabel="requests / min")
    display.count_axis(load_axes.yaxis)
    return figure


def _print_measurement(measurement: ColdStartMeasurement) -> None:
    headers = [
        "variant",
        "interp.",
        "imports",
        "init",
        "1st call",
        "cold p50",
        "cold p90",
        "warm p50",
        "warm p90",
    ]
    keys = [
        "variant", "interpreter_ms", "imports_ms", "init_ms", "first_invocation_ms",
        "cold_start_ms", "cold_start_p90_ms", "warm_ms", "warm_p90_ms",
    ]  # fmt: skip
    rows = [
        [row[key] if key == "variant" else f"{row[key]:.1f}" for key in keys] for row in measurement.rows()
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print(
        "   "
        + "  ".join(
            h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    )
    for row in rows:
        print(
            "   "
            + "  ".join(
                c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _simulations(cold_start_s: float) -> None:
    rate = 30
    bursty = arrivals_for("bursty", rate)
    keep_alives = [FixedKeepAlive(minutes * 60.0) for minutes in (5, 10, 20)]
    first = simulate_policies(bursty, keep_alives, cold_start_s=cold_start_s, duration_s=DAY_S)
    peak = first[1].peak_instances
    others: list[Policy] = [
        ProvisionedConcurrency(2),
        ProvisionedConcurrency(peak),
        ScheduledWarmer(300.0),
    ]
    results = first + simulate_policies(bursty, others, cold_start_s=cold_start_s, duration_s=DAY_S)
    print(
        f"   a day of bursty traffic ({rate} requests/min on average, {len(bursty):,} requests; "
        f"a burst every {BURST_PERIOD_S / 60:g} min), cold start {1000 * cold_start_s:.0f} ms as measured:"
    )
    print(display.table(simulation_rows(results)).indented("   "))
    sparse = arrivals_for("sparse", 1 / 15)
    policies: list[Policy] = [
        *keep_alives,
        ScheduledWarmer(300.0),
        HistogramKeepAlive(),
    ]
    print(f"\n   a day of sparse traffic (median gap 15 min, {len(sparse)} requests):")
    print(
        display.table(
            simulation_rows(simulate_policies(sparse, policies, cold_start_s=cold_start_s, duration_s=DAY_S))
        ).indented("   ")
    )
    burst = 10
    print(f"\n   the seeds' keep-warm ping against a burst of {burst} simultaneous requests:")
    print(
        display.table(simulation_rows(warmer_against_a_burst(burst, cold_start_s=cold_start_s))).indented(
            "   "
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, report and simulate; print what was found."""
    import argparse

    from patterns.lab.sandbox import aws_sandbox

    parser = argparse.ArgumentParser(prog="python -m patterns.cold_starts", description=__doc__)
    parser.add_argument(
        "--repetitions", type=int, default=DEFAULT_REPETITIONS, help="fresh processes per variant"
    )
    parser.add_argument(
        "--warm", type=int, default=DEFAULT_WARM_INVOCATIONS, help="warm requests per process"
    )
    options = parser.parse_args(argv)

    measurement = measure_cold_starts(repetitions=options.repetitions, warm_invocations=options.warm)
    print(f"1. Cold starts {measurement.label()} (milliseconds; medians unless p90)")
    _print_measurement(measurement)
    for line in comparison_lines(measurement):
        print(f"   {line}")
    cost = cold_start_cost(measurement, VARIANTS[0].name)
    print(
        f"   billed since Aug 2025 at {cost.memory_mb} MB: the {cost.variant} cold request "
        f"${cost.cold_request_usd:.3e} (INIT {cost.init_billed_ms} ms billed) vs a warm one "
        f"${cost.warm_request_usd:.3e}: {cost.ratio:.1f}x"
    )
    print(
        f"   ({measurement.wall_s:.1f} s for {measurement.repetitions * len(measurement.variants)} processes)"
    )

    print("\n2. Published figures (observed on AWS or elsewhere, not on this machine)")
    for line in published_lines():
        print(f"   {line}")

    print("\n3. The local runtime's REPORT lines (init billed as duration since August 2025)")
    with aws_sandbox() as sandbox:
        reports = local_runtime_reports(sandbox)
    for report in reports:
        kind = "cold" if report.cold_start else "warm"
        print(f"   {kind}: {report.line()}  cost ${report.cost_usd:.3e}")
    print(
        "   (in-process, the runtime re-imports only the handler's own package: boto3 was already loaded,\n"
        "    so its init is far below a fresh process's; section 1 measures the real thing)"
    )

    print(
        "\n4. The platform simulator: keep-alive, provisioned concurrency, warmers (pricing module, x86_64)"
    )
    _simulations(measured_cold_start_s(measurement))
    return 0
