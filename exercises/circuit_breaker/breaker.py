"""Your circuit breaker's two transitions. Replace each ``raise NotImplementedError`` with your code.

A state is a dict with exactly these keys (the DynamoDB item of pattern 18, as plain data)::

    {"state": "closed" | "open" | "half-open", "version": int, "window_start": float,
     "calls": int, "failures": int, "opened_at": float | None, "probe_until": float | None}

A policy is a dict: ``failure_rate`` (float), ``window_s``, ``open_for_s``, ``probe_lease_s`` (floats)
and ``min_calls`` (int). Times are seconds, floats. Never change the dicts you are given: return new ones.
"""

from __future__ import annotations

from typing import Any

State = dict[str, Any]
Policy = dict[str, Any]


def admit(state: State, now: float, policy: Policy) -> dict[str, Any]:
    """Task 1: ``{"decision": "call" | "probe" | "fallback", "write": <new state> or None}``."""
    raise NotImplementedError("Task 1: admit is not written yet")


def record(state: State, now: float, ok: bool, probe: bool, policy: Policy) -> State | None:
    """Task 2: the state after a call's outcome, or None when there is nothing to write."""
    raise NotImplementedError("Task 2: record is not written yet")
