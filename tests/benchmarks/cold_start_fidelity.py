"""Fidelity benchmark: our cold-start simulator against SimFaaS (Mahmoudi & Khazaei, CLOSER 2021).

``python -m tests.benchmarks.cold_start_fidelity [--rates ...] [--thresholds ...] [--max-time S]
[--max-requests N] [--replications R] [--jobs J] [--write-reference | --use-reference]``

Both sides run SimFaaS's configuration: exponential inter-arrival and service times (warm mean
1.991 s, cold mean 2.244 s), the most recently created idle instance serves a request, an instance
expires exactly T s after its last departure, the platform starts empty. For every (rate, T) the
script prints the average instance count and the cold-start probability of each side (mean of R
replications), their relative difference, pass/fail against 2% / 5%, and Little's law per side.

SimFaaS is installed only in ``.venv-simfaas`` (created on first use with ``pip install simfaas``)
and runs there in subprocesses; our simulator runs in this interpreter. ``--write-reference`` runs
SimFaaS only and writes ``tests/benchmarks/data/simfaas_reference.json`` (the committed table the unit
tests compare with); ``--use-reference`` compares with that file instead of running SimFaaS.
A replication simulates ``min(max_time, max_requests / rate)`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SIMFAAS_VENV = ROOT / ".venv-simfaas"
REFERENCE = ROOT / "tests" / "benchmarks" / "data" / "simfaas_reference.json"
WARM_SERVICE_S = 1.991
COLD_SERVICE_S = 2.244
MAXIMUM_CONCURRENCY = 1000
AVG_TOLERANCE = 0.02
COLD_TOLERANCE = 0.05

# Runs inside .venv-simfaas: one SimFaaS replication, parameters as JSON in argv[1], result as JSON.
SIMFAAS_RUNNER = """
import json, sys, time
import numpy as np
from simfaas.ServerlessSimulator import ServerlessSimulator
p = json.loads(sys.argv[1])
np.random.seed(p["seed"])
sim = ServerlessSimulator(arrival_rate=p["rate"], warm_service_rate=1 / p["warm"],
    cold_service_rate=1 / p["cold"], expiration_threshold=p["threshold"], max_time=p["max_time"],
    maximum_concurrency=p["max_concurrency"])
started, cpu = time.perf_counter(), time.process_time()
sim.generate_trace()
wall, cpu = time.perf_counter() - started, time.process_time() - cpu
r = sim.get_result_dict()
print(json.dumps({"inst_count_avg": r["inst_count_avg"], "prob_cold": r["prob_cold"],
    "inst_running_count_avg": r["inst_running_count_avg"], "reqs_total": r["reqs_total"],
    "reqs_cold": r["reqs_cold"], "reqs_reject": r["reqs_reject"], "trace_end": sim.get_trace_end(),
    "wall_s": wall, "cpu_s": cpu}))
"""


def simfaas_python() -> Path:
    """The interpreter of ``.venv-simfaas``, creating the venv and installing SimFaaS when missing."""
    python = SIMFAAS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SIMFAAS_VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import simfaas"], capture_output=True, check=False)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "simfaas"], check=True)
    return python


def simfaas_version(python: Path) -> str:
    code = "from importlib.metadata import version; print(version('simfaas'))"
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def run_simfaas(python: Path, rate: float, threshold: float, max_time: float, seed: int) -> dict[str, Any]:
    """One SimFaaS replication in the SimFaaS venv."""
    parameters = {
        "rate": rate,
        "threshold": threshold,
        "max_time": max_time,
        "seed": seed,
        "warm": WARM_SERVICE_S,
        "cold": COLD_SERVICE_S,
        "max_concurrency": MAXIMUM_CONCURRENCY,
    }
    completed = subprocess.run(
        [str(python), "-c", SIMFAAS_RUNNER, json.dumps(parameters)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    result["seed"] = seed
    return result


def run_ours(rate: float, threshold: float, max_time: float, seed: int) -> dict[str, Any]:
    """One replication of our simulator in SimFaaS's configuration."""
    from patterns.cold_starts.simulator import simulate_simfaas_configuration

    started = time.perf_counter()
    result = simulate_simfaas_configuration(
        arrival_rate=rate,
        expiration_threshold_s=threshold,
        max_time_s=max_time,
        warm_service_s=WARM_SERVICE_S,
        cold_service_s=COLD_SERVICE_S,
        concurrency_limit=MAXIMUM_CONCURRENCY,
        seed=seed,
    )
    wall = time.perf_counter() - started
    return {
        "inst_count_avg": result.average_instances,
        "prob_cold": result.cold_start_fraction,
        "inst_running_count_avg": result.average_busy_instances,
        "reqs_total": result.requests,
        "reqs_cold": result.cold_starts,
        "reqs_reject": result.throttled,
        "wall_s": wall,
        "seed": seed,
    }


