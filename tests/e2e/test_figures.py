"""Every figure the notebooks draw is legible: no tick labels run into each other or off the figure, no
legend covers data, and an axis that counts things has integer ticks.

Which functions draw figures is found, not listed: every function in ``patterns/`` annotated
``-> Figure`` (the convention of :mod:`patterns.lab.display`). Each must have an entry in ``EXAMPLES``
below, keyed ``"module:function"``, that draws it with small inputs the way a notebook does (same kinds
of labels, same options); an example may take the ``sandbox`` fixture to make its inputs with a real,
small run. A new plotting function without an example fails ``test_every_figure_function_has_an_example``
with the line to add.

Every figure is drawn with the Agg backend, then checked:

* tick labels of one axis do not overlap one another;
* every visible text (tick labels, axis labels, titles, legends, annotations) lies inside the figure;
* a legend does not cover a bar, a line's points or a scatter point of the axes it describes;
* a count axis (marked by ``patterns.lab.display.count_axis``, or labelled with a count word and no
  unit) shows integer ticks only.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from patterns.lab.display import (
    GanttBar,
    bar_chart,
    bar_chart_of_rows,
    gantt,
    is_count_axis,
    plot_report_durations,
)
from patterns.lab.lambda_runtime import InvocationReport
from patterns.lab.sandbox import Sandbox

matplotlib.use("Agg")

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE_PX = 1.0
# An axis label naming one of these counts things, unless it also names a unit.
COUNT_WORDS = re.compile(
    r"\b(invocations?|cold starts|requests|accepted|environments|messages|retries|transitions|"
    r"count|trials?|deliveries|executions|calls|events|instances)\b",
    re.IGNORECASE,
)
UNIT_WORDS = re.compile(r"USD|\$|%|\bms\b|\(s\)|seconds|milli|/\s*min|per\b|\bKB\b|\bMB\b", re.IGNORECASE)

Drawn = Figure | Sequence[Figure]


# --- discovery -------------------------------------------------------------------------------------
def figure_functions() -> dict[str, Path]:
    """``"module:function"`` of every top-level function in patterns/ annotated ``-> Figure``."""
    found = {}
    for path in sorted((ROOT / "patterns").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.returns is not None
                and ast.unparse(node.returns).strip("'\"") in {"Figure", "matplotlib.figure.Figure"}
            ):
                found[f"{module}:{node.name}"] = path
    return found


def unannotated_figure_makers() -> list[str]:
    """Top-level functions that build a ``Figure(...)`` but are annotated ``Any`` or not at all."""
    found = []
    for path in sorted((ROOT / "patterns").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            returns = ast.unparse(node.returns) if node.returns is not None else "Any"
            builds = any(
                isinstance(call, ast.Call) and ast.unparse(call.func).endswith("Figure")
                for call in ast.walk(node)
            )
            if builds and returns in {"Any", "typing.Any"}:
                found.append(f"{module}:{node.name}")
    return found


def resolve(name: str) -> Callable[..., Any]:
    module, function = name.split(":")
    resolved: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return resolved


# --- small inputs ----------------------------------------------------------------------------------
def report(number: int, cold: bool) -> InvocationReport:
    return InvocationReport(
        request_id=f"r-{number}",
        function_name="get-user",
        environment_id="get-user-1",
        invocation_type="RequestResponse",
        cold_start=cold,
        init_ms=120.0 if cold else None,
        duration_ms=40.0 if cold else 4.0,
        billed_ms=41 if cold else 5,
        memory_mb=128,
        architecture="x86_64",
        cost_usd=2.1e-7,
        status="success",
        error_type=None,
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def cold_start_measurement() -> Any:
    from patterns.cold_starts.measure import (
        VARIANTS,
        ColdStartMeasurement,
        ColdStartSample,
        VariantMeasurement,
    )

    def sample(name: str, repetition: int, scale: float) -> ColdStartSample:
        return ColdStartSample(
            variant=name,
            repetition=repetition,
            wall_ms=900 * scale,
            interpreter_ms=40.0,
            imports_ms=300 * scale + repetition,
            init_ms=20 * scale,
            first_invocation_ms=30.0,
            warm_ms=(1.2, 1.4, 1.1),
            harness_ms=5.0,
            modules_imported=400,
            loaded_at_init=(),
            loaded_after_first=(),
        )

    variants = tuple(
        VariantMeasurement(variant, tuple(sample(variant.name, r, 1 + index) for r in range(3)))
        for index, variant in enumerate(VARIANTS)
    )
    return ColdStartMeasurement(
        variants=variants,
        repetitions=3,
        warm_invocations=3,
        python="3.12.3",
        machine="x86_64, 2 CPUs",
        measured_at=datetime(2026, 1, 1, tzinfo=UTC),
        wall_s=12.0,
    )


def cold_start_day() -> tuple[list[Any], Any]:
    """The notebook's day of bursty traffic, one hour long, under its policies."""
    from patterns.cold_starts import demo
    from patterns.cold_starts.simulator import FixedKeepAlive

    arrivals = demo.arrivals_for("bursty", 30, duration_s=3600.0)
    day = demo.simulate_policies(
        arrivals, [FixedKeepAlive(m * 60.0) for m in (5, 10, 20)], cold_start_s=0.4, duration_s=3600.0
    )
    policies = demo.mitigation_policies(
        keep_alive_min=10, provisioned=day[1].peak_instances, warmer_every_min=5
    )
    day += demo.simulate_policies(
        arrivals,
        policies[1:],
        cold_start_s=0.4,
        duration_s=3600.0,
    )
    return day, arrivals


