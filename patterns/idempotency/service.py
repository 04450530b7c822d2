"""Idempotent execution without boto3: the record's life cycle, the rules, and in-memory stores.

An idempotency key names one logical request. The first request to claim the key writes an
**in-progress** record (the lock) with a conditional write; it runs the work, then turns the record into
a **completed** record holding the result. A later request with the same key and payload gets the stored
result back (a replay) and runs nothing; one with a different payload is refused; one that arrives while
the record is in progress is told to retry later. Records expire: an in-progress record after the
function's remaining time (a crashed request's lock frees itself), a completed one after
``expires_after_s``. The one conditional write decides every race, so concurrent duplicates run the work
exactly once.

:class:`CacheIdempotency` is seed 003's get-then-set "cache" version, kept to show its race.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, Literal, Protocol

from patterns.idempotency.exceptions import (
    AlreadyInProgressError,
    InvalidRequestError,
    PayloadMismatchError,
    SimulatedCrash,
)

__all__ = [
    "COMPLETED",
    "CRASH_POINTS",
    "DEFAULT_EXPIRES_AFTER_S",
    "IN_PROGRESS",
    "CacheIdempotency",
    "CacheStore",
    "Checkpoint",
    "Execution",
    "IdempotencyRecord",
    "IdempotentExecutor",
    "InMemoryCacheStore",
    "InMemoryLedger",
    "InMemoryRecordStore",
    "Ledger",
    "PaymentRequest",
    "RecordStore",
    "crash_at",
    "lock_is_free",
    "no_checkpoint",
    "parse_request",
    "payload_hash",
]

Status = Literal["IN_PROGRESS", "COMPLETED"]
IN_PROGRESS: Final[Status] = "IN_PROGRESS"
COMPLETED: Final[Status] = "COMPLETED"
DEFAULT_EXPIRES_AFTER_S = 3600.0  # a completed record answers duplicates for an hour (Powertools' default)
CRASH_POINTS = ("before-lock", "after-lock", "after-charge", "after-complete")

Checkpoint = Callable[[str], None]


def no_checkpoint(point: str) -> None:
    """The default checkpoint: nothing happens between steps."""


def crash_at(point: str | None) -> Checkpoint:
    """A checkpoint that kills the request at ``point`` (one of :data:`CRASH_POINTS`), or never."""
    if point is not None and point not in CRASH_POINTS:
        raise ValueError(f"crash point must be one of {CRASH_POINTS}, got {point!r}")

    def checkpoint(reached: str) -> None:
        if reached == point:
            raise SimulatedCrash(reached)

    return checkpoint


@dataclass(frozen=True)
class PaymentRequest:
    """What the payment handler is asked to do; the key is the client's, the rest is the payload."""

    idempotency_key: str
    order_id: str
    amount_cents: int

    def payload(self) -> dict[str, Any]:
        return {"order_id": self.order_id, "amount_cents": self.amount_cents}


def parse_request(event: Mapping[str, Any]) -> PaymentRequest:
    """Read a payment request from an event; every problem is an :class:`InvalidRequestError`."""
    key, order_id, amount = event.get("idempotency_key"), event.get("order_id"), event.get("amount_cents")
    problems = []
    if not isinstance(key, str) or not key:
        problems.append("idempotency_key must be a non-empty string")
    if not isinstance(order_id, str) or not order_id:
        problems.append("order_id must be a non-empty string")
    if type(amount) is not int or amount <= 0:
        problems.append("amount_cents must be a positive integer")
    if problems:
        raise InvalidRequestError("; ".join(problems))
    return PaymentRequest(str(key), str(order_id), int(str(amount)))


def payload_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the payload as canonical JSON (sorted keys, no spaces): equal payloads, equal hashes."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class IdempotencyRecord:
    """One key's record: in progress until ``in_progress_until``, or completed with ``result``."""

    key: str
    status: Status
    payload_hash: str
    expires_at: float
    in_progress_until: float | None = None
    result: dict[str, Any] | None = None


def lock_is_free(existing: IdempotencyRecord | None, now: float) -> bool:
    """The conditional write's condition: no record, an expired one, or an in-progress one whose lock
    ran out."""
    if existing is None or existing.expires_at <= now:
        return True
    return (
        existing.status == IN_PROGRESS
        and existing.in_progress_until is not None
        and existing.in_progress_until <= now
    )


class RecordStore(Protocol):
    """Where records live. ``claim`` is one atomic conditional write (the lock)."""

    def claim(self, record: IdempotencyRecord, now: float) -> IdempotencyRecord | None:
        """Write ``record`` if :func:`lock_is_free`; return ``None`` if written, else the record in
        the way."""
        ...

    def complete(self, key: str, result: dict[str, Any], expires_at: float) -> None: ...

    def release(self, key: str) -> None:
        """Delete the in-progress record after the work failed cleanly (so a retry can run it)."""
        ...


