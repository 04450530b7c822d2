"""Unit tests of the scheduled-webhook service: signatures, verification, the run lock, the sender."""

# ruff: noqa: ARG002, ARG005 - in-memory stores implement the protocols' full signatures

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.scheduled_webhook.exceptions import WebhookRejected
from patterns.scheduled_webhook.service import (
    Acquired,
    JobRunner,
    RetryPolicy,
    WebhookReceiver,
    WebhookSender,
    sign,
    signed_headers,
    verify,
)

pytestmark = pytest.mark.unit

SECRET = b"test-secret"
NOW = 1_800_000_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET, b'1800000000.{"a":1}', hashlib.sha256).hexdigest()
    assert sign(SECRET, NOW, b'{"a":1}') == "v1=" + expected


def test_a_genuine_request_verifies_and_returns_its_id() -> None:
    body = b'{"id":"evt_1"}'
    assert verify(SECRET, signed_headers(SECRET, "evt_1", NOW, body), body, NOW) == "evt_1"
    lower = {k.lower(): v for k, v in signed_headers(SECRET, "evt_1", NOW, body).items()}
    assert verify(SECRET, lower, body, NOW + 299) == "evt_1"  # headers arrive lower-cased from HTTP APIs


@pytest.mark.parametrize(
    ("change", "status", "attack"),
    [
        (
            lambda h, b: ({k: v for k, v in h.items() if k != "Webhook-Signature"}, b),
            401,
            "missing-signature",
        ),
        (lambda h, b: ({**h, "Webhook-Signature": "v1=" + "0" * 64}, b), 401, "bad-signature"),
        (lambda h, b: ({**h, "Webhook-Signature": sign(b"other", NOW, b)}, b), 401, "bad-signature"),
        (lambda h, b: (h, b.replace(b"100", b"999")), 401, "bad-signature"),
        (lambda h, b: ({**h, "Webhook-Timestamp": str(NOW - 301)}, b), 400, "stale-timestamp"),
        (lambda h, b: ({**h, "Webhook-Timestamp": str(NOW + 301)}, b), 400, "stale-timestamp"),
        (lambda h, b: ({**h, "Webhook-Timestamp": "yesterday"}, b), 400, "malformed"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "Webhook-Id"}, b), 400, "malformed"),
        (lambda h, b: (h, b + b" " * 70_000), 400, "oversized-body"),
    ],
    ids=[
        "missing",
        "zeros",
        "wrong-key",
        "tampered",
        "stale",
        "future",
        "bad-timestamp",
        "no-id",
        "oversized",
    ],
)
def test_every_attack_is_refused(change, status: int, attack: str) -> None:
    body = b'{"id":"evt_1","amount":100}'
    headers, sent = change(signed_headers(SECRET, "evt_1", NOW, body), body)
    with pytest.raises(WebhookRejected) as refused:
        verify(SECRET, headers, sent, NOW)
    assert (refused.value.status, refused.value.attack) == (status, attack)


def test_the_timestamp_is_signed_a_new_timestamp_breaks_the_signature() -> None:
    body = b"{}"
    headers = {**signed_headers(SECRET, "e", NOW - 1000, body), "Webhook-Timestamp": str(NOW)}
    with pytest.raises(WebhookRejected, match="does not match"):
        verify(SECRET, headers, body, NOW)


def test_verification_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = b"{}"
    verify(SECRET, signed_headers(SECRET, "e", NOW, body), body, NOW)
    assert len(calls) == 1


@settings(max_examples=60, deadline=None, database=None)
@given(body=st.binary(max_size=200), flip=st.integers(min_value=0, max_value=199))
def test_any_changed_byte_breaks_the_signature(body: bytes, flip: int) -> None:
    if not body:
        return
    headers = signed_headers(SECRET, "e", NOW, body)
    index = flip % len(body)
    tampered = body[:index] + bytes([body[index] ^ 1]) + body[index + 1 :]
    with pytest.raises(WebhookRejected):
        verify(SECRET, headers, tampered, NOW)


class MemorySeen:
    def __init__(self) -> None:
        self.ids: dict[str, float] = {}

    def remember(self, event_id: str, now: float, expires_at: float) -> bool:
        if event_id in self.ids and self.ids[event_id] >= now:
            return False
        self.ids[event_id] = expires_at
        return True


class MemoryQueue:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, event_id: str, body: str) -> None:
        self.sent.append((event_id, body))


