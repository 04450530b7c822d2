"""Scheduled jobs and webhooks without boto3: the run lock, signatures, replay checks and the sender.

* **Nightly job.** A scheduled fire is delivered *at least once*, and a run can outlast its interval.
  :class:`JobRunner` decides what one delivery does: claim the run (``job``, scheduled time) once -
  a second delivery of the same fire is a ``duplicate``; then take the job's lock, a lease that expires -
  held by a live run means ``overlap`` (skipped), expired means the holder died and this run
  ``took-over``. Both are conditional writes in DynamoDB (:mod:`.adapters`).
* **Webhooks.** :func:`sign` / :func:`verify` implement an HMAC-SHA256 signature over
  ``"{timestamp}.{body}"`` (the scheme Stripe documents), compared in constant time
  (:func:`hmac.compare_digest`), with a timestamp tolerance; :class:`WebhookReceiver` adds the seen-ids
  check (replays) and hands the event to a queue, answering 202 at once. :class:`WebhookSender` signs
  each attempt and retries 429/5xx/network failures with capped exponential backoff and full jitter.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from patterns.scheduled_webhook.exceptions import WebhookRejected

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "ID_HEADER",
    "MAX_BODY_BYTES",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Acquired",
    "Delivery",
    "EventQueue",
    "JobRunner",
    "LockStore",
    "RetryPolicy",
    "RunOutcome",
    "SeenIds",
    "WebhookReceiver",
    "WebhookSender",
    "header",
    "run_id",
    "sign",
    "signed_headers",
    "verify",
]

# ---- nightly job ----------------------------------------------------------------------------------

RunOutcome = Literal["started", "duplicate", "overlap", "took-over"]


@dataclass(frozen=True)
class Acquired:
    """The result of trying to take the job's lock."""

    ok: bool
    previous_owner: str | None = None
    """Who held it: the live holder when ``ok`` is False, the expired one taken over when True."""
    previous_lease_until: float | None = None


class LockStore(Protocol):
    """Where runs are claimed and the job's lock lives (DynamoDB in :mod:`.adapters`)."""

    def claim_run(self, job: str, run: str, now: float, keep_s: float) -> bool:
        """Record run ``run`` of ``job``; False when it was already recorded (a duplicate delivery)."""
        ...

    def acquire(self, job: str, owner: str, now: float, lease_until: float) -> Acquired:
        """Take the lock unless another owner holds an unexpired lease."""
        ...

    def release(self, job: str, owner: str) -> bool:
        """Give the lock back; False when ``owner`` no longer holds it (it expired and was taken)."""
        ...

    def set_run_status(self, job: str, run: str, status: str) -> None: ...


def run_id(scheduled_time: datetime | str) -> str:
    """The run's identity: its scheduled time (every delivery of one fire carries the same one)."""
    return (
        scheduled_time if isinstance(scheduled_time, str) else scheduled_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    )


@dataclass
class JobRunner:
    """Decides what one delivery of a scheduled fire does; ``lease_s`` bounds how long a lock is held."""

    store: LockStore
    job: str
    lease_s: float
    keep_runs_s: float = 7 * 86_400.0

    def start(self, run: str, now: float) -> tuple[RunOutcome, Acquired | None]:
        """Claim ``run``, then take the lock; the outcome and the lock attempt (None for a duplicate)."""
        if not self.store.claim_run(self.job, run, now, self.keep_runs_s):
            return "duplicate", None
        acquired = self.store.acquire(self.job, run, now, now + self.lease_s)
        if not acquired.ok:
            self.store.set_run_status(self.job, run, "skipped: lock held")
            return "overlap", acquired
        self.store.set_run_status(self.job, run, "running")
        return ("took-over" if acquired.previous_owner else "started"), acquired

    def finish(self, run: str) -> bool:
        """Mark ``run`` done and release the lock; False when the lease had expired and was taken over."""
        released = self.store.release(self.job, run)
        self.store.set_run_status(self.job, run, "done" if released else "done, but its lock had been taken")
        return released


# ---- webhooks: signing and verifying ----------------------------------------------------------------

