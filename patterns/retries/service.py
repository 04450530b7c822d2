"""Retry logic without AWS: backoff strategies, which errors to retry, a retry loop, and a discrete-event
simulation of N clients retrying against a dependency that is down and then recovers.

The four strategies are those of "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015), with
``attempt`` counted from 0 for the wait after the first failure:

* no jitter: ``min(cap, base * 2**attempt)``;
* full jitter: ``uniform(0, min(cap, base * 2**attempt))``;
* equal jitter: half of that fixed, half random: ``v / 2 + uniform(0, v / 2)``;
* decorrelated jitter: ``min(cap, uniform(base, previous * 3))``, from the previous wait (``base`` at first).

The simulation is the lab's, on virtual time: no handler runs, nothing sleeps (see :func:`simulate`).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from patterns.retries.exceptions import RetriesExhaustedError

__all__ = [
    "PERMANENT_CODES",
    "THROTTLING_CODES",
    "Attempt",
    "Outcome",
    "RetryPolicy",
    "SimulationResult",
    "Strategy",
    "call_with_retries",
    "calls_per_second",
    "classify",
    "next_delay",
    "simulate",
]

T = TypeVar("T")


class Strategy(Enum):
    """A backoff strategy of the 2015 article."""

    NO_JITTER = "no jitter"
    FULL = "full jitter"
    EQUAL = "equal jitter"
    DECORRELATED = "decorrelated jitter"


def next_delay(
    strategy: Strategy,
    attempt: int,
    *,
    base: float,
    cap: float,
    rng: random.Random,
    previous: float | None = None,
) -> float:
    """The wait, in seconds, after failed attempt number ``attempt`` (0 for the first failure).

    ``previous`` is the last wait (decorrelated jitter only; ``base`` when there was none)."""
    if attempt < 0:
        raise ValueError(f"attempt counts from 0, got {attempt}")
    if not 0 < base <= cap:
        raise ValueError(f"need 0 < base <= cap, got base={base}, cap={cap}")
    ceiling = float(min(cap, base * 2.0 ** min(attempt, 62)))
    if strategy is Strategy.NO_JITTER:
        return ceiling
    if strategy is Strategy.FULL:
        return float(rng.uniform(0.0, ceiling))
    if strategy is Strategy.EQUAL:
        return float(ceiling / 2 + rng.uniform(0.0, ceiling / 2))
    last = base if previous is None else previous
    return float(min(cap, rng.uniform(base, max(base, last * 3))))


# --- Which errors are worth a retry -------------------------------------------------------------------------
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
"""The throttling error codes botocore's standard retry mode retries (its ``_THROTTLED_ERROR_CODES``)."""

PERMANENT_CODES = frozenset(
    {
        "ValidationException",
        "InvalidParameterValueException",
        "ResourceNotFoundException",
        "ConditionalCheckFailedException",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "SerializationException",
    }
)
"""Errors a retry cannot fix: the same request gets the same answer."""


class Outcome(Enum):
    """What to do with an error."""

    RETRY = "retry"
    GIVE_UP = "give up"


