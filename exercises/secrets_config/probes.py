"""Probes of the secrets-config exercise: they run in the learner's process, call the learner's code and
return plain JSON data for the grader to check."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module


def warm_up() -> None:
    """Nothing to load before the learner's code."""


def cache(max_age_s: float, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Task 1: one ``SecretCache`` on a store whose value changes; each step sets the time (``at``) and
    the store's value, then calls ``get`` or ``refresh`` on ``name``. Every answer, and when the store
    was read (its fetches, as ``[time, name]``)."""
    module = learner_module("secret_cache")
    clock = {"now": 0.0, "store": ""}
    fetches: list[list[Any]] = []

    def fetch(name: str) -> str:
        fetches.append([clock["now"], name])
        return f"{name}:{clock['store']}"

    secrets = module.SecretCache(fetch, lambda: clock["now"], max_age_s)
    answers = []
    for step in steps:
        clock["now"], clock["store"] = step["at"], step["store"]
        method = secrets.get if step["op"] == "get" else secrets.refresh
        answers.append(method(step.get("name", "db")))
    return {"answers": answers, "fetches": fetches}


def refresh(cached: str, fresh: str, failure: str = "refused") -> dict[str, Any]:
    """Task 2: ``call_with_refresh`` where ``read(False)`` returns ``cached``, ``read(True)`` returns
    ``fresh``, and the downstream accepts only ``"current"`` (else raises the learner's
    ``AuthenticationFailed``, or a ``TimeoutError`` when ``failure`` is ``"timeout"``)."""
    module = learner_module("secret_cache")
    reads: list[bool] = []
    calls: list[str] = []

    def read(force: bool) -> str:
        reads.append(force)
        return fresh if force else cached

    def call(secret: str) -> str:
        calls.append(secret)
        if failure == "timeout":
            raise TimeoutError("the database did not answer")
        if secret != "current":
            raise module.AuthenticationFailed(f"refused {secret}")
        return f"rows with {secret}"

    try:
        returned: Any = module.call_with_refresh(read, call)
    except module.AuthenticationFailed:
        returned = "raised AuthenticationFailed"
    except TimeoutError:
        returned = "raised TimeoutError"
    return {"returned": returned, "reads": reads, "calls": calls}
