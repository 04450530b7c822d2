"""The saga orchestrator as pure logic: it drives steps and compensations through small interfaces.

The orchestrator knows the order of the steps; it never touches AWS itself. It talks to:

* a :class:`SagaLog` (the saga's durable state: one entry per step, written *before* a step is
  invoked, so a crashed orchestrator knows which steps may have run),
* an :class:`ActionInvoker` (calls a step or compensation handler: Lambda, or an in-memory fake),
* a :class:`Parking` place for compensations that keep failing (an SQS dead-letter queue),
* a :class:`VirtualClock` (the lab's clock: timelines and retry waits cost no real time).

When step k fails (after its retries), compensations run for k, k-1 .. 1 in reverse order. Step k
itself is compensated too: it may have taken effect although its caller saw a timeout, and a
compensation of a step that never ran only writes a tombstone. Compensating only the steps recorded
as completed (``compensate_failed_step=False``, as the seeds do) leaks the effect of a timed-out step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from patterns.saga.exceptions import OrchestratorCrashedError
from patterns.saga.service import STEPS, Order

__all__ = [
    "TERMINAL",
    "ActionInvoker",
    "CallResult",
    "EntryState",
    "Parking",
    "RetryPolicy",
    "SagaLog",
    "SagaOrchestrator",
    "SagaState",
    "SagaStatus",
    "TimelineEntry",
    "VirtualClock",
    "saga_event",
]

SagaStatus = Literal["RUNNING", "COMPENSATING", "COMPLETED", "COMPENSATED", "PARKED"]
EntryState = Literal["STARTED", "DONE", "FAILED", "COMPENSATED", "PARKED"]
TERMINAL: frozenset[str] = frozenset({"COMPLETED", "COMPENSATED", "PARKED"})
_NEEDS_COMPENSATION = ("STARTED", "DONE", "FAILED")


@dataclass
class SagaState:
    """What the saga log holds about one saga."""

    saga_id: str
    order: Order
    status: SagaStatus
    faults: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, EntryState] = field(default_factory=dict)
    failed_step: str | None = None

    @property
    def parked(self) -> list[str]:
        """The steps whose compensation was parked for an operator."""
        return [action for action, state in self.steps.items() if state == "PARKED"]


class SagaLog(Protocol):
    """Durable saga state; :meth:`begin` is idempotent (a second call returns the saga as it is)."""

    def begin(self, saga_id: str, order: Order, faults: Mapping[str, Any]) -> SagaState: ...

    def load(self, saga_id: str) -> SagaState | None: ...

    def record(self, saga_id: str, action: str, state: EntryState) -> None: ...

    def set_status(self, saga_id: str, status: SagaStatus, *, failed_step: str | None = None) -> None: ...

    def sagas(self) -> list[SagaState]: ...


@dataclass(frozen=True)
class CallResult:
    """One invocation of a handler: did it answer, what it said, and how long it took (virtual s)."""

    ok: bool
    outcome: str | None
    error_type: str | None
    duration_s: float


class ActionInvoker(Protocol):
    def invoke(self, action: str, event: dict[str, Any]) -> CallResult: ...


class Parking(Protocol):
    def park(self, record: dict[str, Any]) -> None: ...


class VirtualClock(Protocol):
    @property
    def elapsed(self) -> float: ...

    def advance(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per step and per compensation, and the wait before retry n: ``backoff_s * rate**(n-1)``."""

    step_attempts: int = 2
    compensation_attempts: int = 3
    backoff_s: float = 1.0
    backoff_rate: float = 2.0

    def wait_before(self, retry: int) -> float:
        return self.backoff_s * self.backoff_rate ** (retry - 1)


@dataclass(frozen=True)
class TimelineEntry:
    """One attempt of one action, on the virtual clock (for Gantt plots)."""

    saga_id: str
    run: int
    step: int
    action: str
    kind: Literal["step", "compensation"]
    attempt: int
    start: float
    end: float
    result: str


def saga_event(saga_id: str, order: Order, attempt: int, faults: Mapping[str, Any]) -> dict[str, Any]:
    """The event every step and compensation handler takes (see :mod:`patterns.saga.handlers`)."""
    return {"saga_id": saga_id, "order": order.to_dict(), "attempt": attempt, "faults": dict(faults)}


