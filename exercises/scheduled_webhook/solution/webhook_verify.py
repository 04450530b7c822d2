"""Reference solution: webhook signing and verification."""

from __future__ import annotations

import hashlib
import hmac

MAX_BODY_BYTES = 65_536
TOLERANCE_S = 300


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """Task 1: ``"v1="`` + the hex HMAC-SHA256, keyed by ``secret``, of ``b"<timestamp>." + body``."""
    return "v1=" + hmac.new(secret, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def check_request(secret: bytes, headers: dict[str, str], body: bytes, now: int, seen: set[str]) -> int:
    """Task 2: the HTTP status for one request (202, 400 or 401); add its id to ``seen`` only on 202."""
    if len(body) > MAX_BODY_BYTES:
        return 400
    signature = _header(headers, "Webhook-Signature")
    if not signature:
        return 401
    timestamp = _header(headers, "Webhook-Timestamp")
    event_id = _header(headers, "Webhook-Id")
    if not timestamp or not timestamp.isascii() or not timestamp.isdigit() or not event_id:
        return 400
    if abs(now - int(timestamp)) > TOLERANCE_S:
        return 400
    if not hmac.compare_digest(sign(secret, int(timestamp), body).encode(), signature.encode()):
        return 401
    if event_id in seen:
        return 400
    seen.add(event_id)
    return 202