def queue_runs(sandbox: Sandbox) -> list[Any]:
    from patterns.queue_batching.demo import sweep_batch_sizes
    from patterns.queue_batching.pipeline import PipelineConfig

    return sweep_batch_sizes(sandbox, (1, 3, 20), base=PipelineConfig(messages=30))


# --- examples: one per figure function, drawn the way the notebooks draw it --------------------------
def example_bar_chart() -> Drawn:
    from patterns.cold_starts import demo

    burst = demo.warmer_against_a_burst(10, cold_start_s=0.4)
    from patterns.step_functions.demo import SCENARIOS

    scenarios = [*SCENARIOS, "3 retries (7 s of backoff)"]
    return [
        # 01: registrations accepted per trial (counts), with the reference line
        bar_chart(
            {"check-then-put": [1, 3, 2, 4, 1], "conditional-write": [1, 1, 1, 1, 1]},
            title="registrations accepted for one email, per trial",
            xlabel="trial",
            ylabel="accepted",
            reference=(1, "correct: exactly one"),
        ),
        # 03: cold starts in a burst, one bar per policy
        bar_chart(
            {"cold starts": [result.cold_starts for result in burst]},
            labels=[result.policy.label for result in burst],
            title="a burst of 10 simultaneous requests",
            ylabel="cold starts",
        ),
        # 14: request charges per saga, by style
        bar_chart(
            {"orchestration": [4.1, 6.2, 8.3], "choreography": [2.0, 3.1, 5.2]},
            labels=["no failure", "step 2 error", "step 4 error"],
            title="request charges per saga",
            ylabel="micro-dollars",
        ),
        # 15: retry waits, and the cost per million executions of every scenario
        bar_chart(
            {"formula": [1.0, 2.0, 4.0], "history": [1.01, 2.02, 4.01], "handler starts": [1.0, 2.0, 4.0]},
            labels=["retry 1", "retry 2", "retry 3"],
            title="wait before each retry of ChargePayment",
            ylabel="seconds",
        ),
        bar_chart(
            {
                "Standard": [0.3 * (n + 1) for n in range(len(scenarios))],
                "Express (64 MB)": [1.1 * (n + 1) for n in range(len(scenarios))],
            },
            labels=scenarios,
            title="USD per million executions",
            ylabel="USD",
            size=(9.0, 3.5),
        ),
    ]


def example_bar_chart_of_rows() -> Drawn:
    rows = [
        {"deployment": deployment, "route": route, "cost_usd": cost}
        for deployment, costs in (
            ("multi-purpose", (3e-6, 2e-5, 4e-6)),
            ("single-purpose", (2e-6, 8e-6, 4e-6)),
        )
        for route, cost in zip(("register", "get", "export"), costs, strict=True)
    ]
    return bar_chart_of_rows(
        rows,
        x="route",
        y="cost_usd",
        group="deployment",
        title="cost of the workload per route",
        ylabel="USD",
    )


def example_plot_report_durations() -> Drawn:
    return [
        plot_report_durations([report(n, n == 0) for n in range(count)], title="get-user: one cold start")
        for count in (2, 3, 7)
    ]


def example_gantt() -> Drawn:
    bars = [
        GanttBar("charge", 0.0, 1.0, "failed", marks=(0.0, 0.5)),
        GanttBar("charge", 2.0, 3.0, "ok"),
        GanttBar("refund", 3.0, 3.5, "ok"),
    ]
    return gantt(bars, {"ok": "#2ca02c", "failed": "#d62728"}, shaded=[(1.0, 2.0)], shaded_label="down")


def example_plot_measurement() -> Drawn:
    from patterns.cold_starts.demo import plot_measurement

    return plot_measurement(cold_start_measurement())


def example_plot_policy_outcomes() -> Drawn:
    from patterns.cold_starts import demo

    day, _ = cold_start_day()
    burst = demo.warmer_against_a_burst(10, cold_start_s=0.4)
    return [
        demo.plot_policy_outcomes(day, title="a day of bursty traffic"),
        demo.plot_policy_outcomes(burst, title="a burst"),
    ]


def example_plot_live_environments() -> Drawn:
    from patterns.cold_starts.demo import plot_live_environments

    day, arrivals = cold_start_day()
    return plot_live_environments(day[:1] + day[3:], arrivals)


def example_plot_cost_vs_batch(sandbox: Sandbox) -> Drawn:
    from patterns.queue_batching.demo import explore, plot_cost_vs_batch
    from patterns.queue_batching.economics import fit_model

    runs = queue_runs(sandbox)
    model = fit_model(runs)
    _, explored = explore(
        sandbox,
        model,
        batch_size=30,
        batching_window_s=0,
        failure_rate=0.1,
        message_bytes=1024,
        memory_mb=512,
        architecture="arm64",
        messages=20,
    )
    return [plot_cost_vs_batch(model, runs, work=runs[0].config.work), explored]