class SagaOrchestrator:
    """Runs a saga to a terminal state, or resumes one from its log after a crash."""

    def __init__(
        self,
        log: SagaLog,
        invoker: ActionInvoker,
        parking: Parking,
        clock: VirtualClock,
        *,
        policy: RetryPolicy | None = None,
        compensate_failed_step: bool = True,
        on_checkpoint: Callable[[str], None] | None = None,
    ) -> None:
        self.log, self.invoker, self.parking, self.clock = log, invoker, parking, clock
        self.policy = policy or RetryPolicy()
        self.compensate_failed_step = compensate_failed_step
        self.on_checkpoint = on_checkpoint
        self.timeline: list[TimelineEntry] = []
        self.runs = 0
        self._checkpoints = 0
        self._crash_at: int | None = None

    def run(
        self,
        saga_id: str,
        order: Order,
        *,
        faults: Mapping[str, Any] | None = None,
        crash_at: int | None = None,
    ) -> SagaState:
        """Run (or resume) the saga. With ``crash_at`` = n, stop at the n-th checkpoint of this run by
        raising :class:`OrchestratorCrashedError`, as a process killed there would (its log remains)."""
        self.runs += 1
        self._checkpoints, self._crash_at = 0, crash_at
        state = self.log.begin(saga_id, order, faults or {})
        if state.status == "RUNNING":
            self._forward(state)
            state = self._load(saga_id)
        if state.status == "COMPENSATING":
            self._compensate(state)
            state = self._load(saga_id)
        return state

    def _load(self, saga_id: str) -> SagaState:
        state = self.log.load(saga_id)
        assert state is not None, f"saga {saga_id} vanished from the log"
        return state

    def _checkpoint(self, label: str) -> None:
        self._checkpoints += 1
        if self.on_checkpoint:
            self.on_checkpoint(label)
        if self._crash_at == self._checkpoints:
            raise OrchestratorCrashedError(self._checkpoints, label)

    def _forward(self, state: SagaState) -> None:
        for spec in STEPS:
            if state.steps.get(spec.action) == "DONE":
                continue
            self.log.record(state.saga_id, spec.action, "STARTED")
            self._checkpoint(f"{spec.action} started")
            result = self._call(state, spec.number, spec.action, "step", self.policy.step_attempts)
            self._checkpoint(f"{spec.action} answered")
            if result.ok and result.outcome in ("done", "duplicate"):
                self.log.record(state.saga_id, spec.action, "DONE")
                continue
            self.log.record(state.saga_id, spec.action, "FAILED")
            self.log.set_status(state.saga_id, "COMPENSATING", failed_step=spec.action)
            return
        self.log.set_status(state.saga_id, "COMPLETED")

    def _compensate(self, state: SagaState) -> None:
        undo = ("STARTED", "DONE") if not self.compensate_failed_step else _NEEDS_COMPENSATION
        for spec in reversed(STEPS):
            if state.steps.get(spec.action) not in undo:
                continue
            result = self._call(
                state, spec.number, spec.compensation, "compensation", self.policy.compensation_attempts
            )
            self._checkpoint(f"{spec.compensation} answered")
            if result.ok:
                self.log.record(state.saga_id, spec.action, "COMPENSATED")
                continue
            self.log.record(state.saga_id, spec.action, "PARKED")
            self.parking.park(
                {
                    "saga_id": state.saga_id,
                    "compensation": spec.compensation,
                    "error_type": result.error_type,
                    "attempts": self.policy.compensation_attempts,
                    "event": saga_event(state.saga_id, state.order, 1, {}),
                },
            )
        parked = bool(self._load(state.saga_id).parked)
        self.log.set_status(state.saga_id, "PARKED" if parked else "COMPENSATED")

    def _call(
        self, state: SagaState, step: int, action: str, kind: Literal["step", "compensation"], attempts: int
    ) -> CallResult:
        result = CallResult(False, None, "NotInvoked", 0.0)
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                self.clock.advance(self.policy.wait_before(attempt - 1))
            start = self.clock.elapsed
            result = self.invoker.invoke(
                action, saga_event(state.saga_id, state.order, attempt, state.faults)
            )
            self.clock.advance(result.duration_s)
            label = (result.outcome or "ok") if result.ok else (result.error_type or "error")
            self.timeline.append(
                TimelineEntry(
                    state.saga_id, self.runs, step, action, kind, attempt, start, self.clock.elapsed, label
                )
            )
            if result.ok:
                return result
        return result
