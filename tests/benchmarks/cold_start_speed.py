"""Speed benchmark: simulated requests per second of our fixed keep-alive simulation against SimFaaS.

``python -m tests.benchmarks.cold_start_speed [--rates ...] [--threshold S] [--requests N]
[--simfaas-requests N] [--day-rate R] [--event-loop]``

Same parameters on both sides (Poisson arrivals, exponential service times with warm mean 1.991 s and
cold mean 2.244 s, expiry threshold T). Ours: the default simulation (most recently used environment
first, vectorised) and, with ``--event-loop``, the exact event loop in SimFaaS's configuration
(most recently created first). SimFaaS runs in ``.venv-simfaas`` (see ``cold_start_fidelity.py``) on
fewer requests, as it is slower. Rates are per wall second and per CPU second (the machine may be shared).
Then the wall time of a day of traffic at a notebook-typical rate, one policy and four policies.
The defaults take about ten seconds (CI; most of it is starting SimFaaS's interpreter); raise
``--requests`` and ``--simfaas-requests`` for steadier figures.
"""

from __future__ import annotations

import argparse
import time

from patterns.cold_starts.simulator import (
    FixedKeepAlive,
    HistogramKeepAlive,
    Policy,
    ProvisionedConcurrency,
    ScheduledWarmer,
    SimulationResult,
    compare_policies,
    simulate,
)
from patterns.cold_starts.traffic import poisson
from tests.benchmarks.cold_start_fidelity import (
    COLD_SERVICE_S,
    WARM_SERVICE_S,
    run_simfaas,
    simfaas_python,
    simfaas_version,
)


def _ours(rate: float, threshold: float, requests: float, *, event_loop: bool) -> tuple[float, float, int]:
    """Wall and CPU seconds of one simulation of ``requests`` expected arrivals, and its request count."""
    arrivals = poisson(rate, requests / rate, seed=1)
    wall, cpu = time.perf_counter(), time.process_time()
    result: SimulationResult = simulate(
        arrivals,
        FixedKeepAlive(threshold),
        warm_service_s=WARM_SERVICE_S,
        cold_start_s=COLD_SERVICE_S - WARM_SERVICE_S,
        service="exponential",
        reuse="most_recently_created" if event_loop else "most_recently_used",
        engine="event_loop" if event_loop else "auto",
        duration_s=requests / rate,
    )
    return time.perf_counter() - wall, time.process_time() - cpu, result.requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", type=float, nargs="+", default=[0.1, 1.0, 10.0])
    parser.add_argument("--threshold", type=float, default=600.0)
    parser.add_argument("--requests", type=float, default=1e5, help="expected requests per run, ours")
    parser.add_argument(
        "--simfaas-requests", type=float, default=3e3, help="expected requests per run, SimFaaS"
    )
    parser.add_argument(
        "--day-rate", type=float, default=5.0, help="arrivals per second for the day of traffic"
    )
    parser.add_argument(
        "--event-loop", action="store_true", help="also time our exact event loop in SimFaaS's configuration"
    )
    options = parser.parse_args(argv)
    python = simfaas_python()
    version = simfaas_version(python)
    print(f"fixed keep-alive T={options.threshold:g} s, warm {WARM_SERVICE_S} s, cold {COLD_SERVICE_S} s")
    header = f"{'rate/s':>7} {'side':<34} {'requests':>10} {'req/s wall':>12} {'req/CPU-s':>12}"
    print(header)
    print("-" * len(header))
    for rate in options.rates:
        reference = run_simfaas(python, rate, options.threshold, options.simfaas_requests / rate, seed=1)
        simfaas_wall = reference["reqs_total"] / reference["wall_s"]
        simfaas_cpu = reference["reqs_total"] / reference["cpu_s"]
        rows = [(f"SimFaaS {version}", reference["reqs_total"], simfaas_wall, simfaas_cpu)]
        sides = [("ours (vectorised, MRU first)", False)]
        if options.event_loop:
            sides.append(("ours (event loop, newest first)", True))
        for label, event_loop in sides:
            wall, cpu, count = _ours(rate, options.threshold, options.requests, event_loop=event_loop)
            rows.append((label, count, count / wall, count / cpu))
        for label, count, per_wall, per_cpu in rows:
            print(f"{rate:>7g} {label:<34} {count:>10,} {per_wall:>12,.0f} {per_cpu:>12,.0f}")
        ours_wall, ours_cpu = rows[1][2], rows[1][3]
        print(
            f"{'':>7} speed-up of ours (vectorised): {ours_wall / simfaas_wall:.1f}x wall, "
            f"{ours_cpu / simfaas_cpu:.1f}x CPU (target >= 10x)"
        )
    day = poisson(options.day_rate, 86_400.0, seed=2)
    started = time.perf_counter()
    simulate(day, FixedKeepAlive(600.0), duration_s=86_400.0)
    one = time.perf_counter() - started
    policies: list[Policy] = [
        FixedKeepAlive(600.0),
        ProvisionedConcurrency(2),
        ScheduledWarmer(300.0),
        HistogramKeepAlive(),
    ]
    started = time.perf_counter()
    compare_policies(day, policies, duration_s=86_400.0)
    four = time.perf_counter() - started
    print(
        f"a day at {options.day_rate:g}/s ({day.size:,} requests): fixed keep-alive {one:.2f} s wall; "
        f"fixed, provisioned, warmer and histogram together {four:.2f} s wall"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
