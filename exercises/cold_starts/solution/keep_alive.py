"""Reference solution of the cold-starts exercise: a keep-alive pool, cold-start counting, and the
cheapest provisioned concurrency that meets a p99 latency target."""

from __future__ import annotations

import heapq
import math
from typing import Any

from patterns.lab import pricing


def choose_environment(idle: list[dict[str, Any]], now: float, keep_alive_s: float) -> str | None:
    """Task 1: the id of the live idle environment that finished last, or None if all have expired."""
    chosen: dict[str, Any] | None = None
    for environment in idle:
        if environment["last_departure"] + keep_alive_s <= now:
            continue  # expired: exactly keep_alive_s after its last departure it is gone
        if chosen is None or environment["last_departure"] > chosen["last_departure"]:
            chosen = environment
    return None if chosen is None else str(chosen["id"])


def serve(
    arrivals: list[float], *, service_s: float, cold_start_s: float, keep_alive_s: float, provisioned: int = 0
) -> list[str]:
    """Task 2: "provisioned", "warm" or "cold" for each request, in order."""
    free_provisioned = provisioned
    busy: list[tuple[float, int, str]] = []  # (departure, sequence, environment id or "" for provisioned)
    idle: list[dict[str, Any]] = []
    kinds: list[str] = []
    for sequence, now in enumerate(arrivals):
        while busy and busy[0][0] <= now:
            departure, _, env_id = heapq.heappop(busy)
            if env_id:
                idle.append({"id": env_id, "last_departure": departure})
            else:
                free_provisioned += 1
        if free_provisioned:
            free_provisioned -= 1
            heapq.heappush(busy, (now + service_s, sequence, ""))
            kinds.append("provisioned")
            continue
        chosen = choose_environment(idle, now, keep_alive_s)
        idle = [env for env in idle if env["last_departure"] + keep_alive_s > now and env["id"] != chosen]
        if chosen is None:
            chosen = f"env-{sequence}"
            heapq.heappush(busy, (now + service_s + cold_start_s, sequence, chosen))
            kinds.append("cold")
        else:
            heapq.heappush(busy, (now + service_s, sequence, chosen))
            kinds.append("warm")
    return kinds


def _p99(latencies: list[float]) -> float:
    ranked = sorted(latencies)
    return ranked[math.ceil(0.99 * len(ranked)) - 1]


def _cost(
    kinds: list[str],
    provisioned: int,
    *,
    service_s: float,
    cold_start_s: float,
    memory_mb: int,
    duration_s: float,
) -> float:
    warm_ms = pricing.billed_duration_ms(service_s * 1000)
    cold_ms = pricing.billed_duration_ms((service_s + cold_start_s) * 1000)
    on_provisioned = kinds.count("provisioned")
    on_demand = len(kinds) - on_provisioned
    on_demand_ms = kinds.count("warm") * warm_ms + kinds.count("cold") * cold_ms
    cost = pricing.lambda_request_cost(on_demand) + pricing.lambda_duration_cost(
        pricing.gb_seconds(memory_mb, on_demand_ms)
    )
    if provisioned:
        cost += pricing.provisioned_concurrency_cost(
            provisioned, memory_mb, duration_s, invocations=on_provisioned, avg_billed_ms=warm_ms
        )
    return cost


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
    best: tuple[float, int] | None = None
    for provisioned in range(max_provisioned + 1):
        kinds = serve(
            arrivals,
            service_s=service_s,
            cold_start_s=cold_start_s,
            keep_alive_s=keep_alive_s,
            provisioned=provisioned,
        )
        latencies = [service_s + cold_start_s if kind == "cold" else service_s for kind in kinds]
        if latencies and _p99(latencies) > p99_target_s:
            continue
        cost = _cost(
            kinds,
            provisioned,
            service_s=service_s,
            cold_start_s=cold_start_s,
            memory_mb=memory_mb,
            duration_s=duration_s,
        )
        if best is None or cost < best[0]:
            best = (cost, provisioned)
    return None if best is None else best[1]