def example_plot_cost_vs_overhead(sandbox: Sandbox) -> Drawn:
    from patterns.queue_batching.demo import plot_cost_vs_overhead
    from patterns.queue_batching.economics import fit_model

    runs = queue_runs(sandbox)
    return plot_cost_vs_overhead(fit_model(runs), [1, 10, 100, 1_000], work=runs[0].config.work)


def example_plot_latency_vs_window(sandbox: Sandbox) -> Drawn:
    from patterns.queue_batching.demo import plot_latency_vs_window, sweep_windows
    from patterns.queue_batching.pipeline import PipelineConfig

    base = PipelineConfig(messages=12, batch_size=10, arrival_rate_per_s=4.0, producer_batch=1)
    return plot_latency_vs_window(sweep_windows(sandbox, (0, 1, 2, 5), base=base))


def example_plot_cost_breakdown(sandbox: Sandbox) -> Drawn:
    from patterns.queue_batching.demo import plot_cost_breakdown
    from patterns.queue_batching.economics import run_cost_per_million

    runs = queue_runs(sandbox)
    return plot_cost_breakdown({f"batch {run.config.batch_size}": run_cost_per_million(run) for run in runs})


def example_saga_timeline(sandbox: Sandbox) -> Drawn:
    from patterns.saga.demo import plot_timeline, run_scenario, setup_lab

    lab = setup_lab(sandbox)
    return [
        plot_timeline(run_scenario(lab, 3, "crash")),
        plot_timeline(run_scenario(lab, 3, "error", compensation_fault="refund_payment")),
    ]


def example_step_functions_timeline(sandbox: Sandbox) -> Drawn:
    from patterns.step_functions.demo import deploy_order_workflow, run_order, sample_order
    from patterns.step_functions.history import plot_timeline, timeline

    workflow = deploy_order_workflow(sandbox)
    faults = {"ChargePayment": {"error": "PaymentGatewayUnavailableError", "times": 2}}
    result = run_order(sandbox, workflow, sample_order("o-figure", express=True, lines=3), faults)
    return plot_timeline(timeline(result.history), title="the happy path")


def example_fan_out_figures() -> Drawn:
    from patterns.fan_out.demo import plot_speedup_and_cost, plot_speedup_vs_workers, plot_timeline
    from patterns.fan_out.economics import WorkModel, schedule

    work = WorkModel()
    return [
        plot_timeline(schedule(200, 20, 5, work)),
        plot_timeline(schedule(2_000, 10, 50, work)),
        plot_speedup_and_cost(10_000, work),
        plot_speedup_vs_workers(10_000, work),
    ]


def example_scheduled_webhook_figures(sandbox: Sandbox) -> Drawn:
    from patterns.scheduled_webhook.demo import (
        deploy_webhooks,
        plot_deliveries,
        plot_nights,
        run_nights,
        send_through_outage,
    )

    nights = [run_nights(sandbox, nights=6, lease_hours=lease) for lease in (30.0, 12.0)]
    outage = send_through_outage(deploy_webhooks(sandbox, suffix="figures"), events=6, outage_s=30.0)
    return [*(plot_nights(run) for run in nights), plot_deliveries(outage)]


def example_scheduled_webhook_explore(sandbox: Sandbox) -> Drawn:
    from patterns.scheduled_webhook.demo import explore_lease

    return [explore_lease(sandbox, 6.0), explore_lease(sandbox, 54.0)]


def example_streams_iterator_age(sandbox: Sandbox) -> Drawn:
    from patterns.streams import demo

    settings = {"events": 10, "poison_at": 4, "horizon_s": 60}
    return demo.plot_iterator_age([demo.poison_run(sandbox, c, **settings) for c in demo.POISON_CONFIGS[::2]])


def example_streams_lag_and_cost(sandbox: Sandbox) -> Drawn:
    from patterns.streams import demo

    settings = ((1, 1), (4, 100))
    lags = [demo.lag_run(sandbox, batch_size=b, shards=s, per_second=5, seconds=2) for s, b in settings]
    return [demo.plot_lag_and_cost(lags), demo.plot_lag_and_cost(lags[:1], title="one")]


def example_streams_explore(sandbox: Sandbox) -> Drawn:
    from patterns.streams import demo

    return [demo.explore(1, 1, 1, 2), demo.explore(10, 2, 1, 5)]


def example_fan_out_explore() -> Drawn:
    from patterns.fan_out.demo import explore

    return [explore(1_000, 50, 10, 120.0, 20.0), explore(50_000, 5_000, 2, 500.0, 20.0)]


def example_plot_cost_vs_subscribers(sandbox: Sandbox) -> Drawn:
    from patterns.pubsub.demo import cost_sweep, plot_cost_vs_subscribers

    return plot_cost_vs_subscribers(cost_sweep(sandbox, (1, 2, 4, 8), (1, 10), publishes=4))


