"""Probes of the retries exercise: they run in the learner's process, call the learner's functions with a
random generator whose draws are scripted, and return plain JSON data for the grader to check."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from exercises.grader.support import learner_module


class ScriptedRandom(random.Random):
    """A ``random.Random`` whose ``random()`` returns the given draws in turn (``uniform`` uses it)."""

    def __init__(self, draws: Sequence[float]) -> None:
        super().__init__(0)
        self._draws = list(draws)
        self.used = 0

    def random(self) -> float:
        value = self._draws[self.used % len(self._draws)]
        self.used += 1
        return value


def _call(function: Any, *args: Any) -> dict[str, Any]:
    try:
        return {"returned": function(*args)}
    except ValueError as error:
        return {"raised": type(error).__name__}


def full_jitter(attempts: list[int], base: float, cap: float, draws: list[float]) -> dict[str, Any]:
    """Task 1: ``full_jitter`` for each attempt, with a fresh scripted generator each time."""
    module = learner_module("backoff")
    return {"results": [_call(module.full_jitter, n, base, cap, ScriptedRandom(draws)) for n in attempts]}


def decorrelated(previous: list[float | None], base: float, cap: float, draws: list[float]) -> dict[str, Any]:
    """Task 2: ``decorrelated_jitter`` for each previous wait, with a fresh scripted generator each time."""
    module = learner_module("backoff")
    results = [_call(module.decorrelated_jitter, p, base, cap, ScriptedRandom(draws)) for p in previous]
    return {"results": results}


def retry(errors: list[list[Any]]) -> dict[str, Any]:
    """Task 3: ``should_retry`` for each ``[status, code]``."""
    module = learner_module("backoff")
    return {"results": [module.should_retry(status, code) for status, code in errors]}


def full_jitter_invalid() -> dict[str, Any]:
    """Task 1: a negative attempt, a base of 0, a cap below the base."""
    module = learner_module("backoff")
    rng = ScriptedRandom([0.5])
    cases = [(-1, 0.1, 10.0), (0, 0.0, 10.0), (0, 2.0, 1.0)]
    return {"results": [_call(module.full_jitter, n, b, c, rng) for n, b, c in cases]}


def decorrelated_invalid() -> dict[str, Any]:
    """Task 2: a base of 0, a cap below the base."""
    module = learner_module("backoff")
    rng = ScriptedRandom([0.5])
    cases = [(None, 0.0, 10.0), (1.0, 2.0, 1.0)]
    return {"results": [_call(module.decorrelated_jitter, p, b, c, rng) for p, b, c in cases]}