SIGNATURE_HEADER = "Webhook-Signature"
TIMESTAMP_HEADER = "Webhook-Timestamp"
ID_HEADER = "Webhook-Id"
DEFAULT_TOLERANCE_S = 300  # Stripe's libraries reject timestamps older than 5 minutes
MAX_BODY_BYTES = 64 * 1024
_SCHEME = "v1="


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """``v1=`` + hex HMAC-SHA256 of ``b"{timestamp}." + body`` (the timestamp is signed with the body)."""
    digest = hmac.new(secret, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return _SCHEME + digest


def signed_headers(secret: bytes, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers a sender attaches to one attempt."""
    return {
        "Content-Type": "application/json",
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }


def header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """A header by case-insensitive name (API Gateway lower-cases them in HTTP API events)."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) else None
    return None


def verify(
    secret: bytes,
    headers: Mapping[str, Any] | None,
    body: bytes,
    now: float,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> str:
    """Check one request; return its event id, or raise :class:`WebhookRejected` (400 or 401).

    Order matters: the size first (no HMAC over 10 MB), then the headers, the timestamp window, and the
    signature compared in constant time. Replays inside the window are the receiver's seen-ids check.
    """
    if len(body) > max_body_bytes:
        raise WebhookRejected(400, "oversized-body", f"body of {len(body)} bytes > {max_body_bytes}")
    signature = header(headers, SIGNATURE_HEADER)
    if not signature:
        raise WebhookRejected(401, "missing-signature", f"no {SIGNATURE_HEADER} header")
    timestamp_text = header(headers, TIMESTAMP_HEADER)
    event_id = header(headers, ID_HEADER)
    if not timestamp_text or not timestamp_text.isascii() or not timestamp_text.isdigit() or not event_id:
        raise WebhookRejected(400, "malformed", f"{TIMESTAMP_HEADER} (Unix seconds) and {ID_HEADER} needed")
    timestamp = int(timestamp_text)
    if abs(now - timestamp) > tolerance_s:
        raise WebhookRejected(
            400, "stale-timestamp", f"timestamp {timestamp} is {now - timestamp:+.0f} s from now"
        )
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        raise WebhookRejected(401, "bad-signature", "signature does not match the timestamp and body")
    return event_id


class SeenIds(Protocol):
    """Event ids received recently (a DynamoDB table with TTL in :mod:`.adapters`)."""

    def remember(self, event_id: str, now: float, expires_at: float) -> bool:
        """Record ``event_id``; False if it is already there and not expired."""
        ...


class EventQueue(Protocol):
    def send(self, event_id: str, body: str) -> None: ...


@dataclass
class WebhookReceiver:
    """Verify, refuse replays, enqueue, answer 202: the slow work happens behind the queue."""

    secret: bytes
    seen: SeenIds
    queue: EventQueue
    tolerance_s: float = DEFAULT_TOLERANCE_S
    max_body_bytes: int = MAX_BODY_BYTES

    def receive(self, headers: Mapping[str, Any] | None, body: bytes, now: float) -> str:
        """Accept one request and return its event id, or raise :class:`WebhookRejected`."""
        event_id = verify(
            self.secret, headers, body, now, tolerance_s=self.tolerance_s, max_body_bytes=self.max_body_bytes
        )
        try:
            text = body.decode("utf-8")
            json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise WebhookRejected(400, "malformed", "body is not JSON") from None
        # Only ids of verified requests are stored, kept as long as their timestamp can still pass the
        # window check: after that, the stale-timestamp check refuses the replay by itself.
        timestamp = int(header(headers, TIMESTAMP_HEADER) or 0)
        if not self.seen.remember(event_id, now, timestamp + self.tolerance_s):
            raise WebhookRejected(400, "replay", f"event {event_id!r} was already received")
        self.queue.send(event_id, text)
        return event_id


# ---- webhooks: the sender -----------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n))."""

    max_attempts: int = 6
    base_s: float = 1.0
    cap_s: float = 60.0

    def delay(self, retry: int, rng: random.Random) -> float:
        """The wait before retry number ``retry`` (1 = the first retry)."""
        return rng.uniform(0.0, min(self.cap_s, self.base_s * 2 ** (retry - 1)))


def _retryable(status: int) -> bool:
    return status in {0, 429} or status >= 500


@dataclass
class Delivery:
    """What the sender did for one event: each attempt's status and time, and the waits between."""

    event_id: str
    body: bytes = b""
    statuses: list[int] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    waits_s: list[float] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        return len(self.statuses)

    @property
    def delivered(self) -> bool:
        return bool(self.statuses) and 200 <= self.statuses[-1] < 300


Transport = Callable[[Mapping[str, str], bytes], int]
"""Send one signed request; the HTTP status, or 0 when the connection failed."""


@dataclass
class WebhookSender:
    """Signs every attempt afresh (a new timestamp, the same id) and retries what may succeed later.

    :meth:`deliver` blocks (it calls ``sleep`` between attempts); :meth:`start` and :meth:`attempt`
    let a caller put each attempt on its own clock, so many deliveries can be in flight at once.
    """

    secret: bytes
    transport: Transport
    sleep: Callable[[float], None]
    now: Callable[[], float]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def start(self, event_id: str, payload: Mapping[str, Any]) -> Delivery:
        """A delivery of ``payload`` (its ``id`` is ``event_id``), not yet attempted."""
        body = json.dumps({"id": event_id, **payload}, separators=(",", ":")).encode("utf-8")
        return Delivery(event_id, body)

    def attempt(self, delivery: Delivery) -> float | None:
        """Send one attempt; the wait before the next one, or None when the delivery is over."""
        now = self.now()
        status = self.transport(
            signed_headers(self.secret, delivery.event_id, int(now), delivery.body), delivery.body
        )
        delivery.statuses.append(status)
        delivery.sent_at.append(now)
        if not _retryable(status) or delivery.attempts >= self.policy.max_attempts:
            return None
        wait = self.policy.delay(delivery.attempts, self.rng)
        delivery.waits_s.append(wait)
        return wait

    def deliver(self, event_id: str, payload: Mapping[str, Any]) -> Delivery:
        """Deliver one event, sleeping between attempts; returns when it is delivered or given up."""
        delivery = self.start(event_id, payload)
        while (wait := self.attempt(delivery)) is not None:
            self.sleep(wait)
        return delivery
