"""Probes of the scheduled-webhook exercise: they run in the learner's process, build signed requests with
the course's own signer, call the learner's code and return plain JSON data for the grader to check."""

from __future__ import annotations

import hmac
from typing import Any

from exercises.grader.support import learner_module
from patterns.scheduled_webhook.service import sign as course_sign

SECRET = b"whsec-exercise"


def warm_up() -> None:
    """Load the course's signer once, before any learner code exists."""
    course_sign(SECRET, 0, b"")


def signature(secret: str, timestamp: int, body: str) -> dict[str, Any]:
    """Task 1: what ``sign`` returns."""
    module = learner_module("webhook_verify")
    return {"returned": module.sign(secret.encode(), timestamp, body.encode())}


def _request(spec: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    """A request from its spec: signed by the course's signer, then changed as the spec says."""
    body = spec.get("body", '{"id":"evt_1"}').encode() + b" " * spec.get("pad", 0)
    timestamp = spec.get("timestamp", spec["now"])
    key = SECRET if spec.get("key", "right") == "right" else b"an attacker's guess"
    headers = {
        "Webhook-Id": spec.get("id", "evt_1"),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": course_sign(key, timestamp, body),
    }
    headers.update(spec.get("set", {}))
    for name in spec.get("omit", []):
        headers.pop(name, None)
    if spec.get("lower"):
        headers = {name.lower(): value for name, value in headers.items()}
    if "tamper" in spec:
        body = spec["tamper"].encode()
    return headers, body


def requests(specs: list[dict[str, Any]], seen: list[str]) -> dict[str, Any]:
    """Task 2: ``check_request`` on each request in turn, with one ``seen`` set; the statuses and the set."""
    module = learner_module("webhook_verify")
    remembered = set(seen)
    statuses = []
    for spec in specs:
        headers, body = _request(spec)
        statuses.append(module.check_request(SECRET, headers, body, spec["now"], remembered))
    return {"statuses": statuses, "seen": sorted(remembered) if type(remembered) is set else remembered}


def constant_time(now: int) -> dict[str, Any]:
    """Task 2: how many times ``hmac.compare_digest`` ran while checking a request with a wrong signature."""
    module = learner_module("webhook_verify")
    calls = [0]
    original = hmac.compare_digest

    def counting(a: Any, b: Any) -> bool:
        calls[0] += 1
        return original(a, b)

    rebound = [name for name, value in vars(module).items() if value is original]
    hmac.compare_digest = counting
    for name in rebound:
        setattr(module, name, counting)
    try:
        headers, body = _request({"now": now, "key": "wrong"})
        status = module.check_request(SECRET, headers, body, now, set())
    finally:
        hmac.compare_digest = original
        for name in rebound:
            setattr(module, name, original)
    return {"status": status, "compare_digest_calls": calls[0]}