def example_plot_routing(sandbox: Sandbox) -> Drawn:
    from patterns.pubsub.demo import Playground, plot_routing

    playground = Playground(sandbox)
    return [
        plot_routing(playground.route('{"event_type": "OrderPlaced", "country": "FR"}', "{}"), 1200),
        plot_routing(playground.route("{}", "{}"), 2_900),
    ]


def example_plot_sns_retries() -> Drawn:
    from patterns.pubsub.demo import plot_sns_retries

    return plot_sns_retries(30)


def example_retries_figures() -> Drawn:
    from patterns.retries.demo import compare_strategies, explore, plot_calls_per_second

    results = compare_strategies(clients=100, base_s=0.1, cap_s=10.0, seeds=1)
    return [plot_calls_per_second(results), explore(300, 0.01, 60.0), explore(10, 1.0, 1.0)]


def example_event_driven_routing_matrix(sandbox: Sandbox) -> Drawn:
    from patterns.event_driven.demo import plot_routing_matrix, routing_rows, setup_routing

    routing = setup_routing(sandbox)
    return plot_routing_matrix(routing_rows(sandbox, routing), routing.consumers)


def example_event_driven_pipeline_costs(sandbox: Sandbox) -> Drawn:
    from patterns.event_driven.demo import cost_per_10k, plot_pipeline_costs, run_pipeline

    run = run_pipeline(sandbox, uploads=2, orders_per_upload=3)
    assert run is not None
    costs = cost_per_10k(run)
    monthly = [{"stage": r["stage"], "usd a month": r["usd per 10k"] * 200} for r in costs]
    per_month = plot_pipeline_costs(monthly, key="usd a month", per="month at 2,000,000 uploads")
    return [plot_pipeline_costs(costs), per_month]


def example_event_driven_failure_timeline(sandbox: Sandbox) -> Drawn:
    from patterns.event_driven.demo import plot_failure_timeline, run_failure_and_replay

    run = run_failure_and_replay(sandbox)
    assert run is not None
    return plot_failure_timeline(run)


def example_choreography_comparison(sandbox: Sandbox) -> Drawn:
    from patterns.choreography.demo import compare, plot_comparison, step_sweep

    return [
        plot_comparison(step_sweep(sandbox, steps=(3, 5, 7), orders=1)),
        plot_comparison(compare(sandbox, steps=4, failing_step="payment", orders=1)),
    ]


def example_microservices_figures(sandbox: Sandbox) -> Drawn:
    from patterns.microservices import demo
    from patterns.microservices.adapters import Design

    designs: tuple[Design, ...] = ("events", "shared")
    staleness = [
        demo.measure_staleness(sandbox, batching_window_s=w, changes=2, spacing_s=30) for w in (0, 30)
    ]
    outages = [demo.outage(sandbox, d, down_from_s=20, down_for_s=40, duration_s=80) for d in designs]
    costs = [demo.cost_and_coupling(sandbox, d, orders=2) for d in designs]
    return [demo.plot_staleness(staleness), demo.plot_outage(outages), demo.plot_costs(costs)]


def example_api_crud_figures() -> Drawn:
    from patterns.api_crud.demo import LoadLevel, cost_per_million, plot_costs, plot_load

    levels = [
        LoadLevel(clients, clients * 10, clients * 9, clients, 3.0 * clients, 9.0 * clients, 1)
        for clients in (1, 2, 4, 8)
    ]
    bills = [cost_per_million(api=api, billed_ms=3.0) for api in ("rest", "http")]
    return [plot_load(levels), plot_costs(bills)]


def example_state_cache_figures(sandbox: Sandbox) -> Drawn:
    from patterns.state.demo import plot_cache_run, plot_cache_sweep, run_cache, setup

    tables = setup(sandbox)
    runs = [
        run_cache(sandbox, tables, ttl_s=ttl, environments=2, duration_s=40, update_at=15) for ttl in (0, 10)
    ]
    return [plot_cache_run(runs[1]), plot_cache_sweep(runs)]


def example_state_connections() -> Drawn:
    from patterns.state.demo import CONNECTION_VARIANTS, ConnectionRun, plot_connections

    runs = [
        ConnectionRun(variant, 40, 40 - i, i, i * 2, 10 - i, 10, 5, [20.0 + i, 30.0 + i])
        for i, variant in enumerate(CONNECTION_VARIANTS)
    ]
    return plot_connections(runs)


def example_cqrs_lag(sandbox: Sandbox, tmp_path: Path) -> Drawn:
    from patterns.cqrs.demo import deploy, plot_lag, plot_lag_run, sweep_lag

    lab = deploy(sandbox, "figure", attach_projector=False, search_dir=str(tmp_path))
    runs = sweep_lag(lab, (1, 10), (0.0, 1.0), orders=8)
    return [plot_lag(runs), plot_lag_run(runs[3])]


def example_cqrs_snapshots(sandbox: Sandbox, tmp_path: Path) -> Drawn:
    from patterns.cqrs.demo import deploy, measure_snapshots, plot_snapshots

    lab = deploy(sandbox, "figure", attach_projector=False, search_dir=str(tmp_path))
    return plot_snapshots(measure_snapshots(lab, (10, 40), snapshot_every=20))


