"""Benchmarks for the lab runtime: prints figures, asserts nothing (targets are in the issue).

Run with ``make bench`` (``make test`` runs it too). Figures:
* sandbox start-up and stop per test (target: 20 ms or less, median),
* warm local invoke overhead above the handler's own time (target: under 1 ms, median),
* cold vs warm invocation of the faas registration handler.
"""

from __future__ import annotations

import statistics
import time

from patterns.faas import demo
from patterns.faas.adapters import create_resources
from patterns.lab import aws_sandbox
from patterns.lab.sandbox import Backend


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered):7.3f} ms   p90 {p90:7.3f} ms   (n={len(ordered)})"


def sandbox_startup(samples: int = 30) -> tuple[list[float], list[float]]:
    starts, stops = [], []
    with aws_sandbox(backend=Backend()):
        pass  # imports and the first session are paid once per process, not per test
    for _ in range(samples):
        started = time.perf_counter()
        context = aws_sandbox(backend=Backend())
        context.__enter__()
        starts.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        context.__exit__(None, None, None)
        stops.append((time.perf_counter() - started) * 1000)
    return starts, stops


def warm_overhead(samples: int = 2000) -> list[float]:
    overheads = []
    with aws_sandbox(backend=Backend()) as sandbox:
        sandbox.deploy("noop", "tests.handlers.noop.handler")
        sandbox.lambdas.invoke("noop")
        for _ in range(samples):
            started = time.perf_counter()
            result = sandbox.lambdas.invoke("noop", {"n": 1})
            overheads.append((time.perf_counter() - started) * 1000 - result.report.duration_ms)
    return overheads


def faas_cold_and_warm(samples: int = 20) -> tuple[list[float], list[float], list[float]]:
    colds, inits, warms = [], [], []
    with aws_sandbox(backend=Backend()) as sandbox:
        resources = create_resources()
        for i in range(samples):
            demo.deploy_registration(
                sandbox, resources
            )  # redeploying discards environments: next call is cold
            cold = sandbox.lambdas.invoke(
                "register-user", demo.registration_event({"email": f"c{i}@x.io", "name": "C"})
            )
            colds.append(cold.report.duration_ms)
            inits.append(cold.report.init_ms or 0.0)
            warm = sandbox.lambdas.invoke(
                "register-user", demo.registration_event({"email": f"w{i}@x.io", "name": "W"})
            )
            warms.append(warm.report.duration_ms)
    return colds, inits, warms


def main() -> int:
    starts, stops = sandbox_startup()
    print(f"sandbox start            {_ms(starts)}   (target <= 20 ms)")
    print(f"sandbox stop             {_ms(stops)}")
    print(f"warm invoke overhead     {_ms(warm_overhead())}   (target < 1 ms)")
    colds, inits, warms = faas_cold_and_warm()
    print(f"faas register: cold init {_ms(inits)}")
    print(f"faas register: cold run  {_ms(colds)}   (first request: creates its clients)")
    print(f"faas register: warm run  {_ms(warms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
