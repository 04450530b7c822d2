"""Reference solution of the cost exercise."""

from __future__ import annotations

import math


def trimmed_mean(samples: list[float], trim: float = 0.2) -> float:
    """Task 1: the mean after dropping floor(len * trim) of the smallest and of the largest samples."""
    if not samples or not 0 <= trim < 0.5:
        raise ValueError("samples must not be empty and trim must be in [0, 0.5)")
    ordered = sorted(float(sample) for sample in samples)
    cut = math.floor(len(ordered) * trim)
    kept = ordered[cut : len(ordered) - cut]
    return math.fsum(kept) / len(kept)


def best_memory(points: list[list[float]], strategy: str, weight: float = 0.5) -> int:
    """Task 2: points are [memory_mb, duration_ms, cost_usd]; return the memory_mb the strategy picks."""
    if not points:
        raise ValueError("no points")
    if strategy == "cost":
        key = min(points, key=lambda p: (p[2], p[1], p[0]))
    elif strategy == "speed":
        key = min(points, key=lambda p: (p[1], p[2], p[0]))
    elif strategy == "balanced":
        if not 0 <= weight <= 1:
            raise ValueError("weight must be in [0, 1]")
        top_cost = max(p[2] for p in points) or 1.0
        top_ms = max(p[1] for p in points) or 1.0
        key = min(points, key=lambda p: (weight * p[2] / top_cost + (1 - weight) * p[1] / top_ms, p[0]))
    else:
        raise ValueError(f"unknown strategy {strategy!r}")
    return int(key[0])