def example_security_figures(sandbox: Sandbox) -> Drawn:
    from patterns.security.demo import (
        cache_runs,
        candidate_requests,
        compare_policies,
        plot_cache_runs,
        plot_permissions,
        plot_ttl_runs,
        security_lab,
        ttl_runs,
    )

    with security_lab(sandbox) as lab:
        runs = cache_runs(lab)
        return [
            plot_cache_runs(runs),
            plot_permissions(compare_policies(lab), len(candidate_requests(lab))),
            plot_ttl_runs(ttl_runs(lab, 60, requests=4)),
        ]


def example_secrets_config_figures(sandbox: Sandbox) -> Drawn:
    from patterns.secrets_config.demo import (
        cost_run,
        explore,
        plot_api_calls,
        plot_rotation,
        rotation_run,
        secrets_lab,
    )
    from patterns.secrets_config.service import FETCH, MAX_AGE, REFRESH

    with secrets_lab(sandbox) as lab:
        costs = [
            cost_run(lab, FETCH, duration_s=60, interval_s=4),
            cost_run(lab, MAX_AGE, max_age_s=5, duration_s=60, interval_s=4),
            cost_run(lab, MAX_AGE, max_age_s=300, duration_s=60, interval_s=4),
        ]
        rotations = [
            rotation_run(lab, s, before_s=20, after_s=120, interval_s=10) for s in (MAX_AGE, REFRESH)
        ]
    return [plot_api_calls(costs), plot_rotation(rotations), explore(sandbox, 60)]


def example_idempotency_concurrent(sandbox: Sandbox) -> Drawn:
    from patterns.idempotency.demo import explore, plot_concurrent_duplicates

    return plot_concurrent_duplicates(explore(sandbox, 3))


def example_circuit_breaker_figures(sandbox: Sandbox) -> Drawn:
    from patterns.circuit_breaker import demo

    scenario = demo.Scenario(outage_start_s=10.0, outage_s=15.0, tail_s=10.0, interval_s=1.0, environments=2)
    runs = demo.compare(sandbox, scenario)
    explored = demo.explore(sandbox, 10.0, 0.5, 4, 5.0)
    return [demo.plot_breaker_states(runs), demo.plot_outage_costs(runs), explored]


def example_observability_figures(sandbox: Sandbox) -> Drawn:
    from patterns.observability.demo import (
        explore,
        follow_one_order,
        logging_cost_by_level,
        plot_log_bytes,
        plot_metrics,
        plot_trace,
        traffic,
    )

    cold, warm = follow_one_order(sandbox)
    run = traffic(sandbox, minutes=4, orders_per_minute=2, trouble=(1, 2), declines_per_minute=1, threshold=1)
    costs = logging_cost_by_level(sandbox, ("DEBUG", "INFO"), orders=2)
    return [
        plot_trace(cold),
        plot_trace(warm),
        plot_metrics(run),
        plot_log_bytes(costs),
        explore(costs, 0.25, 1_000_000),
    ]


def example_cost_tuning(sandbox: Sandbox) -> Drawn:
    from patterns.cost.demo import plot_tuning
    from patterns.cost.tuning import CPU_BOUND, IO_BOUND, deploy_handlers, power_tune

    events = deploy_handlers(sandbox)
    sizes = (128, 1024, 1769, 3008)
    return plot_tuning(
        [
            power_tune(sandbox, name, events[name], label=label, memory_sizes=sizes, invocations=2)
            for name, label in ((CPU_BOUND, "CPU-bound"), (IO_BOUND, "I/O-bound"))
        ]
    )


def example_cost_levers(sandbox: Sandbox) -> Drawn:
    from patterns.cost.claim import levers
    from patterns.cost.demo import plot_levers
    from patterns.cost.tuning import IO_BOUND, deploy_handlers, power_tune

    events = deploy_handlers(sandbox)
    run = power_tune(sandbox, IO_BOUND, events[IO_BOUND], memory_sizes=(128, 1024), invocations=1)
    return plot_levers(levers(sandbox, run, messages=10, secrets_s=20.0))


def example_cost_prices() -> Drawn:
    from patterns.cost.demo import plot_bill, plot_break_even
    from patterns.cost.service import Workload, monthly_bill, provisioned_break_even

    bill = monthly_bill(Workload(10_000_000, 20.0, 512))
    return [plot_break_even(provisioned_break_even(1024)), plot_bill(bill)]


def example_anti_patterns_figures(sandbox: Sandbox) -> Drawn:
    from patterns.anti_patterns.demo import (
        fixed_loop,
        long_job,
        plot_long_job,
        plot_loop_cost,
        plot_loops,
        recursive_loop,
    )

    allowed = recursive_loop(sandbox, setting="Allow", allowed_hops=20)
    loops = [recursive_loop(sandbox), allowed, fixed_loop(sandbox)]
    per_hop = allowed.bill.usd_per_invocation
    return [
        plot_long_job(long_job()),
        plot_long_job(long_job(1_000)),
        plot_loops(loops),
        plot_loop_cost(160, per_hop),
        plot_loop_cost(100_000, per_hop),
    ]


