"""Probes of the observability exercise: they run in the learner's process, call the learner's functions
and return what came back, unconverted, for the grader to check."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module


def _call(function: Any, *args: Any) -> dict[str, Any]:
    try:
        return {"returned": function(*args)}
    except ValueError as error:
        return {"raised": type(error).__name__}


def follow(lines: list[str], correlation_id: str) -> dict[str, Any]:
    """Task 1: ``follow_order(lines, correlation_id)``."""
    return _call(learner_module("telemetry").follow_order, lines, correlation_id)


def emf(
    namespace: str, metrics: dict[str, Any], dimensions: dict[str, str], timestamp_ms: int
) -> dict[str, Any]:
    """Task 2: ``emf_document(namespace, metrics, dimensions, timestamp_ms)``."""
    return _call(learner_module("telemetry").emf_document, namespace, metrics, dimensions, timestamp_ms)


def billed(lines: list[str]) -> dict[str, Any]:
    """Task 3: ``ingested_bytes(lines)``."""
    return _call(learner_module("telemetry").ingested_bytes, lines)