def replication_time(rate: float, max_time: float, max_requests: float | None) -> float:
    """Simulated seconds of one replication: ``max_time``, shortened to ``max_requests`` expected arrivals."""
    return max_time if max_requests is None else min(max_time, max_requests / rate)


def _mean(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.fmean(float(run[key]) for run in runs)


def littles_law_gap(runs: list[dict[str, Any]], rate: float) -> float:
    """Relative gap between average busy instances and rate x mean service time (warm/cold mix)."""
    busy = _mean(runs, "inst_running_count_avg")
    cold = _mean(runs, "prob_cold")
    expected = rate * (cold * COLD_SERVICE_S + (1 - cold) * WARM_SERVICE_S)
    return abs(busy - expected) / expected


def relative_difference(ours: float, reference: float) -> float:
    if reference == 0:
        return 0.0 if ours == 0 else float("inf")
    return abs(ours - reference) / abs(reference)


def collect_simfaas(options: argparse.Namespace) -> dict[str, Any]:
    python = simfaas_python()
    tasks = [
        (rate, threshold, replication_time(rate, options.max_time, options.max_requests), seed)
        for threshold in options.thresholds
        for rate in options.rates
        for seed in range(options.replications)
    ]
    started = time.perf_counter()
    with ThreadPoolExecutor(options.jobs) as pool:
        results = list(pool.map(lambda task: run_simfaas(python, *task), tasks))
    runs = []
    for threshold in options.thresholds:
        for rate in options.rates:
            replications = [
                result
                for task, result in zip(tasks, results, strict=True)
                if task[0] == rate and task[1] == threshold
            ]
            runs.append(
                {
                    "rate": rate,
                    "threshold_s": threshold,
                    "max_time_s": replication_time(rate, options.max_time, options.max_requests),
                    "inst_count_avg": _mean(replications, "inst_count_avg"),
                    "prob_cold": _mean(replications, "prob_cold"),
                    "inst_running_count_avg": _mean(replications, "inst_running_count_avg"),
                    "replications": replications,
                }
            )
    return {
        "description": "SimFaaS figures for tests/unit/test_cold_start_simulator.py; written by "
        "python -m tests.benchmarks.cold_start_fidelity --write-reference",
        "simfaas_version": simfaas_version(python),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_s": time.perf_counter() - started,
        "parameters": {
            "warm_service_s": WARM_SERVICE_S,
            "cold_service_s": COLD_SERVICE_S,
            "maximum_concurrency": MAXIMUM_CONCURRENCY,
            "max_time_s": options.max_time,
            "max_requests": options.max_requests,
            "replications": options.replications,
            "seeds": list(range(options.replications)),
            "arrival": "exponential",
            "service": "exponential",
        },
        "runs": runs,
    }


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", type=float, nargs="+", default=[0.1, 0.3, 1.0, 3.0, 10.0])
    parser.add_argument("--thresholds", type=float, nargs="+", default=[60.0, 600.0])
    parser.add_argument("--max-time", type=float, default=1e6, help="simulated seconds per replication")
    parser.add_argument(
        "--max-requests", type=float, default=None, help="cap on expected requests per replication"
    )
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write-reference", action="store_true", help="run SimFaaS only; write the JSON")
    mode.add_argument("--use-reference", action="store_true", help="compare with the committed JSON")
    return parser.parse_args(argv)


def collect_ours(options: argparse.Namespace, runs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Our replications for each (rate, threshold, simulated time) of ``runs``, on ``options.jobs`` cores."""
    tasks = [
        (run["rate"], run["threshold_s"], run["max_time_s"], 1000 + seed)
        for run in runs
        for seed in range(options.replications)
    ]
    with ProcessPoolExecutor(options.jobs) as pool:
        results = list(pool.map(run_ours, *zip(*tasks, strict=True)))
    return [
        results[index * options.replications : (index + 1) * options.replications]
        for index in range(len(runs))
    ]


def print_table(reference: dict[str, Any], ours: list[list[dict[str, Any]]]) -> bool:
    """Print the side-by-side table; True when every row passes."""
    header = (
        f"{'rate':>5} {'T s':>5} | {'avg instances SimFaaS':>21} {'ours':>8} {'diff':>6} {'2%':>4} | "
        f"{'P(cold) SimFaaS':>15} {'ours':>9} {'diff':>6} {'5%':>4} | {'Little gap S/ours':>17}"
    )
    print(header)
    print("-" * len(header))
    every_row_passes = True
    for run, mine in zip(reference["runs"], ours, strict=True):
        theirs = run["replications"]
        avg_ref, avg_ours = _mean(theirs, "inst_count_avg"), _mean(mine, "inst_count_avg")
        cold_ref, cold_ours = _mean(theirs, "prob_cold"), _mean(mine, "prob_cold")
        avg_diff = relative_difference(avg_ours, avg_ref)
        cold_diff = relative_difference(cold_ours, cold_ref)
        avg_ok, cold_ok = avg_diff <= AVG_TOLERANCE, cold_diff <= COLD_TOLERANCE
        every_row_passes = every_row_passes and avg_ok and cold_ok
        little = f"{littles_law_gap(theirs, run['rate']):.2%}/{littles_law_gap(mine, run['rate']):.2%}"
        print(
            f"{run['rate']:>5g} {run['threshold_s']:>5g} | "
            f"{avg_ref:>21.4f} {avg_ours:>8.4f} {avg_diff:>6.2%} "
            f"{'ok' if avg_ok else 'FAIL':>4} | {cold_ref:>15.5f} {cold_ours:>9.5f} {cold_diff:>6.2%} "
            f"{'ok' if cold_ok else 'FAIL':>4} | {little:>17}"
        )
    return every_row_passes


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    if options.write_reference:
        reference = collect_simfaas(options)
        REFERENCE.write_text(json.dumps(reference, indent=1) + "\n")
        print(f"wrote {REFERENCE.relative_to(ROOT)} ({reference['wall_s']:.0f} s of SimFaaS)")
        return 0
    if options.use_reference:
        reference = json.loads(REFERENCE.read_text())
        options.replications = reference["parameters"]["replications"]
        print(f"SimFaaS {reference['simfaas_version']} figures from {REFERENCE.relative_to(ROOT)} ")
        print(f"({reference['generated']}, {options.replications} replications per row)")
    else:
        reference = collect_simfaas(options)
        print(
            f"SimFaaS {reference['simfaas_version']}, {options.replications} replications per row, each side"
        )
    started = time.perf_counter()
    ours = collect_ours(options, reference["runs"])
    print(f"ours: {time.perf_counter() - started:.0f} s wall on {options.jobs} processes")
    print("Little gap: |average busy - rate x mean service| / (rate x mean service), per side")
    passed = print_table(reference, ours)
    print(
        "all rows within 2% (average instance count) and 5% (cold-start probability)" if passed else "FAILED"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
