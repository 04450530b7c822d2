"""Probes of the cold-starts exercise: they run in the learner's process, call the learner's code
with a trace, and return plain JSON data for the grader to check (the checks live elsewhere)."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module

# Named traces (arrival times in seconds over one hour), so that failure messages stay short.
TRACES: dict[str, list[float]] = {
    # 4 simultaneous requests every 10 minutes
    "bursts of 4 every 10 min": [float(60 + 600 * burst) for burst in range(6) for _ in range(4)],
    # one request a second: an environment 90% busy with 0.9 s requests
    "one a second": [float(second) for second in range(3600)],
    # bursts of 2, 3, 4, 5, 2 and 3 requests 5 ms apart every 10 minutes, and five lone calls
    "uneven bursts": [
        300.0 + 600 * burst + 0.005 * k for burst, size in enumerate((2, 3, 4, 5, 2, 3)) for k in range(size)
    ]
    + [30.0, 1000.0, 1900.0, 2500.0, 3300.0],
}


def warm_up() -> None:
    """Load the course code the learner's functions use (pricing) before any learner code exists."""
    import patterns.lab.pricing  # noqa: F401


def choose(idle: list[dict[str, Any]], now: float, keep_alive_s: float) -> dict[str, Any]:
    """Task 1: what choose_environment returns."""
    module = learner_module("keep_alive")
    return {"returned": module.choose_environment([dict(env) for env in idle], now, keep_alive_s)}


def serve(arrivals: list[float], **parameters: Any) -> dict[str, Any]:
    """Task 2: what serve returns for the arrivals."""
    module = learner_module("keep_alive")
    return {"returned": module.serve(list(arrivals), **parameters)}  # as returned: it must be a list


def cheapest(trace: str, **parameters: Any) -> dict[str, Any]:
    """Task 3: what cheapest_provisioned_concurrency returns for a named trace."""
    module = learner_module("keep_alive")
    arrivals = sorted(TRACES[trace])
    return {"returned": module.cheapest_provisioned_concurrency(arrivals, duration_s=3600.0, **parameters)}
