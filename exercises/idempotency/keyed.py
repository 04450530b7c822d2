"""Your idempotency rules. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any


def payload_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of the payload as canonical JSON (given: use it, do not change it)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def decide(existing: dict[str, Any] | None, digest: str, now: float) -> str:
    """Task 1: "run", "replay", "in-progress" or "mismatch" (see README.md)."""
    raise NotImplementedError("Task 1: decide is not written yet")


def execute(
    records: dict[str, dict[str, Any]],
    key: str,
    payload: dict[str, Any],
    *,
    now: float,
    lock_for_s: float,
    work: Callable[[dict[str, Any]], dict[str, Any]],
    expires_after_s: float = 3600.0,
) -> dict[str, Any]:
    """Task 2: run ``work`` at most once per key (see README.md)."""
    raise NotImplementedError("Task 2: execute is not written yet")