def example_deploy_test_figures(sandbox: Sandbox) -> Drawn:
    from patterns.deploy_test.demo import plot_canary, plot_pyramid, run_canary
    from patterns.deploy_test.service import CanaryPolicy

    policy = CanaryPolicy()
    rolled = run_canary(sandbox, policy, 0.25, per_minute=60, minutes=6, name="fig-bad")
    promoted = run_canary(sandbox, policy, 0.0, per_minute=60, minutes=6, name="fig-good")
    counts = {"unit": 1012, "integration": 655, "endpoint": 31, "e2e": 60}
    seconds = {"unit": 0.004, "integration": 0.21, "endpoint": 6.5, "e2e": 9.8}
    return [plot_canary(rolled, policy), plot_canary(promoted, policy), plot_pyramid(counts, seconds)]


EXAMPLES: dict[str, Callable[..., Drawn]] = {
    "patterns.deploy_test.demo:plot_canary": example_deploy_test_figures,
    "patterns.deploy_test.demo:plot_pyramid": example_deploy_test_figures,
    "patterns.anti_patterns.demo:plot_long_job": example_anti_patterns_figures,
    "patterns.anti_patterns.demo:plot_loops": example_anti_patterns_figures,
    "patterns.anti_patterns.demo:plot_loop_cost": example_anti_patterns_figures,
    "patterns.security.demo:plot_cache_runs": example_security_figures,
    "patterns.security.demo:plot_permissions": example_security_figures,
    "patterns.security.demo:plot_ttl_runs": example_security_figures,
    "patterns.api_crud.demo:plot_load": example_api_crud_figures,
    "patterns.api_crud.demo:plot_costs": example_api_crud_figures,
    "patterns.state.demo:plot_cache_run": example_state_cache_figures,
    "patterns.state.demo:plot_cache_sweep": example_state_cache_figures,
    "patterns.state.demo:plot_connections": example_state_connections,
    "patterns.lab.display:bar_chart": example_bar_chart,
    "patterns.lab.display:bar_chart_of_rows": example_bar_chart_of_rows,
    "patterns.lab.display:plot_report_durations": example_plot_report_durations,
    "patterns.lab.display:gantt": example_gantt,
    "patterns.cold_starts.demo:plot_measurement": example_plot_measurement,
    "patterns.cold_starts.demo:plot_policy_outcomes": example_plot_policy_outcomes,
    "patterns.cold_starts.demo:plot_live_environments": example_plot_live_environments,
    "patterns.cost.demo:plot_tuning": example_cost_tuning,
    "patterns.cost.demo:plot_break_even": example_cost_prices,
    "patterns.cost.demo:plot_levers": example_cost_levers,
    "patterns.cost.demo:plot_bill": example_cost_prices,
    "patterns.queue_batching.demo:plot_cost_vs_batch": example_plot_cost_vs_batch,
    "patterns.queue_batching.demo:plot_cost_vs_overhead": example_plot_cost_vs_overhead,
    "patterns.queue_batching.demo:plot_latency_vs_window": example_plot_latency_vs_window,
    "patterns.queue_batching.demo:plot_cost_breakdown": example_plot_cost_breakdown,
    "patterns.saga.demo:plot_timeline": example_saga_timeline,
    "patterns.pubsub.demo:plot_cost_vs_subscribers": example_plot_cost_vs_subscribers,
    "patterns.pubsub.demo:plot_routing": example_plot_routing,
    "patterns.pubsub.demo:plot_sns_retries": example_plot_sns_retries,
    "patterns.retries.demo:plot_calls_per_second": example_retries_figures,
    "patterns.retries.demo:explore": example_retries_figures,
    "patterns.step_functions.history:plot_timeline": example_step_functions_timeline,
    "patterns.fan_out.demo:plot_timeline": example_fan_out_figures,
    "patterns.fan_out.demo:plot_speedup_and_cost": example_fan_out_figures,
    "patterns.fan_out.demo:plot_speedup_vs_workers": example_fan_out_figures,
    "patterns.fan_out.demo:explore": example_fan_out_explore,
    "patterns.streams.demo:plot_iterator_age": example_streams_iterator_age,
    "patterns.streams.demo:plot_lag_and_cost": example_streams_lag_and_cost,
    "patterns.streams.demo:explore": example_streams_explore,
    "patterns.scheduled_webhook.demo:plot_nights": example_scheduled_webhook_figures,
    "patterns.scheduled_webhook.demo:plot_deliveries": example_scheduled_webhook_figures,
    "patterns.scheduled_webhook.demo:explore_lease": example_scheduled_webhook_explore,
    "patterns.event_driven.demo:plot_routing_matrix": example_event_driven_routing_matrix,
    "patterns.event_driven.demo:plot_pipeline_costs": example_event_driven_pipeline_costs,
    "patterns.event_driven.demo:plot_failure_timeline": example_event_driven_failure_timeline,
    "patterns.choreography.demo:plot_comparison": example_choreography_comparison,
    "patterns.microservices.demo:plot_staleness": example_microservices_figures,
    "patterns.microservices.demo:plot_outage": example_microservices_figures,
    "patterns.microservices.demo:plot_costs": example_microservices_figures,
    "patterns.cqrs.demo:plot_lag": example_cqrs_lag,
    "patterns.cqrs.demo:plot_lag_run": example_cqrs_lag,
    "patterns.cqrs.demo:plot_snapshots": example_cqrs_snapshots,
    "patterns.idempotency.demo:plot_concurrent_duplicates": example_idempotency_concurrent,
    "patterns.circuit_breaker.demo:plot_breaker_states": example_circuit_breaker_figures,
    "patterns.circuit_breaker.demo:plot_outage_costs": example_circuit_breaker_figures,
    "patterns.circuit_breaker.demo:explore": example_circuit_breaker_figures,
    "patterns.observability.demo:plot_trace": example_observability_figures,
    "patterns.observability.demo:plot_metrics": example_observability_figures,
    "patterns.observability.demo:plot_log_bytes": example_observability_figures,
    "patterns.observability.demo:explore": example_observability_figures,
    "patterns.secrets_config.demo:plot_api_calls": example_secrets_config_figures,
    "patterns.secrets_config.demo:plot_rotation": example_secrets_config_figures,
    "patterns.secrets_config.demo:explore": example_secrets_config_figures,
}


