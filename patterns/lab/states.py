"""Step Functions waits on the sandbox's virtual clock: Retry backoffs and Wait states skip, not sleep.

moto executes state machines with its Amazon States Language interpreter, on threads of its own. It
computes a Retry interval as AWS does (``IntervalSeconds * BackoffRate ** (retry - 1)``, capped by
``MaxDelaySeconds``, then drawn uniformly from ``[0, interval]`` with ``JitterStrategy: FULL``), but
waits it out with ``time.sleep``, and a Wait state with a real ``Event.wait``: a policy of 2, 4, 8 s
makes a test sleep 14 s.

With this seam (installed by the moto sandbox; it patches moto at the first ``StartExecution``, as
importing the interpreter is heavy) such a wait is *virtual*: the interpreter thread
registers it and blocks until the sandbox's clock reaches its end. The sandbox polls the registrations
like an event source, so ``sandbox.settle()`` schedules them on ``sandbox.clock`` and
``sandbox.advance(seconds)`` releases the ones that fall due; :func:`advance_to_next_wait` jumps
straight to the earliest. Nobody advancing the clock changes nothing: a wait then ends after its
real duration, as without the seam.

Execution history timestamps read ``sandbox.clock.now()`` plus the real time since the sandbox
started, so a handler's real duration and a skipped backoff both show in the history. Not virtual:
Task ``TimeoutSeconds`` / ``HeartbeatSeconds`` (real seconds), a Wait state's ``Timestamp`` (compared
with the real now), and ``startDate`` / ``stopDate`` of ``describe_execution`` (real).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, Protocol

from botocore.handlers import BUILTIN_HANDLERS

from patterns.lab.clock import LabClock, Timer

__all__ = [
    "DrivenPlatform",
    "StateMachineWaits",
    "advance_to_next_wait",
    "check_moto_interpreter",
    "virtual_state_machine_waits",
]

_SLICE_S = 0.05  # how often a blocked wait checks whether its execution was stopped


@dataclass
class _Wait:
    seconds: float
    label: str
    released: threading.Event = field(default_factory=threading.Event)
    timer: Timer | None = None


class StateMachineWaits:
    """The virtual waits of running executions; the sandbox polls it as an event source."""

    def __init__(self, clock: LabClock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._requested: list[_Wait] = []
        self._scheduled: list[_Wait] = []
        self._started = time.monotonic()
        self._closed = False

    def sleep(
        self, seconds: float, *, label: str = "wait", stopped: Callable[[], bool] = lambda: False
    ) -> None:
        """Block the calling interpreter thread for ``seconds`` of virtual (or, undriven, real) time."""
        if seconds <= 0:
            return
        wait = _Wait(float(seconds), label)
        with self._lock:
            if self._closed:
                return
            self._requested.append(wait)
        deadline = time.monotonic() + seconds
        while not wait.released.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or stopped():
                break
            wait.released.wait(min(remaining, _SLICE_S))
        wait.released.set()  # ended in real time (or stopped): it no longer holds the clock
        if wait.timer is not None:
            wait.timer.cancel()

    def poll(self) -> int:
        """Schedule newly registered waits on the clock (run on the thread that drives the clock)."""
        with self._lock:
            new, self._requested = self._requested, []
            self._scheduled = [wait for wait in self._scheduled if not wait.released.is_set()]
        for wait in new:
            if not wait.released.is_set():
                wait.timer = self.clock.call_later(
                    wait.seconds, wait.released.set, f"state machine {wait.label}"
                )
                self._scheduled.append(wait)
        return len(new)

    def next_due(self) -> float | None:
        """When the earliest scheduled, unreleased wait ends (clock seconds), or None."""
        due = [w.timer.due for w in self._scheduled if w.timer is not None and not w.released.is_set()]
        return min(due) if due else None

    def pending(self) -> int:
        """How many waits are registered and not yet released."""
        with self._lock:
            requested = sum(1 for wait in self._requested if not wait.released.is_set())
        return requested + sum(1 for wait in self._scheduled if not wait.released.is_set())

    def now(self) -> datetime:
        """The time history events are stamped with: virtual now plus real time since the start."""
        return self.clock.now() + timedelta(seconds=time.monotonic() - self._started)

    def close(self) -> None:
        """Release every blocked wait (the sandbox is stopping)."""
        with self._lock:
            self._closed = True
            waits, self._requested = self._requested + self._scheduled, []
            self._scheduled = []
        for wait in waits:
            wait.released.set()


class DrivenPlatform(Protocol):
    """What :func:`advance_to_next_wait` drives: a sandbox (typed here without importing the sandbox,
    which imports this module)."""

    @property
    def clock(self) -> LabClock: ...

    @property
    def sources(self) -> list[Any]: ...

    def settle(self, max_rounds: int = ...) -> int: ...

    def advance(self, seconds: float) -> int: ...


def advance_to_next_wait(sandbox: DrivenPlatform) -> bool:
    """Settle, then move ``sandbox``'s clock to the end of the earliest state machine wait, if any.

    Returns whether a wait was released. A driver loop calls it while an execution runs.
    """
    waits = next((s for s in sandbox.sources if isinstance(s, StateMachineWaits)), None)
    sandbox.settle()
    if waits is None or (due := waits.next_due()) is None:
        return False
    sandbox.advance(max(0.0, due - sandbox.clock.elapsed))
    return True


def _interpreter() -> tuple[Any, Any, Any]:
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager

    return retrier_decl, WaitFunction, EventManager


def check_moto_interpreter() -> None:
    """Fail with a clear message if moto's interpreter no longer has what this seam replaces."""
    retrier_decl, wait_function, event_manager = _interpreter()
    missing = [
        name
        for name, present in (
            ("retrier_decl.time", getattr(retrier_decl, "time", None) is time),
            ("WaitFunction._wait_interval", callable(getattr(wait_function, "_wait_interval", None))),
            (
                "EventManager._get_current_timestamp",
                callable(getattr(event_manager, "_get_current_timestamp", None)),
            ),
        )
        if not present
    ]
    if missing:
        raise RuntimeError(
            f"moto's ASL interpreter changed ({', '.join(missing)}): the lab's wait seam needs updating"
        )


