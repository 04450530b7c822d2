"""Injected AWS errors, below botocore's retry loop, and botocore's retry waits on a virtual clock.

A real service throttles or fails now and then; moto never does. :func:`inject` registers a botocore
``before-send`` hook on one client: the first calls of an operation are answered with the errors given
(a ``ThrottlingException``, a 503...), as the service would answer over HTTP, and the calls after that
reach moto. Because ``before-send`` runs *inside* botocore's retry loop, every attempt botocore makes is
one call to the hook: :attr:`FaultInjector.attempts` counts what the SDK really sent, retries included.

botocore sleeps (real ``time.sleep``) between attempts and, in adaptive mode, waits on its token
bucket's condition variable before sending when its client-side rate limiter says so.
:func:`virtual_sleeps` makes those waits virtual for the duration of a
``with`` block: each is recorded (:attr:`SleepRecorder.sleeps`) and no real time passes; the adaptive
limiter's clock moves by what it "slept", so it sees time go by as it would have.

Example::

    with virtual_sleeps() as waits, inject(client, "GetItem", [THROTTLING, THROTTLING]) as faults:
        client.get_item(...)            # standard mode: succeeds on the third attempt
    faults.attempts, waits.sleeps       # 3, [two backoff waits]
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.endpoint
import botocore.retries.bucket
from botocore.awsrequest import AWSResponse, HTTPHeaders

__all__ = [
    "INTERNAL_ERROR",
    "SERVICE_UNAVAILABLE",
    "THROTTLING",
    "VALIDATION",
    "Fault",
    "FaultInjector",
    "SleepRecorder",
    "inject",
    "virtual_sleeps",
]


@dataclass(frozen=True, slots=True)
class Fault:
    """An error answer: its HTTP status, the service's error code and a message."""

    status: int
    code: str
    message: str = "injected by patterns.lab.faults"


THROTTLING = Fault(400, "ThrottlingException", "Rate exceeded")
SERVICE_UNAVAILABLE = Fault(503, "ServiceUnavailable", "Service unavailable")
INTERNAL_ERROR = Fault(500, "InternalServerError", "Internal server error")
VALIDATION = Fault(400, "ValidationException", "One or more parameter values were invalid")


@dataclass
class FaultInjector:
    """Answers the first ``len(faults)`` sends of one operation with ``faults``; counts every send."""

    operation: str
    faults: list[Fault]
    protocol: str
    attempts: int = 0
    answered: list[str] = field(default_factory=list)
    """The error codes answered, in order (a send that reached the service is not listed)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        with self._lock:
            index = self.attempts
            self.attempts += 1
        if index >= len(self.faults):
            return None  # the request goes on to the service (moto)
        fault = self.faults[index]
        self.answered.append(fault.code)
        return _error_response(request.url, fault, self.protocol)


def _error_response(url: str, fault: Fault, protocol: str) -> AWSResponse:
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": fault.code, "message": fault.message}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": fault.code}
    else:  # query, rest-xml, ec2: an XML error document
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{fault.code}</Code><Message>{fault.message}</Message>"
            "</Error><RequestId>lab-fault</RequestId></ErrorResponse>"
        ).encode()
        headers = {"Content-Type": "text/xml"}
    return AWSResponse(url, fault.status, HTTPHeaders(headers), _Raw(body))  # type: ignore[arg-type]


class _Raw:
    """The raw body AWSResponse reads (``stream()`` and ``read()``)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


@contextmanager
def inject(client: Any, operation: str, faults: Sequence[Fault]) -> Iterator[FaultInjector]:
    """Answer the first sends of ``operation`` (``"GetItem"``) on ``client`` with ``faults``."""
    model = client.meta.service_model
    model.operation_model(operation)  # an unknown operation name fails here, not silently
    injector = FaultInjector(operation, list(faults), model.protocol)
    event = f"before-send.{model.service_id.hyphenize()}.{operation}"
    unique_id = f"lab-faults-{id(injector)}"
    client.meta.events.register_first(event, injector, unique_id=unique_id)
    try:
        yield injector
    finally:
        client.meta.events.unregister(event, unique_id=unique_id)


@dataclass
class SleepRecorder:
    """The waits botocore asked for inside :func:`virtual_sleeps`, in seconds, in order."""

    sleeps: list[float] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return float(sum(self.sleeps))


class _VirtualTime:
    """Stands in for the ``time`` module in botocore's endpoint and token bucket."""

    def __init__(self, recorder: SleepRecorder) -> None:
        self._recorder = recorder
        self._offset = 0.0

    def sleep(self, seconds: float) -> None:
        self._recorder.sleeps.append(float(seconds))
        self._offset += float(seconds)

    def time(self) -> float:
        return time.time() + self._offset

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class _VirtualCondition:
    """Stands in for the token bucket's condition variable while it waits for capacity."""

    def __init__(self, real: Any, clock: _VirtualTime) -> None:
        self._real = real
        self._clock = clock

    def wait(self, timeout: float | None = None) -> bool:
        self._clock.sleep(timeout or 0.0)
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


_patch_lock = threading.Lock()


def _virtual_acquire(original: Any, clock: _VirtualTime) -> Any:
    def acquire(bucket: Any, amount: int = 1, block: bool = True) -> Any:
        real = bucket._new_fill_rate_condition
        bucket._new_fill_rate_condition = _VirtualCondition(real, clock)
        try:
            return original(bucket, amount, block)
        finally:
            bucket._new_fill_rate_condition = real

    return acquire


@contextmanager
def virtual_sleeps() -> Iterator[SleepRecorder]:
    """Inside the block, botocore's retry and rate-limit waits are recorded, not slept."""
    recorder = SleepRecorder()
    shim = _VirtualTime(recorder)
    bucket = botocore.retries.bucket
    with _patch_lock:
        saved = botocore.endpoint.time, bucket.time, bucket.TokenBucket._acquire  # type: ignore[attr-defined]
        botocore.endpoint.time = shim  # type: ignore[attr-defined]
        bucket.time = shim  # type: ignore[attr-defined]
        bucket.TokenBucket._acquire = _virtual_acquire(saved[2], shim)  # type: ignore[attr-defined]
    try:
        yield recorder
    finally:
        with _patch_lock:
            botocore.endpoint.time, bucket.time, bucket.TokenBucket._acquire = saved  # type: ignore[attr-defined]
