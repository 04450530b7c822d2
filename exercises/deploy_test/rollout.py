"""Your deployment checks. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations


def missing_resources(declared: dict[str, str], listed: list[str], found: list[str]) -> list[str]:
    """Task 1: the logical ids of ``declared`` (id -> type) missing from ``listed`` or from ``found``."""
    raise NotImplementedError("Task 1: missing_resources is not written yet")


def canary_verdict(invocations: int, errors: int, minutes: int, policy: dict[str, float]) -> str:
    """Task 2: "roll back", "promote" or "bake" for a canary with these counts after ``minutes``.

    ``policy`` has the keys "threshold", "min_invocations" and "bake_minutes".
    """
    raise NotImplementedError("Task 2: canary_verdict is not written yet")
