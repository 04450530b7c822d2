"""Probes of the deploy-test exercise: they run in the learner's process, call the learner's functions and
return plain JSON data for the grader to check."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module


def warm_up() -> None:
    """Nothing to load: the exercise is pure Python."""


def missing(declared: dict[str, str], listed: list[str], found: list[str]) -> dict[str, Any]:
    """Task 1: what ``missing_resources(declared, listed, found)`` returns (exactly as returned)."""
    return {
        "returned": learner_module("rollout").missing_resources(dict(declared), list(listed), list(found))
    }


def verdict(invocations: int, errors: int, minutes: int, policy: dict[str, float]) -> dict[str, Any]:
    """Task 2: what ``canary_verdict(invocations, errors, minutes, policy)`` returns (exactly as returned)."""
    module = learner_module("rollout")
    return {"returned": module.canary_verdict(invocations, errors, minutes, dict(policy))}
