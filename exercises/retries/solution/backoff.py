"""Your backoff and retry decision. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

import random

THROTTLING = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "SlowDown",
}


def _check(base: float, cap: float) -> None:
    if not 0 < base <= cap:
        raise ValueError(f"need 0 < base <= cap, got base={base}, cap={cap}")


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Task 1: the wait after failed attempt ``attempt`` (0 for the first failure)."""
    if attempt < 0:
        raise ValueError(f"attempt counts from 0, got {attempt}")
    _check(base, cap)
    ceiling = min(cap, base * 2.0 ** min(attempt, 100))
    return float(rng.uniform(0.0, ceiling))


def decorrelated_jitter(previous: float | None, base: float, cap: float, rng: random.Random) -> float:
    """Task 2: the next wait, from the previous one (``None`` before the first)."""
    _check(base, cap)
    last = base if previous is None else previous
    return float(min(cap, rng.uniform(base, max(base, last * 3))))


def should_retry(status: int, code: str) -> bool:
    """Task 3: True when an AWS error (HTTP ``status``, error ``code``) is worth another attempt."""
    return code in THROTTLING or status == 429 or status >= 500
