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
    if existing is None or existing["expires_at"] <= now:
        return "run"
    if existing["status"] == "IN_PROGRESS" and existing["in_progress_until"] <= now:
        return "run"
    if existing["payload_hash"] != digest:
        return "mismatch"
    if existing["status"] == "COMPLETED":
        return "replay"
    return "in-progress"


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
    digest = payload_hash(payload)
    decision = decide(records.get(key), digest, now)
    if decision == "replay":
        return {"status": 200, "result": records[key]["result"]}
    if decision == "in-progress":
        return {"status": 409}
    if decision == "mismatch":
        return {"status": 422}
    records[key] = {
        "status": "IN_PROGRESS",
        "payload_hash": digest,
        "expires_at": now + expires_after_s,
        "in_progress_until": now + lock_for_s,
        "result": None,
    }
    try:
        result = work(payload)
    except Exception:
        del records[key]
        raise
    records[key] = {
        "status": "COMPLETED",
        "payload_hash": digest,
        "expires_at": now + expires_after_s,
        "in_progress_until": None,
        "result": result,
    }
    return {"status": 200, "result": result}
