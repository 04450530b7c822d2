"""Probes of the idempotency exercise: they run in the learner's process, call the learner's code and
return plain JSON data for the grader to check."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module


class Crash(BaseException):
    """The execution environment dies in the middle of the work."""


def warm_up() -> None:
    """Nothing to load before the learner's code."""


def decide(existing: dict[str, Any] | None, digest: str, now: float) -> dict[str, Any]:
    """Task 1: what ``decide`` returns."""
    return {"returned": learner_module("keyed").decide(existing, digest, now)}


def scenario(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Task 2: run ``execute`` once per step on one records dict; each step names the payload's amount,
    the time, and what the work does ("ok", "fail", "crash", or "duplicate": a copy of the request
    arrives while the work runs). Returns every answer, the work's calls and the final records' statuses."""
    module = learner_module("keyed")
    records: dict[str, dict[str, Any]] = {}
    calls: list[int] = []
    answers: list[Any] = []

    for step in steps:
        payload = {"order_id": "o-1", "amount_cents": step["amount"]}

        def work(
            received: dict[str, Any], step: dict[str, Any] = step, payload: dict[str, Any] = payload
        ) -> Any:
            calls.append(received["amount_cents"])
            if step["work"] == "fail":
                raise ValueError("the provider refused")
            if step["work"] == "crash":
                raise Crash()
            if step["work"] == "duplicate":
                answers.append(
                    module.execute(records, "k", payload, now=step["now"], lock_for_s=10.0, work=work)
                )
            return {"charge": len(calls)}

        try:
            answers.append(module.execute(records, "k", payload, now=step["now"], lock_for_s=10.0, work=work))
        except ValueError:
            answers.append("raised ValueError")
        except Crash:
            answers.append("crashed")
    record = records.get("k")
    status = record.get("status") if type(record) is dict else record
    return {"answers": answers, "work_calls": calls, "record_status": status}
