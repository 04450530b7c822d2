"""Reference solution of the circuit-breaker exercise."""

from __future__ import annotations

from typing import Any

State = dict[str, Any]
Policy = dict[str, Any]


def admit(state: State, now: float, policy: Policy) -> dict[str, Any]:
    """Task 1: ``{"decision": "call" | "probe" | "fallback", "write": <new state> or None}``."""
    if state["state"] == "closed":
        return {"decision": "call", "write": None}
    if state["state"] == "open":
        if now < state["opened_at"] + policy["open_for_s"]:
            return {"decision": "fallback", "write": None}
    elif state["probe_until"] is not None and now < state["probe_until"]:
        return {"decision": "fallback", "write": None}
    taken = {
        **state,
        "state": "half-open",
        "version": state["version"] + 1,
        "probe_until": now + policy["probe_lease_s"],
    }
    return {"decision": "probe", "write": taken}


def _fresh(state: str, version: int, now: float, opened_at: float | None) -> State:
    return {
        "state": state,
        "version": version,
        "window_start": now,
        "calls": 0,
        "failures": 0,
        "opened_at": opened_at,
        "probe_until": None,
    }


def record(state: State, now: float, ok: bool, probe: bool, policy: Policy) -> State | None:
    """Task 2: the state after a call's outcome, or None when there is nothing to write."""
    version = state["version"] + 1
    if probe:
        if state["state"] != "half-open":
            return None
        return _fresh("closed", version, now, None) if ok else _fresh("open", version, now, now)
    if state["state"] != "closed":
        return None
    window_start, calls, failures = state["window_start"], state["calls"], state["failures"]
    if now >= window_start + policy["window_s"]:
        window_start, calls, failures = now, 0, 0
    calls += 1
    failures += 0 if ok else 1
    new = {**state, "version": version, "window_start": window_start, "calls": calls, "failures": failures}
    if calls >= policy["min_calls"] and failures >= policy["failure_rate"] * calls:
        new.update(state="open", window_start=now, opened_at=now, probe_until=None)
    return new
