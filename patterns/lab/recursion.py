"""Lambda's recursive loop detection, as the lab runtime applies it.

AWS tracks how many times an event has gone round a chain of functions and services (a *lineage* carried
in the X-Ray trace header that the SDK injects when a function sends an event to SQS, SNS, S3 or Lambda).
When an event reaches about :data:`patterns.lab.limits.RECURSIVE_LOOP_MAX_INVOCATIONS` invocations in one
chain, Lambda stops the next invocation and notifies you; a function whose recursive loop setting is
``Allow`` is never stopped (``limits.SOURCES["recursion"]``).

The lab carries the lineage itself: while an execution environment runs a handler, :func:`running` holds
that invocation's lineage for the handler's thread; an asynchronous invocation the handler causes (an S3
notification from its ``put_object``, an ``InvocationType="Event"`` call) takes :func:`next_lineage`, and
the runtime stops an invocation whose lineage is past the limit (:func:`stops`), records it in
``runtime.stopped`` and, as Lambda does, sends the event to the function's on-failure destination or
dead-letter queue (condition and error type ``RecursiveInvocationException``). A synchronous call keeps
its caller's lineage, as Lambda counts only the asynchronous hops. The lineage travels with the lab's
push deliveries from S3 and asynchronous invokes; the lab's SNS and EventBridge deliveries start a new
chain.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from patterns.lab import limits

__all__ = ["RecursiveLoop", "StoppedInvocation", "current_lineage", "next_lineage", "running", "stops"]

RecursiveLoop = Literal["Terminate", "Allow"]
"""A function's recursive loop setting (``PutFunctionRecursionConfig``): Lambda's default terminates."""

_local = threading.local()


def current_lineage() -> int:
    """The lineage of the invocation running on this thread: 0 outside any invocation."""
    lineage: int = getattr(_local, "lineage", 0)
    return lineage


def next_lineage() -> int:
    """The lineage of an asynchronous invocation caused from this thread: one more hop in the chain."""
    return current_lineage() + 1


@contextmanager
def running(lineage: int) -> Iterator[None]:
    """Hold ``lineage`` as this thread's current lineage while a handler runs."""
    previous = current_lineage()
    _local.lineage = lineage
    try:
        yield
    finally:
        _local.lineage = previous


def stops(
    lineage: int,
    setting: RecursiveLoop,
    *,
    limit: int = limits.RECURSIVE_LOOP_MAX_INVOCATIONS,
    safety_cap: int | None = None,
) -> bool:
    """Whether the invocation at hop ``lineage`` of its chain is stopped.

    ``Terminate`` stops every hop after ``limit``; ``Allow`` runs them all, except that the lab cuts an
    allowed loop after ``safety_cap`` hops (standing in for the operator who throttles the function) so a
    notebook never hangs.
    """
    if setting == "Terminate" and lineage > limit:
        return True
    return setting == "Allow" and safety_cap is not None and lineage > safety_cap


@dataclass(frozen=True)
class StoppedInvocation:
    """An asynchronous invocation the runtime did not run: its chain went round too many times."""

    function_name: str
    lineage: int
    event: Any
    at: float
    reason: Literal["recursive loop detected", "lab safety cap"]
