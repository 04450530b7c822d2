"""The cold-start simulator: hand-computed traces, policies, Little's law, cost, and SimFaaS agreement."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from patterns.cold_starts.simulator import (
    FixedKeepAlive,
    HistogramKeepAlive,
    ProvisionedConcurrency,
    ScheduledWarmer,
    SimulationError,
    compare_policies,
    simulate,
    simulate_simfaas_configuration,
)
from patterns.cold_starts.traffic import periodic, poisson
from patterns.lab import pricing
from patterns.lab.exceptions import LabError

pytestmark = pytest.mark.unit

REFERENCE = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "simfaas_reference.json"
ENGINES = ["auto", "event_loop"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_hand_computed_trace(engine):
    # 0: cold (busy until 1.5); 1: the only environment is busy -> cold (until 2.5);
    # 5: both idle and alive -> warm; 20: both expired (11.5 and 16) -> cold.
    result = simulate(
        [0.0, 1.0, 5.0, 20.0],
        FixedKeepAlive(10.0),
        warm_service_s=1.0,
        cold_start_s=0.5,
        duration_s=30.0,
        engine=engine,
    )
    assert (result.requests, result.cold_starts, result.throttled) == (4, 3, 0)
    assert result.cold_start_mask.tolist() == [True, True, False, True]
    assert result.latencies_s.tolist() == [1.5, 1.5, 1.0, 1.5]
    assert result.busy_env_seconds == pytest.approx(5.5)
    # alive: [0, 11.5), [1, 16) (reused at 5, free at 6), [20, 31.5) clipped at 30
    assert result.idle_env_seconds == pytest.approx(11.5 + 15 + 10 - 5.5)
    assert result.peak_instances == 2
    assert result.instances_at([0.5, 1.2, 12.0, 17.0, 25.0]).tolist() == [1, 2, 1, 0, 1]
    assert result.latency_max_s == 1.5
    assert result.latency_mean_s == pytest.approx(5.5 / 4)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("second_arrival", "cold"), [(10.999, False), (11.0, True)])
def test_an_environment_expires_exactly_keep_alive_after_its_last_departure(engine, second_arrival, cold):
    result = simulate(
        [0.0, second_arrival], FixedKeepAlive(10.0), warm_service_s=1.0, cold_start_s=0.0, engine=engine
    )
    assert result.cold_start_mask.tolist() == [True, cold]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_departure_at_the_instant_of_an_arrival_frees_the_environment_first(engine):
    result = simulate([0.0, 1.0], FixedKeepAlive(10.0), warm_service_s=1.0, cold_start_s=0.0, engine=engine)
    assert result.cold_starts == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_simultaneous_arrivals_each_need_an_environment(engine):
    result = simulate([5.0, 5.0, 5.0, 9.0], FixedKeepAlive(60.0), warm_service_s=1.0, engine=engine)
    assert result.cold_start_mask.tolist() == [True, True, True, False]
    assert result.peak_instances == 3


def test_an_empty_trace_gives_an_empty_result():
    result = simulate([], duration_s=60.0)
    assert (result.requests, result.cold_starts, result.cold_start_fraction) == (0, 0, 0.0)
    assert result.average_instances == 0.0
    assert result.cost.total == 0.0


@pytest.mark.parametrize("reuse", ["most_recently_used", "most_recently_created"])
def test_requests_beyond_the_concurrency_limit_are_throttled(reuse):
    result = simulate(
        [0.0] * 5 + [0.5, 2.0], concurrency_limit=3, warm_service_s=1.0, cold_start_s=0.0, reuse=reuse
    )
    assert result.throttled == 3  # two at 0 and the one at 0.5, while three run
    assert result.cold_starts == 3
    assert np.isnan(result.latencies_s).sum() == 3
    assert result.cold_start_fraction == pytest.approx(3 / 7)
    assert result.cold_start_mask[-1] == np.False_  # at 2.0 the three have finished


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("reuse", "alive_at_16_1"), [("most_recently_used", 1), ("most_recently_created", 2)]
)
def test_the_reuse_rule_decides_which_environment_stays_alive(engine, reuse, alive_at_16_1):
    # A: cold 0-10, warm 10.2-11.2. B: cold 1-11. At 12 both are idle: A finished last, B is newest.
    # The one chosen at 12 lives to 18; the other expires 5 s after its last departure (16 or 16.2).
    result = simulate(
        [0.0, 1.0, 10.2, 12.0],
        FixedKeepAlive(5.0),
        warm_service_s=1.0,
        cold_start_s=9.0,
        reuse=reuse,
        engine=engine,
        duration_s=20.0,
    )
    assert result.cold_start_mask.tolist() == [True, True, False, False]
    assert result.instances_at([15.9, 16.1, 17.0]).tolist() == [2, alive_at_16_1, 1]


@pytest.mark.parametrize("engine", ENGINES)
def test_provisioned_concurrency_serves_that_many_concurrent_requests_warm(engine):
    burst = [100.0] * 4
    assert simulate(burst, ProvisionedConcurrency(4), engine=engine).cold_starts == 0
    spilled = simulate([*burst, 100.0], ProvisionedConcurrency(4), engine=engine)
    assert spilled.cold_starts == 1
    assert spilled.cost.provisioned > 0


def test_provisioned_concurrency_is_billed_for_the_whole_span_even_when_idle():
    result = simulate([10.0], ProvisionedConcurrency(2), memory_mb=1024, duration_s=3600.0)
    expected = pricing.provisioned_concurrency_cost(2, 1024, 3600.0, invocations=1, avg_billed_ms=100)
    assert result.cost.provisioned == pytest.approx(expected)
    assert result.cost.on_demand_requests == 0.0
    assert result.idle_env_seconds == pytest.approx(2 * 3600.0 - 0.1)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_warmer_ping_keeps_one_environment_warm_not_the_burst(engine):
    bursts = np.repeat(np.arange(1050.0, 10_051.0, 1000.0), 5)  # 5 simultaneous requests every 1000 s
    common = {"duration_s": 10_500.0, "engine": engine}
    without = simulate(bursts, FixedKeepAlive(600.0), **common)
    one_ping = simulate(bursts, ScheduledWarmer(300.0, keep_alive_s=600.0), **common)
    five_pings = simulate(
        bursts,
        ScheduledWarmer(300.0, keep_alive_s=600.0, pings_per_tick=5),
        **common,
    )
    assert without.cold_starts == 50
    assert one_ping.cold_starts == 40  # 4 of every 5 still start cold
    assert five_pings.cold_starts == 0
    assert one_ping.warmer_invocations == 35  # ticks at 0, 300, ..., 10200
    assert five_pings.warmer_invocations == 175
    assert one_ping.requests == 50
    assert 0 < one_ping.cost.warmer < five_pings.cost.warmer


def test_the_histogram_policy_beats_fixed_keep_alive_on_a_periodic_trace():
    arrivals = periodic(1800.0, 2 * 86_400.0, jitter_s=30.0, seed=4)  # every 30 min, +-30 s
    fixed = simulate(arrivals, FixedKeepAlive(600.0))
    long_fixed = simulate(arrivals, FixedKeepAlive(2000.0))
    histogram = simulate(arrivals, HistogramKeepAlive())
    assert fixed.cold_starts == arrivals.size  # 10 minutes never bridges a 30-minute gap
    assert histogram.cold_starts <= 15  # cold only while the histogram learns (10 samples)
    assert long_fixed.cold_starts == 1
    assert histogram.idle_env_seconds < long_fixed.idle_env_seconds / 5  # pre-warms instead of waiting


def test_the_histogram_policy_falls_back_to_fixed_keep_alive_without_a_pattern():
    arrivals = poisson(0.01, 50_000.0, seed=3)  # gaps spread over many bins: no pattern
    histogram = simulate(arrivals, HistogramKeepAlive(fallback_keep_alive_s=600.0, cv_threshold=50.0))
    fixed = simulate(arrivals, FixedKeepAlive(600.0))
    assert histogram.cold_starts == fixed.cold_starts


@pytest.mark.parametrize("policy", [FixedKeepAlive(60.0), HistogramKeepAlive(), ProvisionedConcurrency(1)])
def test_littles_law_holds(policy):
    rate, warm, cold_start = 2.0, 0.5, 0.3
    result = simulate(
        poisson(rate, 20_000.0, seed=5),
        policy,
        warm_service_s=warm,
        cold_start_s=cold_start,
        service="exponential",
        duration_s=20_000.0,
    )
    law = result.littles_law()
    assert law.relative_gap < 0.001  # only requests running past the end are cut
    # L = lambda W with W = warm + P(cold) x cold start: the average busy environments
    theory = rate * (warm + result.cold_start_fraction * cold_start)
    assert result.average_busy_instances == pytest.approx(theory, rel=0.03)


def test_littles_law_counts_warmer_pings():
    result = simulate(
        poisson(0.5, 20_000.0, seed=6), ScheduledWarmer(60.0, 120.0, ping_s=0.2), duration_s=20_000.0
    )
    law = result.littles_law()
    assert law.arrival_rate == pytest.approx((result.requests + result.warmer_invocations) / 20_000.0)
    assert law.relative_gap < 0.001


def test_the_vectorised_path_equals_the_event_loop():
    rng = np.random.default_rng(11)
    for trial in range(40):
        count = int(rng.integers(1, 120))
        if trial % 2:
            arrivals = np.sort(rng.integers(0, 80, count).astype(float))  # many ties
        else:
            arrivals = np.sort(rng.uniform(0, 300, count))
        policy = (
            FixedKeepAlive(float(rng.choice([1.0, 5.0, 30.0])))
            if trial % 3
            else ScheduledWarmer(float(rng.choice([7.0, 20.0])), float(rng.choice([5.0, 30.0])))
        )
        options = {
            "warm_service_s": float(rng.choice([0.5, 2.0, 4.0])),
            "cold_start_s": float(rng.choice([0.0, 1.0])),
            "service": "exponential" if trial % 4 == 0 else "fixed",
            "duration_s": 320.0,
            "seed": trial,
        }
        fast = simulate(arrivals, policy, **options)  # type: ignore[arg-type]
        loop = simulate(arrivals, policy, engine="event_loop", **options)  # type: ignore[arg-type]
        assert fast.cold_start_mask.tolist() == loop.cold_start_mask.tolist()
        assert fast.idle_env_seconds == pytest.approx(loop.idle_env_seconds, abs=1e-6)
        assert fast.peak_instances == loop.peak_instances
        grid = np.linspace(0, 330, 111)
        assert fast.instances_at(grid).tolist() == loop.instances_at(grid).tolist()


def test_a_cold_request_is_billed_its_init_time():
    result = simulate([0.0], memory_mb=1024, warm_service_s=0.1, cold_start_s=0.5)
    assert result.cost.total == pytest.approx(pricing.lambda_invocation_cost(1024, 600))
    arm = simulate([0.0], memory_mb=1024, architecture="arm64", warm_service_s=0.1, cold_start_s=0.5)
    assert arm.cost.total < result.cost.total


def test_compare_policies_runs_each_policy_on_the_same_trace():
    arrivals = poisson(1.0, 3600.0, seed=1)
    results = compare_policies(arrivals, [FixedKeepAlive(60.0), ProvisionedConcurrency(3)], duration_s=3600.0)
    assert [r.requests for r in results] == [arrivals.size] * 2
    assert results[1].cold_starts < results[0].cold_starts
    rows = [r.summary() for r in results]
    assert [row["policy"] for row in rows] == ["keep-alive 1 min", "provisioned 3"]
    assert rows[1]["cost_usd"] == results[1].cost.total


@pytest.mark.parametrize(
    ("arrivals", "policy", "options", "message"),
    [
        ([2.0, 1.0], None, {}, "arrivals must be sorted; arrival 1 (1.0 s) comes before arrival 0 (2.0 s)"),
        ([-1.0], None, {}, "arrival times must be >= 0 s"),
        ([0.0], FixedKeepAlive(-1.0), {}, "FixedKeepAlive.keep_alive_s must be a finite number >= 0"),
        ([0.0], "ten minutes", {}, "policy must be FixedKeepAlive"),
        ([0.0], None, {"warm_service_s": 0.0}, "warm_service_s must be a finite number > 0, got 0.0"),
        ([0.0], None, {"concurrency_limit": 0}, "concurrency_limit must be an int >= 1, got 0"),
        ([0.0], None, {"service": "normal"}, "service must be 'fixed' or 'exponential', got 'normal'"),
        ([0.0], ProvisionedConcurrency(-2), {}, "ProvisionedConcurrency.concurrency must be >= 0, got -2"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(arrivals, policy, options, message):
    with pytest.raises(SimulationError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        simulate(arrivals, policy, **options)
    assert isinstance(caught.value, LabError)


def test_agrees_with_the_committed_simfaas_reference():
    """A cheaper run than the benchmark's (rates up to 1/s, 1e5 simulated seconds, 2 replications),
    against the committed SimFaaS figures: average instances within 2%, cold-start probability within
    10% (or 3 standard errors of its count) as the shorter run is noisier."""
    reference = json.loads(REFERENCE.read_text())
    assert reference["parameters"]["warm_service_s"] == 1.991
    checked = 0
    for run in reference["runs"]:
        if run["rate"] > 1.0:
            continue
        max_time = min(run["max_time_s"], 100_000.0)
        ours = [
            simulate_simfaas_configuration(
                arrival_rate=run["rate"],
                expiration_threshold_s=run["threshold_s"],
                max_time_s=max_time,
                seed=seed,
            )
            for seed in range(2)
        ]
        average = float(np.mean([r.average_instances for r in ours]))
        cold = float(np.mean([r.cold_start_fraction for r in ours]))
        assert average == pytest.approx(run["inst_count_avg"], rel=0.02), run
        # the cold-start probability is noisier on a short run: 10% or 3 standard errors of a Poisson count
        expected_cold = run["prob_cold"]
        noise = 3 * math.sqrt(expected_cold / sum(r.requests for r in ours))
        assert abs(cold - expected_cold) <= max(0.10 * expected_cold, noise), run
        checked += 1
    assert checked >= 4
