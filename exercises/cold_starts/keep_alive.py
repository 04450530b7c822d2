"""Your keep-alive pool. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from typing import Any


def choose_environment(idle: list[dict[str, Any]], now: float, keep_alive_s: float) -> str | None:
    """Task 1: the id of the live idle environment that finished last, or None if all have expired."""
    raise NotImplementedError("Task 1: choose_environment is not written yet")


def serve(
    arrivals: list[float], *, service_s: float, cold_start_s: float, keep_alive_s: float, provisioned: int = 0
) -> list[str]:
    """Task 2: "provisioned", "warm" or "cold" for each request, in order."""
    raise NotImplementedError("Task 2: serve is not written yet")


def cheapest_provisioned_concurrency(
    arrivals: list[float],
    *,
    service_s: float,
    cold_start_s: float,
    keep_alive_s: float,
    p99_target_s: float,
    memory_mb: int,
    duration_s: float,
    max_provisioned: int = 10,
) -> int | None:
    """Task 3: the provisioned concurrency (0..max_provisioned) with the lowest cost whose p99 latency
    meets the target; the smaller on a tie; None if none meets it."""
    raise NotImplementedError("Task 3: cheapest_provisioned_concurrency is not written yet")
