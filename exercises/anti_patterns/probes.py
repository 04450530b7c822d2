"""Probes of the anti-patterns exercise: they run in the learner's process, call the learner's code and
return what it returned, unconverted, or the name of the exception it raised (the checks live elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.support import learner_module


def warm_up() -> None:
    """Nothing to load: the exercise's functions are pure."""


def _call(function: Callable[..., Any], *args: Any) -> dict[str, Any]:
    try:
        return {"returned": function(*args)}
    except ValueError as error:
        return {"raised": type(error).__name__}


def chunks(records: int, per_record_ms: float, timeout_s: float, share: float) -> dict[str, Any]:
    """Task 1: ``chunk_sizes(records, per_record_ms, timeout_s, share)``."""
    return _call(learner_module("fixes").chunk_sizes, records, per_record_ms, timeout_s, share)


def writes(records: list[list[str]], output_bucket: str) -> dict[str, Any]:
    """Task 2: ``thumbnail_writes`` for an S3 event with a record per ``[bucket, key]``."""
    event = {
        "Records": [
            {"eventSource": "aws:s3", "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 10}}}
            for bucket, key in records
        ]
    }
    return _call(learner_module("fixes").thumbnail_writes, event, output_bucket)


def bill(own_ms: list[float]) -> dict[str, Any]:
    """Task 3: ``synchronous_bill(own_ms)``."""
    return _call(learner_module("fixes").synchronous_bill, own_ms)