def classify(status: int, code: str) -> Outcome:
    """Throttling and server errors (5xx) are transient: retry. Validation and other 4xx are not."""
    if code in THROTTLING_CODES or status == 429:
        return Outcome.RETRY
    if code in PERMANENT_CODES:
        return Outcome.GIVE_UP
    return Outcome.RETRY if status >= 500 else Outcome.GIVE_UP


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``max_attempts`` attempts (the first included), waits by ``strategy`` between them."""

    max_attempts: int = 3
    strategy: Strategy = Strategy.FULL
    base_s: float = 0.1
    cap_s: float = 20.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts counts the first attempt: at least 1, got {self.max_attempts}")
        if not 0 < self.base_s <= self.cap_s:
            raise ValueError(f"need 0 < base_s <= cap_s, got {self.base_s}, {self.cap_s}")


@dataclass(frozen=True)
class Attempt:
    """One attempt of :func:`call_with_retries`: its number (1-based), the error if any, the wait after."""

    number: int
    error: str | None
    wait_s: float


def call_with_retries(
    operation: Callable[[], T],
    policy: RetryPolicy,
    *,
    is_transient: Callable[[Exception], bool],
    sleep: Callable[[float], None],
    rng: random.Random | None = None,
    attempts: list[Attempt] | None = None,
) -> T:
    """Call ``operation`` until it returns, a permanent error (raised at once) or ``policy.max_attempts``
    (:class:`RetriesExhaustedError`, from the last error). Every attempt is appended to ``attempts``."""
    chooser = rng or random.Random()
    log = attempts if attempts is not None else []
    previous: float | None = None
    for number in range(1, policy.max_attempts + 1):
        try:
            result = operation()
        except Exception as error:
            if not is_transient(error):
                log.append(Attempt(number, type(error).__name__, 0.0))
                raise
            if number == policy.max_attempts:
                log.append(Attempt(number, type(error).__name__, 0.0))
                raise RetriesExhaustedError(number, error) from error
            wait = next_delay(
                policy.strategy,
                number - 1,
                base=policy.base_s,
                cap=policy.cap_s,
                rng=chooser,
                previous=previous,
            )
            previous = wait
            log.append(Attempt(number, type(error).__name__, wait))
            sleep(wait)
            continue
        log.append(Attempt(number, None, 0.0))
        return result
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


# --- The simulation ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SimulationResult:
    """N clients retrying one request each against a dependency down for ``outage_s``."""

    strategy: Strategy
    clients: int
    base_s: float
    cap_s: float
    outage_s: float
    capacity_per_s: int
    call_times: list[float] = field(repr=False)
    """When each call reached the dependency (seconds of virtual time), in order."""
    succeeded_at: list[float] = field(repr=False)
    """When each client's call finally succeeded (``math.inf``: gave up after ``max_attempts``)."""

    @property
    def total_calls(self) -> int:
        return len(self.call_times)

    @property
    def failed_calls(self) -> int:
        return self.total_calls - sum(1 for t in self.succeeded_at if math.isfinite(t))

    @property
    def all_done_s(self) -> float:
        """When the last client succeeded (``math.inf`` if one gave up)."""
        return max(self.succeeded_at) if self.succeeded_at else 0.0

    @property
    def gave_up(self) -> int:
        return sum(1 for t in self.succeeded_at if not math.isfinite(t))


def simulate(
    strategy: Strategy,
    *,
    clients: int,
    base_s: float,
    cap_s: float,
    outage_s: float,
    capacity_per_s: int,
    seed: int = 0,
    max_attempts: int = 1_000,
    start_spread_s: float = 0.0,
) -> SimulationResult:
    """Every client sends one request at time 0 (or spread over ``start_spread_s``) and retries by
    ``strategy`` until it succeeds. The dependency answers every call with an error while it is down
    (``t < outage_s``); once it is back it serves at most ``capacity_per_s`` calls in each one-second
    window and throttles the rest (a throttled call is a failed attempt too).

    A discrete-event simulation on virtual time: a heap of (due time, client) events; deterministic
    for a ``seed``."""
    if clients < 1 or capacity_per_s < 1:
        raise ValueError(f"need at least one client and capacity 1/s, got {clients}, {capacity_per_s}")
    rng = random.Random(seed)
    due: list[tuple[float, int]] = [
        (rng.uniform(0.0, start_spread_s) if start_spread_s else 0.0, client) for client in range(clients)
    ]
    heapq.heapify(due)
    attempt = [0] * clients
    previous: list[float | None] = [None] * clients
    succeeded = [math.inf] * clients
    served: dict[int, int] = {}
    calls: list[float] = []
    while due:
        at, client = heapq.heappop(due)
        calls.append(at)
        window = math.floor(at)
        if at >= outage_s and served.get(window, 0) < capacity_per_s:
            served[window] = served.get(window, 0) + 1
            succeeded[client] = at
            continue
        if attempt[client] + 1 >= max_attempts:
            continue  # gave up
        wait = next_delay(
            strategy, attempt[client], base=base_s, cap=cap_s, rng=rng, previous=previous[client]
        )
        attempt[client] += 1
        previous[client] = wait
        heapq.heappush(due, (at + wait, client))
    return SimulationResult(strategy, clients, base_s, cap_s, outage_s, capacity_per_s, calls, succeeded)


def calls_per_second(call_times: Sequence[float], *, until_s: float | None = None) -> list[int]:
    """How many calls fell in each one-second window from 0 (the last window holds ``until_s``)."""
    end = until_s if until_s is not None else (max(call_times) if call_times else 0.0)
    counts = [0] * (math.floor(end) + 1)
    for at in call_times:
        index = math.floor(at)
        if index < len(counts):
            counts[index] += 1
    return counts
