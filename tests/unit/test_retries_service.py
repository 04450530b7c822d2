"""The retries pattern's pure logic: backoff strategies, error classes, the retry loop, the simulation."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.retries.exceptions import RetriesExhaustedError
from patterns.retries.service import (
    Attempt,
    Outcome,
    RetryPolicy,
    Strategy,
    call_with_retries,
    calls_per_second,
    classify,
    next_delay,
    simulate,
)

pytestmark = pytest.mark.unit


@settings(max_examples=200, deadline=None)
@given(
    strategy=st.sampled_from(list(Strategy)),
    attempt=st.integers(0, 10_000),
    base=st.floats(0.001, 5.0),
    spread=st.floats(1.0, 1_000.0),
    previous=st.none() | st.floats(0.001, 10_000.0),
    seed=st.integers(0, 2**32),
)
def test_every_wait_is_within_its_bounds(  # noqa: PLR0917 - hypothesis passes the strategies by name
    strategy, attempt, base, spread, previous, seed
) -> None:
    cap = base * spread
    wait = next_delay(strategy, attempt, base=base, cap=cap, rng=random.Random(seed), previous=previous)
    assert type(wait) is float
    assert 0.0 <= wait <= cap
    ceiling = min(cap, base * 2.0 ** min(attempt, 62))
    if strategy is Strategy.NO_JITTER:
        assert wait == ceiling
    elif strategy is Strategy.FULL:
        assert wait <= ceiling
    elif strategy is Strategy.EQUAL:
        assert ceiling / 2 <= wait <= ceiling
    else:
        assert wait >= min(base, cap)


def test_no_jitter_doubles_up_to_the_cap() -> None:
    rng = random.Random(0)
    waits = [next_delay(Strategy.NO_JITTER, n, base=0.1, cap=1.0, rng=rng) for n in range(6)]
    assert waits == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]


@pytest.mark.parametrize(("attempt", "base", "cap"), [(-1, 0.1, 1.0), (0, 0.0, 1.0), (0, 2.0, 1.0)])
def test_bad_arguments_are_refused(attempt: int, base: float, cap: float) -> None:
    with pytest.raises(ValueError, match=r"attempt|base"):
        next_delay(Strategy.FULL, attempt, base=base, cap=cap, rng=random.Random(0))


@pytest.mark.parametrize(
    ("status", "code", "outcome"),
    [
        (400, "ThrottlingException", Outcome.RETRY),
        (400, "ProvisionedThroughputExceededException", Outcome.RETRY),
        (429, "TooManyRequestsException", Outcome.RETRY),
        (503, "ServiceUnavailable", Outcome.RETRY),
        (500, "InternalServerError", Outcome.RETRY),
        (400, "ValidationException", Outcome.GIVE_UP),
        (404, "ResourceNotFoundException", Outcome.GIVE_UP),
        (400, "ConditionalCheckFailedException", Outcome.GIVE_UP),
    ],
)
def test_transient_errors_are_retried_and_permanent_ones_are_not(
    status: int, code: str, outcome: Outcome
) -> None:
    assert classify(status, code) is outcome


class Transient(Exception):
    pass


class Permanent(Exception):
    pass


def _flaky(failures: list[Exception]):
    calls = []

    def operation() -> str:
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return operation, calls


def test_the_loop_retries_transient_errors_and_records_every_attempt() -> None:
    operation, calls = _flaky([Transient(), Transient()])
    slept: list[float] = []
    attempts: list[Attempt] = []
    result = call_with_retries(
        operation,
        RetryPolicy(max_attempts=5, strategy=Strategy.NO_JITTER, base_s=0.1, cap_s=1.0),
        is_transient=lambda e: isinstance(e, Transient),
        sleep=slept.append,
        attempts=attempts,
    )
    assert result == "done"
    assert len(calls) == 3
    assert slept == [0.1, 0.2]
    assert [a.error for a in attempts] == ["Transient", "Transient", None]


def test_the_loop_raises_a_permanent_error_at_once() -> None:
    operation, calls = _flaky([Permanent()])
    with pytest.raises(Permanent):
        call_with_retries(
            operation, RetryPolicy(max_attempts=5), is_transient=lambda _e: False, sleep=lambda _s: None
        )
    assert len(calls) == 1


def test_the_loop_gives_up_after_max_attempts() -> None:
    operation, calls = _flaky([Transient()] * 10)
    with pytest.raises(RetriesExhaustedError) as raised:
        call_with_retries(
            operation, RetryPolicy(max_attempts=3), is_transient=lambda _e: True, sleep=lambda _s: None
        )
    assert len(calls) == 3
    assert raised.value.attempts == 3
    assert isinstance(raised.value.last, Transient)


@settings(max_examples=25, deadline=None)
@given(
    strategy=st.sampled_from(list(Strategy)),
    clients=st.integers(1, 40),
    capacity=st.integers(1, 20),
    outage=st.floats(0.0, 10.0),
    seed=st.integers(0, 1000),
)
def test_every_client_succeeds_once_and_no_call_is_lost(strategy, clients, capacity, outage, seed) -> None:
    run = simulate(
        strategy, clients=clients, base_s=0.1, cap_s=5.0, outage_s=outage, capacity_per_s=capacity, seed=seed
    )
    assert run.gave_up == 0
    assert all(t >= outage for t in run.succeeded_at)
    assert run.total_calls >= clients
    assert run.total_calls == run.failed_calls + clients
    assert sum(calls_per_second(run.call_times)) == run.total_calls
    served: dict[int, int] = {}
    for t in run.succeeded_at:
        served[math.floor(t)] = served.get(math.floor(t), 0) + 1
    assert max(served.values()) <= capacity


def test_the_simulation_is_deterministic_for_a_seed() -> None:
    def run(seed: int):
        return simulate(
            Strategy.FULL, clients=50, base_s=0.1, cap_s=10, outage_s=5, capacity_per_s=10, seed=seed
        )

    assert run(3).call_times == run(3).call_times
    assert run(3).call_times != run(4).call_times


def test_without_jitter_more_calls_and_a_later_finish_than_full_jitter() -> None:
    def means(strategy: Strategy) -> tuple[float, float]:
        runs = [
            simulate(strategy, clients=100, base_s=0.1, cap_s=10, outage_s=5, capacity_per_s=10, seed=s)
            for s in range(3)
        ]
        return sum(r.total_calls for r in runs) / 3, sum(r.all_done_s for r in runs) / 3

    none_calls, none_done = means(Strategy.NO_JITTER)
    full_calls, full_done = means(Strategy.FULL)
    assert none_calls > full_calls
    assert none_done > 2 * full_done


def test_a_client_that_runs_out_of_attempts_gives_up() -> None:
    run = simulate(
        Strategy.NO_JITTER, clients=3, base_s=0.1, cap_s=0.1, outage_s=100, capacity_per_s=1, max_attempts=4
    )
    assert run.gave_up == 3
    assert run.total_calls == 12
    assert math.isinf(run.all_done_s)