def _patch_interpreter(waits: StateMachineWaits, stack: ExitStack) -> None:
    """Point moto's Retry and Wait sleeps and history timestamps at ``waits``; ``stack`` undoes it."""
    check_moto_interpreter()
    retrier_decl, wait_function, event_manager = _interpreter()

    def wait_interval(_state: Any, env: Any, wait_seconds: int) -> None:
        waits.sleep(wait_seconds, label="Wait state", stopped=lambda: not env.is_running())

    for owner, name, replacement in (
        (retrier_decl, "time", SimpleNamespace(sleep=lambda s: waits.sleep(s, label="retry backoff"))),
        (wait_function, "_wait_interval", wait_interval),
        (event_manager, "_get_current_timestamp", staticmethod(waits.now)),
    ):
        original = owner.__dict__[name]
        setattr(owner, name, replacement)
        stack.callback(setattr, owner, name, original)
    # moto logs every failure raised inside a state at ERROR, even one a Catch handles; the outcome
    # is in the execution's status and history, so those log lines are only noise here.
    noisy = logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component")
    stack.callback(noisy.setLevel, noisy.level)
    noisy.setLevel(logging.CRITICAL)


_active: list[tuple[StateMachineWaits, ExitStack, list[bool]]] = []
_arming = threading.Lock()


def _arm_before_execution(**_: Any) -> None:
    """botocore ``before-call.sfn.StartExecution``: patch moto's interpreter for the active sandbox.

    Patching waits for the first execution because importing moto's interpreter is heavy (time and
    memory) and most sandboxes never run a state machine.
    """
    with _arming:
        if _active and not (armed := _active[-1][2]):
            waits, stack, _armed = _active[-1]
            _patch_interpreter(waits, stack)
            armed.append(True)


for _operation in ("StartExecution", "StartSyncExecution"):
    BUILTIN_HANDLERS.append((f"before-call.sfn.{_operation}", _arm_before_execution))


@contextmanager
def virtual_state_machine_waits(clock: LabClock) -> Iterator[StateMachineWaits]:
    """Route moto's Retry and Wait sleeps and history timestamps through ``clock`` until exit (from
    the first ``StartExecution`` on)."""
    waits = StateMachineWaits(clock)
    entry: tuple[StateMachineWaits, ExitStack, list[bool]] = (waits, ExitStack(), [])
    with entry[1]:
        entry[1].callback(waits.close)
        _active.append(entry)
        try:
            yield waits
        finally:
            with _arming:
                _active.remove(entry)
