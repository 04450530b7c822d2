"""Pattern 18's state machine on the in-memory store: thresholds over a window, the open period, one
probe at a time, the fallback; a property test over outcome sequences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.circuit_breaker import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    UNAVAILABLE,
    BreakerConfigError,
    BreakerPolicy,
    BreakerState,
    CircuitBreaker,
    InMemoryBreakerStore,
    StoreContentionError,
    StoreUnavailableError,
    admit,
    modelled_ms,
    record,
    retry_after_s,
)

pytestmark = pytest.mark.unit

POLICY = BreakerPolicy(failure_rate=0.5, window_s=10.0, min_calls=4, open_for_s=15.0, probe_lease_s=5.0)


def outcomes(breaker: CircuitBreaker, now: float, ok: bool) -> str:
    return breaker.call(now, lambda: (ok, "value"), lambda _: "fallback").decision


def test_failures_below_the_minimum_of_calls_do_not_open() -> None:
    breaker = CircuitBreaker(InMemoryBreakerStore(), POLICY)
    assert [outcomes(breaker, t, False) for t in (0, 1, 2)] == ["call"] * 3
    assert breaker.store.load().state == CLOSED
    assert outcomes(breaker, 3, False) == "call"  # the fourth failure reaches the minimum: opens
    assert breaker.store.load().state == OPEN
    assert outcomes(breaker, 4, True) == "fallback"


def test_the_rate_counts_successes_too() -> None:
    breaker = CircuitBreaker(InMemoryBreakerStore(), POLICY)
    for t, ok in enumerate([True, True, True, False, True, False]):  # 2 of 6 failed: 33 %
        outcomes(breaker, t, ok)
    assert breaker.store.load().state == CLOSED
    outcomes(breaker, 6, False)  # 3 of 7: 43 %
    assert breaker.store.load().state == CLOSED
    outcomes(breaker, 7, False)  # 4 of 8: 50 %
    assert breaker.store.load().state == OPEN


def test_a_new_window_forgets_old_failures() -> None:
    breaker = CircuitBreaker(InMemoryBreakerStore(), POLICY)
    for t in (0, 1, 2):
        outcomes(breaker, t, False)
    outcomes(breaker, 10.0, False)  # the window of 10 s began at 0: this starts a new one
    state = breaker.store.load()
    assert (state.state, state.calls, state.failures, state.window_start) == (CLOSED, 1, 1, 10.0)


def test_open_then_one_probe_then_closed() -> None:
    breaker = CircuitBreaker(InMemoryBreakerStore(), POLICY)
    for t in range(4):
        outcomes(breaker, t, False)
    assert outcomes(breaker, 3 + 14.9, True) == "fallback"  # still open
    assert breaker.call(18.0, lambda: (True, "ok"), lambda _: "fallback").decision == "probe"
    assert breaker.store.load().state == CLOSED
    assert outcomes(breaker, 18.5, True) == "call"


def test_a_failed_probe_opens_again_for_a_whole_period() -> None:
    breaker = CircuitBreaker(InMemoryBreakerStore(), POLICY)
    for t in range(4):
        outcomes(breaker, t, False)
    assert outcomes(breaker, 20.0, False) == "probe"
    state = breaker.store.load()
    assert (state.state, state.opened_at) == (OPEN, 20.0)
    assert outcomes(breaker, 34.9, True) == "fallback"
    assert outcomes(breaker, 35.0, True) == "probe"


def test_half_open_refuses_while_the_probe_holds_its_lease_and_lets_the_next_probe_after() -> None:
    opened = BreakerState(OPEN, 3, opened_at=0.0)
    decision, taken = admit(opened, 15.0, POLICY)
    assert decision == "probe"
    assert taken is not None
    assert (taken.state, taken.version, taken.probe_until) == (HALF_OPEN, 4, 20.0)
    assert admit(taken, 19.9, POLICY) == ("fallback", None)
    again, retaken = admit(taken, 20.0, POLICY)  # the first probe never reported: its lease ran out
    assert again == "probe"
    assert retaken is not None
    assert retaken.version == 5


def test_a_late_probe_result_is_ignored_once_another_decided() -> None:
    closed = BreakerState(CLOSED, 9, window_start=30.0)
    assert record(closed, 31.0, ok=False, probe=True, policy=POLICY) is None
    opened = BreakerState(OPEN, 9, opened_at=30.0)
    assert record(opened, 31.0, ok=False, probe=False, policy=POLICY) is None


def test_the_fallback_gets_the_state_and_the_retry_time() -> None:
    store = InMemoryBreakerStore()
    store.state = BreakerState(OPEN, 1, opened_at=100.0)
    breaker = CircuitBreaker(store, POLICY)
    outcome = breaker.call(104.0, lambda: (True, 1), lambda state: retry_after_s(state, 104.0, POLICY))
    assert (outcome.decision, outcome.value, outcome.ok, outcome.state_after) == (
        "fallback",
        11.0,
        False,
        OPEN,
    )
    half = BreakerState(HALF_OPEN, 2, opened_at=100.0, probe_until=118.0)
    assert retry_after_s(half, 116.5, POLICY) == 1.5
    assert retry_after_s(BreakerState(), 0.0, POLICY) == 0.0


def test_the_operation_is_not_called_when_open() -> None:
    store = InMemoryBreakerStore()
    store.state = BreakerState(OPEN, 1, opened_at=0.0)
    calls: list[int] = []

    def operation() -> tuple[bool, int]:
        calls.append(1)
        return True, 0

    CircuitBreaker(store, POLICY).call(1.0, operation, lambda _: 0)
    assert calls == []


class AlwaysStale(InMemoryBreakerStore):
    def save(self, new: BreakerState, expected_version: int) -> bool:  # noqa: ARG002 - refuses everything
        return False


def test_a_store_that_never_accepts_a_write_is_an_error_not_a_loop() -> None:
    store = AlwaysStale()
    store.state = BreakerState(OPEN, 1, opened_at=0.0)
    with pytest.raises(StoreContentionError):
        CircuitBreaker(store, POLICY).call(100.0, lambda: (True, 0), lambda _: 0)


def test_the_in_memory_store_refuses_a_stale_version() -> None:
    store = InMemoryBreakerStore()
    assert store.save(BreakerState(OPEN, 1, opened_at=0.0), 0)
    assert not store.save(BreakerState(CLOSED, 1), 0)
    assert store.load().state == OPEN


@pytest.mark.parametrize(
    "changes",
    [{"failure_rate": 0.0}, {"failure_rate": 1.5}, {"window_s": 0}, {"min_calls": 0}, {"open_for_s": -1}],
)
def test_a_policy_that_cannot_work_is_refused(changes: dict[str, float]) -> None:
    with pytest.raises(BreakerConfigError):
        BreakerPolicy(**changes)  # type: ignore[arg-type]


def test_the_duration_model() -> None:
    assert modelled_ms(0.0, 0) == 2.0
    assert modelled_ms(2.0, 3) == 2017.0


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(st.tuples(st.floats(0.0, 8.0), st.booleans()), min_size=1, max_size=60),
    policy=st.builds(
        BreakerPolicy,
        failure_rate=st.sampled_from([0.25, 0.5, 1.0]),
        window_s=st.sampled_from([5.0, 10.0]),
        min_calls=st.integers(1, 5),
        open_for_s=st.sampled_from([3.0, 15.0]),
        probe_lease_s=st.sampled_from([1.0, 5.0]),
    ),
)
def test_property_no_call_while_open_and_at_most_one_probe_per_lease(
    steps: list[tuple[float, bool]], policy: BreakerPolicy
) -> None:
    """Whatever the outcomes: calls go through only when closed; a probe is taken only when the open
    period or the previous lease is over; versions grow by one per write; the state is always valid."""
    store = InMemoryBreakerStore()
    breaker = CircuitBreaker(store, policy)
    now = 0.0
    for gap, ok in steps:
        now += gap
        before = store.load()

        def operation(outcome_ok: bool = ok) -> tuple[bool, None]:
            return outcome_ok, None

        outcome = breaker.call(now, operation, lambda _: None)
        after = store.load()
        assert after.version >= before.version
        if outcome.decision == "call":
            assert before.state == CLOSED
        elif outcome.decision == "probe":
            assert before.state in (OPEN, HALF_OPEN)
            if before.state == OPEN:
                assert before.opened_at is not None
                assert now >= before.opened_at + policy.open_for_s
            else:
                assert before.probe_until is not None
                assert now >= before.probe_until
            assert after.state == (CLOSED if ok else OPEN)
        else:
            assert before.state in (OPEN, HALF_OPEN)
            assert after == before
        assert after.state in (CLOSED, OPEN, HALF_OPEN)
        assert (after.opened_at is not None) == (after.state != CLOSED)
        assert 0 <= after.failures <= after.calls


class BrokenStore(InMemoryBreakerStore):
    """A store whose reads (or only its writes) fail, as a throttled or unreachable table would."""

    def __init__(self, *, reads_fail: bool) -> None:
        super().__init__()
        self.reads_fail = reads_fail

    def load(self) -> BreakerState:
        if self.reads_fail:
            raise StoreUnavailableError("table down")
        return super().load()

    def save(self, new: BreakerState, expected_version: int) -> bool:  # noqa: ARG002 - every write fails
        raise StoreUnavailableError("table down")


def test_a_store_that_cannot_be_read_fails_open() -> None:
    outcome = CircuitBreaker(BrokenStore(reads_fail=True), POLICY).call(
        1.0, lambda: (True, "charged"), lambda _: "x"
    )
    assert (outcome.decision, outcome.value, outcome.ok, outcome.state_after) == (
        "fail-open",
        "charged",
        True,
        UNAVAILABLE,
    )


def test_a_result_is_kept_when_its_outcome_cannot_be_recorded() -> None:
    outcome = CircuitBreaker(BrokenStore(reads_fail=False), POLICY).call(
        1.0, lambda: (False, "timeout"), lambda _: "x"
    )
    assert (outcome.decision, outcome.value, outcome.ok, outcome.state_after) == (
        "call",
        "timeout",
        False,
        UNAVAILABLE,
    )
