"""Your backoff and retry decision. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

import random


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Task 1: the wait after failed attempt ``attempt`` (0 for the first failure)."""
    raise NotImplementedError("Task 1: full_jitter is not written yet")


def decorrelated_jitter(previous: float | None, base: float, cap: float, rng: random.Random) -> float:
    """Task 2: the next wait, from the previous one (``None`` before the first)."""
    raise NotImplementedError("Task 2: decorrelated_jitter is not written yet")


def should_retry(status: int, code: str) -> bool:
    """Task 3: True when an AWS error (HTTP ``status``, error ``code``) is worth another attempt."""
    raise NotImplementedError("Task 3: should_retry is not written yet")