def test_receiver_enqueues_once_and_refuses_the_replay() -> None:
    queue = MemoryQueue()
    receiver = WebhookReceiver(SECRET, MemorySeen(), queue)
    body = b'{"id":"evt_1"}'
    headers = signed_headers(SECRET, "evt_1", NOW, body)
    assert receiver.receive(headers, body, NOW) == "evt_1"
    with pytest.raises(WebhookRejected) as refused:
        receiver.receive(headers, body, NOW + 10)
    assert (refused.value.status, refused.value.attack) == (400, "replay")
    with pytest.raises(WebhookRejected) as late:
        receiver.receive(headers, body, NOW + 400)
    assert late.value.attack == "stale-timestamp"
    assert queue.sent == [("evt_1", '{"id":"evt_1"}')]


def test_receiver_refuses_a_signed_body_that_is_not_json() -> None:
    queue = MemoryQueue()
    body = b"not json"
    with pytest.raises(WebhookRejected, match="not JSON"):
        WebhookReceiver(SECRET, MemorySeen(), queue).receive(
            signed_headers(SECRET, "e", NOW, body), body, NOW
        )
    assert queue.sent == []


# ---- the run lock ---------------------------------------------------------------------------------


class MemoryLocks:
    def __init__(self) -> None:
        self.runs: dict[str, str] = {}
        self.lock: tuple[str, float] | None = None

    def claim_run(self, job: str, run: str, now: float, keep_s: float) -> bool:
        if run in self.runs:
            return False
        self.runs[run] = "claimed"
        return True

    def acquire(self, job: str, owner: str, now: float, lease_until: float) -> Acquired:
        if self.lock is not None and self.lock[1] >= now:
            return Acquired(False, *self.lock)
        previous = self.lock
        self.lock = (owner, lease_until)
        return Acquired(True, *(previous or (None, None)))

    def release(self, job: str, owner: str) -> bool:
        if self.lock is None or self.lock[0] != owner:
            return False
        self.lock = None
        return True

    def set_run_status(self, job: str, run: str, status: str) -> None:
        self.runs[run] = status


def test_duplicate_overlap_takeover_and_a_refused_release() -> None:
    store = MemoryLocks()
    runner = JobRunner(store, "export", lease_s=3600)
    assert runner.start("night-1", 0)[0] == "started"
    assert runner.start("night-1", 1)[0] == "duplicate"
    outcome, acquired = runner.start("night-2", 1800)
    assert outcome == "overlap"
    assert acquired is not None
    assert acquired.previous_owner == "night-1"
    assert store.runs["night-2"] == "skipped: lock held"
    assert runner.start("night-3", 7200)[0] == "took-over"  # night-1's lease ended at 3600
    assert runner.finish("night-1") is False  # it no longer holds the lock
    assert runner.finish("night-3") is True
    assert store.lock is None


# ---- the sender -----------------------------------------------------------------------------------


def test_sender_retries_throttles_and_stops_at_a_client_error() -> None:
    answers = iter([429, 503, 0, 202])
    sent: list[Mapping[str, str]] = []
    slept: list[float] = []
    clock = [float(NOW)]

    def transport(headers: Mapping[str, str], body: bytes) -> int:
        sent.append(headers)
        return next(answers)

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds + 1

    sender = WebhookSender(
        SECRET, transport, sleep, lambda: clock[0], RetryPolicy(max_attempts=5, base_s=1, cap_s=3)
    )
    delivery = sender.deliver("evt_9", {"type": "t"})
    assert delivery.statuses == [429, 503, 0, 202]
    assert delivery.delivered
    assert len(slept) == 3
    assert all(0 <= wait <= cap for wait, cap in zip(slept, [1, 2, 3], strict=True))
    assert len({h["Webhook-Timestamp"] for h in sent}) == 4  # every attempt signed afresh
    assert {h["Webhook-Id"] for h in sent} == {"evt_9"}

    refused = WebhookSender(SECRET, lambda h, b: 401, sleep, lambda: clock[0]).deliver("evt_10", {})
    assert (refused.attempts, refused.delivered) == (1, False)


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(max_attempts=10, base_s=1, cap_s=8)
    rng = random.Random(3)
    waits = [policy.delay(retry, rng) for retry in range(1, 10) for _ in range(20)]
    assert max(waits) <= 8
    assert len({round(w, 6) for w in waits}) > 100  # full jitter: spread, not a fixed ladder


def test_sender_gives_up_after_max_attempts_and_attempts_can_run_on_a_clock() -> None:
    sender = WebhookSender(
        SECRET, lambda h, b: 503, lambda s: None, lambda: float(NOW), RetryPolicy(max_attempts=3)
    )
    delivery = sender.start("evt_1", {"type": "t"})
    waits = []
    while (wait := sender.attempt(delivery)) is not None:
        waits.append(wait)
    assert delivery.statuses == [503, 503, 503]
    assert len(waits) == 2
    assert delivery.waits_s == waits
    assert not delivery.delivered
    assert delivery.sent_at == [float(NOW)] * 3
