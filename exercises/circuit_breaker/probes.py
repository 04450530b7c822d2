"""Probes of the circuit-breaker exercise: they run in the learner's process, call ``admit`` and
``record`` with plain dicts, and return what came back, unconverted, with the dicts they were given (a
transition must not change its input)."""

from __future__ import annotations

import copy
from typing import Any

from exercises.grader.support import learner_module


def admit(state: dict[str, Any], now: float, policy: dict[str, Any]) -> dict[str, Any]:
    """Task 1: what ``admit(state, now, policy)`` returned, and ``state`` after the call."""
    module = learner_module("breaker")
    given = copy.deepcopy(state)
    returned = module.admit(given, now, copy.deepcopy(policy))
    return {"returned": returned, "state_after_call": given}


def record(
    state: dict[str, Any], now: float, ok: bool, probe: bool, policy: dict[str, Any]
) -> dict[str, Any]:
    """Task 2: what ``record(state, now, ok, probe, policy)`` returned, and ``state`` after the call."""
    module = learner_module("breaker")
    given = copy.deepcopy(state)
    returned = module.record(given, now, ok, probe, copy.deepcopy(policy))
    return {"returned": returned, "state_after_call": given}


def sequence(steps: list[list[Any]], policy: dict[str, Any]) -> dict[str, Any]:
    """Both tasks together, as a breaker uses them: for each ``[now, ok]``, ``admit``; write what it
    says; on a call or probe, ``record`` and write that. Returns the decisions and the final state."""
    module = learner_module("breaker")
    state: Any = {
        "state": "closed",
        "version": 0,
        "window_start": 0.0,
        "calls": 0,
        "failures": 0,
        "opened_at": None,
        "probe_until": None,
    }
    decisions: list[Any] = []
    for now, ok in steps:
        admitted = module.admit(copy.deepcopy(state), now, copy.deepcopy(policy))
        if type(admitted) is not dict:
            return {"decisions": decisions, "returned": admitted}
        decisions.append(admitted.get("decision"))
        if admitted.get("write") is not None:
            state = admitted["write"]
        if admitted.get("decision") in ("call", "probe"):
            written = module.record(copy.deepcopy(state), now, ok, admitted["decision"] == "probe", policy)
            if written is not None:
                state = written
    return {"decisions": decisions, "final": state}
