"""A modelled remote dependency (a payment provider, a partner API) on the lab's virtual clock.

A real dependency that is down does not answer: the caller waits for its own timeout, and that wait is
billed Lambda duration. Sleeping through timeouts would make a demonstration slow and its figures depend
on the machine, so the lab models the dependency instead: a call at virtual time ``t`` costs
``latency_s`` and succeeds when the dependency is up, and costs the caller's ``timeout_s`` and fails when
``t`` falls in one of its outages. Nothing sleeps; the caller is told how long it *would* have waited,
and accounts for it (billed duration, user-visible latency) from the model.

Handlers run in execution environments that re-import their own package, so they cannot share a
Python object through their package's globals; they reach the one shared dependency through this
module's registry, by name (:func:`lookup`), as real functions reach one real service by its URL::

    provider = ModelledDependency("payments", latency_s=0.08, timeout_s=2.0, outages=[Outage(10, 70)])
    with registered(provider):
        ...  # handlers call lookup("payments").call(at_s=clock.elapsed)
    provider.calls_during_outages  # how many calls reached it while it was down
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from patterns.lab.exceptions import LabError

__all__ = ["DependencyCall", "ModelledDependency", "Outage", "lookup", "registered"]


@dataclass(frozen=True, slots=True)
class Outage:
    """The dependency does not answer from ``start_s`` (included) to ``end_s`` (excluded), virtual time."""

    start_s: float
    end_s: float

    def __post_init__(self) -> None:
        if self.end_s < self.start_s:
            raise LabError(f"an outage cannot end before it starts: {self.start_s} -> {self.end_s}")

    def covers(self, at_s: float) -> bool:
        return self.start_s <= at_s < self.end_s

    @property
    def length_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class DependencyCall:
    """One call as the caller lived it: when it started, whether it was answered, how long it waited."""

    at_s: float
    ok: bool
    waited_s: float


@dataclass
class ModelledDependency:
    """A dependency answering in ``latency_s``, or never during ``outages`` (the caller gives up after
    ``timeout_s``). Every call is recorded, in order, thread-safely."""

    name: str
    latency_s: float = 0.08
    timeout_s: float = 2.0
    outages: Sequence[Outage] = ()
    calls: list[DependencyCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.latency_s < 0 or self.timeout_s <= 0:
            raise LabError(f"latency must be >= 0 and timeout > 0, got {self.latency_s}, {self.timeout_s}")

    def is_down(self, at_s: float) -> bool:
        return any(outage.covers(at_s) for outage in self.outages)

    def call(self, at_s: float) -> DependencyCall:
        """A call started at virtual ``at_s``: answered after ``latency_s``, or timed out when down."""
        down = self.is_down(at_s)
        result = DependencyCall(
            at_s, not down, self.timeout_s if down else min(self.latency_s, self.timeout_s)
        )
        with self._lock:
            self.calls.append(result)
        return result

    @property
    def calls_during_outages(self) -> int:
        """Calls that reached the dependency while it was down (each waited a full timeout)."""
        with self._lock:
            return sum(1 for call in self.calls if not call.ok)

    @property
    def waited_on_timeouts_s(self) -> float:
        with self._lock:
            return sum(call.waited_s for call in self.calls if not call.ok)


_registry: dict[str, ModelledDependency] = {}
_registry_lock = threading.Lock()


@contextmanager
def registered(dependency: ModelledDependency) -> Iterator[ModelledDependency]:
    """Make ``dependency`` reachable by its name from any execution environment, for the block."""
    with _registry_lock:
        if dependency.name in _registry:
            raise LabError(f"a dependency named {dependency.name!r} is registered already")
        _registry[dependency.name] = dependency
    try:
        yield dependency
    finally:
        with _registry_lock:
            _registry.pop(dependency.name, None)


def lookup(name: str) -> ModelledDependency:
    """The registered dependency called ``name``."""
    with _registry_lock:
        found = _registry.get(name)
    if found is None:
        raise LabError(f"no modelled dependency named {name!r} is registered (use `with registered(...)`)")
    return found
