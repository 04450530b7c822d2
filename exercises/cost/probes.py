"""Probes of the cost exercise: they run in the learner's process, call the learner's functions and return
plain JSON data for the grader to check."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module


def warm_up() -> None:
    """Nothing to load: the exercise is pure Python."""


def mean(samples: list[float], trim: float) -> dict[str, Any]:
    """Task 1: what ``trimmed_mean(samples, trim)`` returns (exactly as returned)."""
    return {"returned": learner_module("tuning").trimmed_mean(list(samples), trim)}


def choose(points: list[list[float]], strategy: str, weight: float) -> dict[str, Any]:
    """Task 2: what ``best_memory(points, strategy, weight)`` returns (exactly as returned)."""
    return {"returned": learner_module("tuning").best_memory([list(p) for p in points], strategy, weight)}