class Ledger(Protocol):
    """The side effect the key protects: a payment provider that charges every time it is asked."""

    def charge(self, order_id: str, amount_cents: int, key: str) -> str:
        """Charge and return the charge's id."""
        ...


@dataclass(frozen=True)
class Execution:
    """What a request got: the result and whether it was replayed from a completed record."""

    result: dict[str, Any]
    replayed: bool


@dataclass
class IdempotentExecutor:
    """Runs a payment at most once per key while its record lives (see the module docstring)."""

    store: RecordStore
    ledger: Ledger
    now: Callable[[], float]
    expires_after_s: float = DEFAULT_EXPIRES_AFTER_S

    def execute(
        self, request: PaymentRequest, *, lock_for_s: float, checkpoint: Checkpoint = no_checkpoint
    ) -> Execution:
        """Claim the key for ``lock_for_s`` (the function's remaining time), charge, store the result."""
        checkpoint("before-lock")
        digest = payload_hash(request.payload())
        now = self.now()
        claimed = IdempotencyRecord(
            request.idempotency_key, IN_PROGRESS, digest, now + self.expires_after_s, now + lock_for_s
        )
        existing = self.store.claim(claimed, now)
        if existing is not None:
            return self._answer_duplicate(request.idempotency_key, digest, existing)
        checkpoint("after-lock")
        try:
            charge_id = self.ledger.charge(request.order_id, request.amount_cents, request.idempotency_key)
        except Exception:
            self.store.release(request.idempotency_key)  # a clean failure: let a retry run it again
            raise
        checkpoint("after-charge")
        result = {"charge_id": charge_id, "order_id": request.order_id, "amount_cents": request.amount_cents}
        self.store.complete(request.idempotency_key, result, self.now() + self.expires_after_s)
        checkpoint("after-complete")
        return Execution(result, replayed=False)

    @staticmethod
    def _answer_duplicate(key: str, digest: str, existing: IdempotencyRecord) -> Execution:
        if existing.payload_hash != digest:
            raise PayloadMismatchError(key)
        if existing.status == COMPLETED and existing.result is not None:
            return Execution(dict(existing.result), replayed=True)
        raise AlreadyInProgressError(key)


class InMemoryRecordStore:
    """A :class:`RecordStore` in a dict, its conditional write made atomic by a lock (for fast tests)."""

    def __init__(self) -> None:
        self.records: dict[str, IdempotencyRecord] = {}
        self.writes = 0
        self._lock = threading.Lock()

    def claim(self, record: IdempotencyRecord, now: float) -> IdempotencyRecord | None:
        with self._lock:
            self.writes += 1
            existing = self.records.get(record.key)
            if not lock_is_free(existing, now):
                return existing
            self.records[record.key] = record
            return None

    def complete(self, key: str, result: dict[str, Any], expires_at: float) -> None:
        with self._lock:
            self.writes += 1
            self.records[key] = replace(
                self.records[key], status=COMPLETED, result=dict(result), expires_at=expires_at
            )

    def release(self, key: str) -> None:
        with self._lock:
            self.writes += 1
            self.records.pop(key, None)


class InMemoryLedger:
    """A :class:`Ledger` that records every charge (the count is what idempotency protects)."""

    def __init__(self) -> None:
        self.charges: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()

    def charge(self, order_id: str, amount_cents: int, key: str) -> str:
        with self._lock:
            self.charges.append((key, order_id, amount_cents))
            return f"ch_{len(self.charges):06d}"

    def count(self, key: str) -> int:
        with self._lock:
            return sum(1 for charged_key, _, _ in self.charges if charged_key == key)


class CacheStore(Protocol):
    """Seed 003's ``cache``: a plain get and set, no condition."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def set(self, key: str, value: dict[str, Any]) -> None: ...


class InMemoryCacheStore:
    def __init__(self) -> None:
        self.values: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self.values.get(key)

    def set(self, key: str, value: dict[str, Any]) -> None:
        self.values[key] = dict(value)


@dataclass
class CacheIdempotency:
    """Seed 003's idempotency: read the cache, and on a miss do the work and then set the cache.

    Correct for duplicates that arrive one after another; wrong for concurrent ones: both read a miss
    before either sets, and both charge. It also never compares payloads.
    """

    cache: CacheStore
    ledger: Ledger

    def execute(self, request: PaymentRequest) -> Execution:
        invoked = self.cache.get(request.idempotency_key)
        if invoked is not None:
            return Execution(dict(invoked["result"]), replayed=True)
        charge_id = self.ledger.charge(request.order_id, request.amount_cents, request.idempotency_key)
        result = {"charge_id": charge_id, "order_id": request.order_id, "amount_cents": request.amount_cents}
        self.cache.set(request.idempotency_key, {"result": result})
        return Execution(result, replayed=False)