# --- the checks ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    figure: str
    what: str

    def __str__(self) -> str:
        return f"{self.figure}: {self.what}"


def visible_ticks(axis: Axis) -> list[tuple[float, Text]]:
    """The major and labelled minor ticks drawn inside the axis' view, with their labels."""
    low, high = sorted(axis.get_view_interval())
    span = high - low
    shown = []
    for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
        location = tick.get_loc()
        if location is None or not (low - 1e-9 * span <= location <= high + 1e-9 * span):
            continue
        label = tick.label1
        if tick.get_visible() and label.get_visible() and label.get_text().strip():
            shown.append((float(location), label))
    return shown


def outline(text: Text, renderer: Any) -> np.ndarray[Any, Any]:
    """The four corners of ``text``'s box as drawn, rotated with the text (display pixels).

    A rotated rectangle's centre is the centre of its axis-aligned bounding box, and that box's width
    and height fix the rectangle's own: ``W = w|cos| + h|sin|``, ``H = w|sin| + h|cos|``.
    """
    box = text.get_window_extent(renderer)
    angle = np.radians(text.get_rotation())
    cos, sin = abs(np.cos(angle)), abs(np.sin(angle))
    determinant = cos * cos - sin * sin
    if sin < 1e-6 or cos < 1e-6 or abs(determinant) < 0.2:
        return np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    width = (box.width * cos - box.height * sin) / determinant
    height = (box.height * cos - box.width * sin) / determinant
    half = np.array([[-width, -height], [width, -height], [width, height], [-width, height]]) / 2
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    corners: np.ndarray[Any, Any] = centre + half @ rotation.T
    return corners


def outlines_overlap(first: np.ndarray[Any, Any], second: np.ndarray[Any, Any]) -> bool:
    """Separating-axis test for two convex quadrilaterals, overlapping by more than the tolerance."""
    for polygon in (first, second):
        for index in range(4):
            edge = polygon[(index + 1) % 4] - polygon[index]
            normal = np.array([-edge[1], edge[0]])
            length = np.hypot(*normal)
            if length == 0:
                continue
            normal = normal / length
            a, b = first @ normal, second @ normal
            if min(a.max(), b.max()) - max(a.min(), b.min()) <= TOLERANCE_PX:
                return False
    return True


def overlaps(first: Bbox, second: Bbox) -> bool:
    width = min(first.x1, second.x1) - max(first.x0, second.x0)
    height = min(first.y1, second.y1) - max(first.y0, second.y0)
    return bool(width > TOLERANCE_PX and height > TOLERANCE_PX)


def looks_like_a_count(axis: Axis) -> bool:
    label = axis.get_label().get_text()
    return bool(COUNT_WORDS.search(label)) and not UNIT_WORDS.search(label)


