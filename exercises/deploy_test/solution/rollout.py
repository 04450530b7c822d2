"""Your deployment checks (reference solution)."""

from __future__ import annotations


def missing_resources(declared: dict[str, str], listed: list[str], found: list[str]) -> list[str]:
    """Task 1: the logical ids of ``declared`` (id -> type) missing from ``listed`` or from ``found``."""
    listed_ids, found_ids = set(listed), set(found)
    return [logical for logical in declared if logical not in listed_ids or logical not in found_ids]


def canary_verdict(invocations: int, errors: int, minutes: int, policy: dict[str, float]) -> str:
    """Task 2: "roll back", "promote" or "bake" for a canary with these counts after ``minutes``.

    ``policy`` has the keys "threshold", "min_invocations" and "bake_minutes".
    """
    enough = invocations >= policy["min_invocations"]
    if enough and errors / invocations > policy["threshold"]:
        return "roll back"
    if enough and minutes >= policy["bake_minutes"]:
        return "promote"
    return "bake"
