"""The circuit breaker's rules, with no boto3: a state, two pure transitions and a compare-and-set loop.

* **closed**: calls go through; outcomes are counted in a fixed window of ``window_s`` seconds; when the
  window holds at least ``min_calls`` calls and the share that failed reaches ``failure_rate``, the
  breaker **opens**;
* **open**: calls get the fallback at once, without touching the dependency, for ``open_for_s``;
* **half-open**: after that, exactly one call (the probe) is let through, holding a lease of
  ``probe_lease_s``; the others keep getting the fallback. The probe's success closes the breaker (a
  fresh window); its failure opens it again. A probe that never reports (its environment died) loses
  its lease, and the next call probes instead.
* when the store itself fails (:class:`StoreUnavailableError`), the breaker **fails open**: the call
  goes through unguarded (decision ``"fail-open"``), and a result already obtained is never lost
  because its outcome could not be recorded.

Every change is written with a version check (:class:`BreakerStore.save` refuses a stale version), so
when two execution environments read the same state and both try to take the probe, one wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final, Generic, Literal, Protocol, TypeVar

from patterns.circuit_breaker.exceptions import (
    BreakerConfigError,
    StoreContentionError,
    StoreUnavailableError,
)

__all__ = [
    "CLOSED",
    "HALF_OPEN",
    "OPEN",
    "UNAVAILABLE",
    "BreakerPolicy",
    "BreakerState",
    "BreakerStore",
    "CallOutcome",
    "CircuitBreaker",
    "Decision",
    "InMemoryBreakerStore",
    "StateName",
    "View",
    "admit",
    "modelled_ms",
    "record",
    "retry_after_s",
]

StateName = Literal["closed", "open", "half-open"]
CLOSED: Final = "closed"
OPEN: Final = "open"
HALF_OPEN: Final = "half-open"
Decision = Literal["call", "probe", "fallback", "fail-open"]
View = Literal["closed", "open", "half-open", "unavailable"]
UNAVAILABLE: Final = "unavailable"
T = TypeVar("T")
MAX_ATTEMPTS = 20  # compare-and-set attempts before giving up (contention this high is a bug)
# The lab's model of a request's duration (stated wherever a figure uses it): the handler's own work,
# plus each request to the breaker's table, plus what the dependency made it wait.
HANDLER_MS = 2.0
STATE_REQUEST_MS = 5.0


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    """When to open (a failure rate over a window, with a minimum of calls), how long to stay open,
    and how long a probe may hold half-open before another call may probe."""

    failure_rate: float = 0.5
    window_s: float = 10.0
    min_calls: int = 4
    open_for_s: float = 15.0
    probe_lease_s: float = 5.0

    def __post_init__(self) -> None:
        problems = []
        if not 0 < self.failure_rate <= 1:
            problems.append(f"failure_rate must be in (0, 1], got {self.failure_rate}")
        if self.window_s <= 0 or self.open_for_s <= 0 or self.probe_lease_s <= 0:
            problems.append("window_s, open_for_s and probe_lease_s must be positive")
        if self.min_calls < 1:
            problems.append(f"min_calls must be at least 1, got {self.min_calls}")
        if problems:
            raise BreakerConfigError("; ".join(problems))


@dataclass(frozen=True, slots=True)
class BreakerState:
    """What the breaker remembers; ``version`` grows by one with every write."""

    state: StateName = CLOSED
    version: int = 0
    window_start: float = 0.0
    calls: int = 0
    failures: int = 0
    opened_at: float | None = None
    probe_until: float | None = None


def admit(current: BreakerState, now: float, policy: BreakerPolicy) -> tuple[Decision, BreakerState | None]:
    """What to do with a call at ``now``, and the state to write first (``None``: write nothing)."""
    if current.state == CLOSED:
        return "call", None
    if current.state == OPEN:
        assert current.opened_at is not None
        if now < current.opened_at + policy.open_for_s:
            return "fallback", None
    elif current.probe_until is not None and now < current.probe_until:  # half-open, a probe is out
        return "fallback", None
    taken = replace(
        current, state=HALF_OPEN, version=current.version + 1, probe_until=now + policy.probe_lease_s
    )
    return "probe", taken


def record(
    current: BreakerState, now: float, *, ok: bool, probe: bool, policy: BreakerPolicy
) -> BreakerState | None:
    """The state after a call's outcome (``None``: nothing to write)."""
    version = current.version + 1
    if probe:
        if current.state != HALF_OPEN:
            return None  # the lease ran out and another probe already decided
        if ok:
            return BreakerState(CLOSED, version, window_start=now)
        return BreakerState(OPEN, version, window_start=now, opened_at=now)
    if current.state != CLOSED:
        return None  # opened meanwhile by another call: this outcome is history
    if now >= current.window_start + policy.window_s:
        current = replace(current, window_start=now, calls=0, failures=0)
    calls, failures = current.calls + 1, current.failures + (0 if ok else 1)
    if calls >= policy.min_calls and failures >= policy.failure_rate * calls:
        return BreakerState(OPEN, version, window_start=now, calls=calls, failures=failures, opened_at=now)
    return replace(current, version=version, calls=calls, failures=failures)