def problems_of(name: str, figure: Figure) -> Iterator[Problem]:
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    frame = figure.bbox
    title = figure.get_suptitle() or next((a.get_title() for a in figure.axes if a.get_title()), "")
    where = f"{name} ({title!r})" if title else name
    for axes in figure.axes:
        for axis_name, axis in (("x", axes.xaxis), ("y", axes.yaxis)):
            ticks = visible_ticks(axis)
            shapes = [(label.get_text(), outline(label, renderer)) for _, label in ticks]
            for index, (tick_text, shape) in enumerate(shapes):
                for other, other_shape in shapes[index + 1 :]:
                    if outlines_overlap(shape, other_shape):
                        yield Problem(
                            where,
                            f"{axis_name} tick labels {tick_text!r} and {other!r} overlap: wrap, shorten or "
                            "rotate them (patterns.lab.display.category_ticks)",
                        )
            if is_count_axis(axis) or looks_like_a_count(axis):
                fractional = [loc for loc, _ in ticks if abs(loc - round(loc)) > 1e-9]
                if fractional:
                    yield Problem(
                        where,
                        f"the {axis_name} axis {axis.get_label().get_text()!r} counts things but has ticks "
                        f"at {fractional}: call patterns.lab.display.count_axis(axes.{axis_name}axis) after "
                        "setting its scale",
                    )
        legend = axes.get_legend()
        if legend is not None and legend.get_visible():
            box = legend.get_window_extent(renderer)
            covered = [
                f"a bar at x={patch.get_x():g}"
                for patch in axes.patches
                if isinstance(patch, Rectangle)
                and patch.get_height() != 0
                and overlaps(box, patch.get_window_extent(renderer))
            ]
            for line in axes.get_lines():
                points = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
                inside = [p for p in points if box.x0 < p[0] < box.x1 and box.y0 < p[1] < box.y1]
                if inside and len(points) > 2:
                    covered.append(f"points of the line {line.get_label()!r}")
            for collection in axes.collections:
                offsets = np.asarray(collection.get_offsets(), dtype=float)
                if isinstance(collection, PathCollection) and offsets.size:
                    points = collection.get_offset_transform().transform(offsets)
                    if any(box.x0 < p[0] < box.x1 and box.y0 < p[1] < box.y1 for p in points):
                        covered.append(f"scatter points {collection.get_label()!r}")
            if covered:
                yield Problem(
                    where,
                    f"the legend covers {', '.join(covered[:3])}: place it beside the axes "
                    '(loc="upper left", bbox_to_anchor=(1.01, 1.0)) or where there is no data',
                )
    tick_labels = {
        id(label)
        for axes in figure.axes
        for axis in (axes.xaxis, axes.yaxis)
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
        for label in (tick.label1, tick.label2)
    }
    drawn_tick_labels = [
        label for axes in figure.axes for axis in (axes.xaxis, axes.yaxis) for _, label in visible_ticks(axis)
    ]
    texts = [text for text in figure.findobj(Text) if id(text) not in tick_labels] + drawn_tick_labels
    for text in texts:
        if not (text.get_visible() and text.get_text().strip()):
            continue
        box = text.get_window_extent(renderer)
        if (
            box.x0 < frame.x0 - TOLERANCE_PX
            or box.y0 < frame.y0 - TOLERANCE_PX
            or box.x1 > frame.x1 + TOLERANCE_PX
            or box.y1 > frame.y1 + TOLERANCE_PX
        ):
            yield Problem(
                where,
                f"the text {text.get_text()!r} falls outside the figure: use layout='constrained', a wider "
                "figure, or shorter labels",
            )


def tick_labels_in_view(axis: Axis) -> list[str]:
    return [label.get_text() for _, label in visible_ticks(axis)]


def figures_of(drawn: Drawn) -> list[Figure]:
    return [drawn] if isinstance(drawn, Figure) else list(drawn)


# --- tests -----------------------------------------------------------------------------------------
def test_every_figure_function_has_an_example() -> None:
    found = figure_functions()
    assert found, "no function in patterns/ is annotated -> Figure; the discovery is broken"
    missing = sorted(set(found) - set(EXAMPLES))
    assert not missing, (
        "these functions draw figures but tests/e2e/test_figures.py draws no example of them: add to "
        "EXAMPLES an entry per function, e.g. "
        + ", ".join(f'"{name}": example_{name.split(":")[1]}' for name in missing)
        + ", with a function that draws it from small inputs the way the notebook does"
    )
    stale = sorted(set(EXAMPLES) - set(found))
    assert not stale, f"EXAMPLES names functions that are gone or no longer annotated -> Figure: {stale}"


def test_figure_functions_say_they_return_a_figure() -> None:
    unannotated = unannotated_figure_makers()
    assert not unannotated, (
        f"{unannotated} build a matplotlib Figure but are annotated Any (or not at all): annotate each "
        "'-> Figure' so the figure test finds it"
    )


@pytest.mark.parametrize("name", sorted(EXAMPLES), ids=sorted(EXAMPLES))
def test_figure_is_legible(name: str, request: pytest.FixtureRequest) -> None:
    example = EXAMPLES[name]
    arguments = [request.getfixturevalue(p) for p in inspect.signature(example).parameters]
    figures = figures_of(example(*arguments))
    assert figures, f"the example of {name} drew nothing"
    function = resolve(name)
    assert callable(function)
    problems = [
        str(problem)
        for index, figure in enumerate(figures)
        for problem in problems_of(f"{name} #{index + 1}", figure)
    ]
    assert not problems, "figures that are hard to read:\n" + "\n".join(problems)


def test_the_checks_catch_what_they_look_for() -> None:
    """A figure with every fault the checks name, so a check that silently passes everything fails here."""
    figure = Figure(figsize=(3.0, 2.0))
    axes = figure.add_subplot()
    axes.bar(range(6), [1, 2, 3, 2, 1, 2], label="bars")
    axes.set_xticks(range(6), [f"a rather long label {n}" for n in range(6)])
    axes.set_ylim(0, 2.5)
    axes.set_ylabel("invocations")
    axes.legend(loc="upper left")
    found = "\n".join(str(problem) for problem in problems_of("faulty", figure))
    assert "overlap" in found, found
    assert "falls outside the figure" in found, found
    assert "counts things" in found, found
    assert "the legend covers" in found, found
