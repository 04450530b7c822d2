"""Your Power Tuning helpers. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations


def trimmed_mean(samples: list[float], trim: float = 0.2) -> float:
    """Task 1: the mean after dropping floor(len * trim) of the smallest and of the largest samples."""
    raise NotImplementedError("Task 1: trimmed_mean is not written yet")


def best_memory(points: list[list[float]], strategy: str, weight: float = 0.5) -> int:
    """Task 2: points are [memory_mb, duration_ms, cost_usd]; return the memory_mb the strategy picks."""
    raise NotImplementedError("Task 2: best_memory is not written yet")