class BreakerStore(Protocol):
    """Where a breaker's state lives: one environment's memory, or a DynamoDB item shared by all."""

    def load(self) -> BreakerState: ...

    def save(self, new: BreakerState, expected_version: int) -> bool:
        """Write ``new`` only if the stored version is still ``expected_version``; False if it was not."""
        ...


class InMemoryBreakerStore:
    """A breaker's state in this execution environment's memory (what a module global gives you)."""

    def __init__(self) -> None:
        self.state = BreakerState()

    def load(self) -> BreakerState:
        return self.state

    def save(self, new: BreakerState, expected_version: int) -> bool:
        if self.state.version != expected_version:
            return False
        self.state = new
        return True


@dataclass(frozen=True, slots=True)
class CallOutcome(Generic[T]):
    """What one guarded call did: ``decision``, the value returned, and the breaker's state after it."""

    decision: Decision
    value: T
    ok: bool
    state_after: View


class CircuitBreaker:
    """Guards calls with a policy and a store; every state change is a compare-and-set on the store."""

    def __init__(self, store: BreakerStore, policy: BreakerPolicy) -> None:
        self.store = store
        self.policy = policy

    def call(
        self, now: float, operation: Callable[[], tuple[bool, T]], fallback: Callable[[BreakerState], T]
    ) -> CallOutcome[T]:
        """Run ``operation`` (which returns ``(ok, value)``) if the breaker lets it, else ``fallback``."""
        for _ in range(MAX_ATTEMPTS):
            try:
                current = self.store.load()
                decision, taken = admit(current, now, self.policy)
                refused = taken is not None and not self.store.save(taken, current.version)
            except StoreUnavailableError:
                ok, value = operation()  # the breaker cannot guard: let the call through
                return CallOutcome("fail-open", value, ok, UNAVAILABLE)
            if refused:
                continue  # another environment changed the state first: decide again on what it wrote
            if decision == "fallback":
                return CallOutcome(decision, fallback(current), False, current.state)
            ok, value = operation()
            try:
                after: View = self._record(now, ok=ok, probe=decision == "probe", known=taken or current)
            except StoreUnavailableError:
                after = UNAVAILABLE  # the outcome is not counted; the caller still gets its result
            return CallOutcome(decision, value, ok, after)
        raise StoreContentionError(f"the breaker's state changed {MAX_ATTEMPTS} times while deciding")

    def _record(self, now: float, *, ok: bool, probe: bool, known: BreakerState) -> StateName:
        """Record on the state last read or written (no second read when nobody changed it since; the
        version check refuses the write when somebody did, and the loop reads again)."""
        current = known
        for _ in range(MAX_ATTEMPTS):
            new = record(current, now, ok=ok, probe=probe, policy=self.policy)
            if new is None:
                return current.state
            if self.store.save(new, current.version):
                return new.state
            current = self.store.load()
        raise StoreContentionError(f"the breaker's state changed {MAX_ATTEMPTS} times while recording")


def modelled_ms(waited_s: float, state_requests: int) -> float:
    """A request's duration in the lab's model: handler work, table requests, waiting on the dependency."""
    return round(HANDLER_MS + STATE_REQUEST_MS * state_requests + waited_s * 1000, 3)


def retry_after_s(current: BreakerState, now: float, policy: BreakerPolicy) -> float:
    """When a refused caller may try again: the rest of the open period, or the probe's lease."""
    if current.state == OPEN and current.opened_at is not None:
        return round(max(0.0, current.opened_at + policy.open_for_s - now), 3)
    if current.state == HALF_OPEN and current.probe_until is not None:
        return round(max(0.0, current.probe_until - now), 3)
    return 0.0
