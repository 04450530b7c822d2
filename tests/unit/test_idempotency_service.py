"""Pattern 17's rules on the in-memory stores: replays, refusals, locks, crashes, expiry, and a property
test over duplicates, crash points and interleavings (many examples; the moto version runs a few)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.idempotency import (
    CRASH_POINTS,
    AlreadyInProgressError,
    CacheIdempotency,
    IdempotencyRecord,
    IdempotentExecutor,
    InMemoryCacheStore,
    InMemoryLedger,
    InMemoryRecordStore,
    InvalidRequestError,
    PayloadMismatchError,
    PaymentRequest,
    SimulatedCrash,
    crash_at,
    lock_is_free,
    parse_request,
    payload_hash,
)

LOCK_S = 10.0


@dataclass
class Clock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    clock: Clock = field(default_factory=Clock)
    store: InMemoryRecordStore = field(default_factory=InMemoryRecordStore)
    ledger: InMemoryLedger = field(default_factory=InMemoryLedger)

    @property
    def executor(self) -> IdempotentExecutor:
        return IdempotentExecutor(self.store, self.ledger, self.clock, expires_after_s=3600)


def request(amount: int = 1999, key: str = "k-1") -> PaymentRequest:
    return PaymentRequest(key, "o-1", amount)


def test_parse_request_lists_every_problem() -> None:
    assert parse_request({"idempotency_key": "k", "order_id": "o", "amount_cents": 5}) == PaymentRequest(
        "k", "o", 5
    )
    with pytest.raises(InvalidRequestError) as caught:
        parse_request({"idempotency_key": "", "amount_cents": True})
    assert str(caught.value).count("must be") == 3


def test_payload_hash_ignores_key_order_and_sees_every_value() -> None:
    assert payload_hash({"a": 1, "b": 2}) == payload_hash({"b": 2, "a": 1})
    assert payload_hash({"a": 1, "b": 2}) != payload_hash({"a": 1, "b": 3})


def test_a_duplicate_gets_the_first_result_and_charges_nothing() -> None:
    world = World()
    first = world.executor.execute(request(), lock_for_s=LOCK_S)
    again = world.executor.execute(request(), lock_for_s=LOCK_S)
    assert (first.replayed, again.replayed) == (False, True)
    assert again.result == first.result
    assert world.ledger.count("k-1") == 1


def test_the_same_key_with_another_payload_is_refused() -> None:
    world = World()
    world.executor.execute(request(), lock_for_s=LOCK_S)
    with pytest.raises(PayloadMismatchError):
        world.executor.execute(request(amount=1), lock_for_s=LOCK_S)
    assert world.ledger.count("k-1") == 1


def test_a_duplicate_during_the_work_is_told_to_retry_and_never_charges() -> None:
    world = World()
    seen: list[str] = []

    def duplicate_arrives(point: str) -> None:
        if point == "after-lock":
            with pytest.raises(AlreadyInProgressError):
                world.executor.execute(request(), lock_for_s=LOCK_S)
            seen.append(point)

    world.executor.execute(request(), lock_for_s=LOCK_S, checkpoint=duplicate_arrives)
    assert seen == ["after-lock"]
    assert world.ledger.count("k-1") == 1


def test_a_crash_leaves_a_lock_that_expires_with_the_function_timeout() -> None:
    world = World()
    with pytest.raises(SimulatedCrash):
        world.executor.execute(request(), lock_for_s=LOCK_S, checkpoint=crash_at("after-lock"))
    world.clock.now += LOCK_S - 0.001
    with pytest.raises(AlreadyInProgressError):
        world.executor.execute(request(), lock_for_s=LOCK_S)
    world.clock.now += 0.001
    assert world.executor.execute(request(), lock_for_s=LOCK_S).replayed is False
    assert world.ledger.count("k-1") == 1


def test_a_clean_failure_releases_the_lock_at_once() -> None:
    class FailingOnce(InMemoryLedger):
        failed = False

        def charge(self, order_id: str, amount_cents: int, key: str) -> str:
            if not self.failed:
                self.failed = True
                raise ConnectionError("provider unreachable")
            return super().charge(order_id, amount_cents, key)

    world = World(ledger=FailingOnce())
    with pytest.raises(ConnectionError):
        world.executor.execute(request(), lock_for_s=LOCK_S)
    assert "k-1" not in world.store.records
    assert world.executor.execute(request(), lock_for_s=LOCK_S).replayed is False


def test_a_completed_record_expires_and_the_key_runs_again() -> None:
    world = World()
    world.executor.execute(request(), lock_for_s=LOCK_S)
    world.clock.now += 3600
    assert world.executor.execute(request(), lock_for_s=LOCK_S).replayed is False
    assert world.ledger.count("k-1") == 2


def test_lock_is_free_only_when_nothing_valid_holds_the_key() -> None:
    held = IdempotencyRecord("k", "IN_PROGRESS", "h", expires_at=100.0, in_progress_until=10.0)
    done = IdempotencyRecord("k", "COMPLETED", "h", expires_at=100.0, result={})
    assert lock_is_free(None, 0.0)
    assert not lock_is_free(held, 9.9)
    assert lock_is_free(held, 10.0)
    assert not lock_is_free(done, 50.0)
    assert lock_is_free(done, 100.0)


def test_crash_at_refuses_an_unknown_point() -> None:
    with pytest.raises(ValueError, match="crash point"):
        crash_at("half-way")


def test_seed_003_cache_charges_every_concurrent_duplicate() -> None:
    """Interleaved by hand: every copy reads the cache before any sets it."""
    cache, ledger = InMemoryCacheStore(), InMemoryLedger()
    misses = [cache.get("k-1") for _ in range(3)]  # three copies read: all miss
    assert misses == [None, None, None]
    for _ in misses:  # then each does the work and sets the cache, as the seed's code does
        CacheIdempotency(InMemoryCacheStore(), ledger).execute(request())
    assert ledger.count("k-1") == 3
    # one after another it works, and it replays the old answer for a *different* payload
    sequential = CacheIdempotency(cache, InMemoryLedger())
    first = sequential.execute(request())
    assert sequential.execute(request(amount=1)).result == first.result


# --- the property: duplicates, crash points, interleavings -------------------------------------------
attempts = st.lists(
    st.tuples(
        st.sampled_from(["same", "other"]),  # the payload
        st.sampled_from([None, *CRASH_POINTS]),  # where it dies, if it does
        st.sampled_from([None, *CRASH_POINTS]),  # where a duplicate arrives during it, if one does
        st.sampled_from(["same", "other"]),  # that duplicate's payload
        st.sampled_from([0.0, LOCK_S / 2, LOCK_S + 1]),  # virtual seconds before it starts
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(attempts)
def test_every_schedule_charges_once_per_completion_plus_crashes_after_the_charge(
    schedule: list[tuple[str, str | None, str | None, str, float]],
) -> None:
    world = World()
    payloads = {"same": request(), "other": request(amount=1)}
    results: list[dict[str, Any]] = []
    crashes_after_charge = 0

    def run(req: PaymentRequest, crash: str | None, during: str | None, nested: PaymentRequest) -> None:
        nonlocal crashes_after_charge
        dying = crash_at(crash)

        def checkpoint(point: str) -> None:
            if point == during:
                holding = point in ("after-lock", "after-charge")
                charges_before = len(world.ledger.charges)
                try:
                    results.append(world.executor.execute(nested, lock_for_s=LOCK_S).result)
                    assert not holding, "a duplicate ran while the lock was held"
                except (AlreadyInProgressError, PayloadMismatchError):
                    pass
                if holding:
                    assert len(world.ledger.charges) == charges_before
            dying(point)

        try:
            results.append(world.executor.execute(req, lock_for_s=LOCK_S, checkpoint=checkpoint).result)
        except SimulatedCrash as crash_:
            crashes_after_charge += crash_.point == "after-charge"  # it charged, then died
        except (AlreadyInProgressError, PayloadMismatchError):
            pass

    for payload, crash, during, nested, wait in schedule:
        world.clock.now += wait
        run(payloads[payload], crash, during, payloads[nested])

    world.clock.now += LOCK_S + 1  # every lock a crash left has run out
    for req in payloads.values():  # the payload that owns the key completes; the other is refused
        try:
            results.append(world.executor.execute(req, lock_for_s=LOCK_S).result)
            break
        except PayloadMismatchError:
            continue
    assert results, "the final retry completed nothing"
    assert all(result == results[0] for result in results), "duplicates got different answers"
    assert world.ledger.count("k-1") == crashes_after_charge + 1
