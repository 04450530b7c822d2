"""Helpers the event sources share: reading a partial batch response and invoking batches side by side."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from patterns.lab.exceptions import ConfigurationError, TooManyRequestsError
from patterns.lab.lambda_runtime import Invocation

if TYPE_CHECKING:
    from patterns.lab.sandbox import EventSource, Sandbox

__all__ = ["attached", "failed_item_identifiers", "invoke_side_by_side", "problems_to_error"]

Params = ParamSpec("Params")
Source = TypeVar("Source", bound="EventSource")


def attached(
    source_class: Callable[Concatenate[Sandbox, Params], Source], name: str, summary: str
) -> Callable[Concatenate[Sandbox, Params], Source]:
    """A constructor function ``name`` for ``source_class`` that also attaches the source to its sandbox.

    It shows the class's signature (``help()``, a notebook's tooltip) and the docstring ``summary``.
    """

    def attach(sandbox: Sandbox, /, *args: Params.args, **kwargs: Params.kwargs) -> Source:
        source = source_class(sandbox, *args, **kwargs)
        sandbox.add_source(source)
        return source

    class_name = getattr(source_class, "__name__", "the source class")
    attach.__name__ = attach.__qualname__ = name
    attach.__doc__ = (
        f"{summary}: validate it, attach it to ``sandbox`` and return it (see :class:`{class_name}`)."
    )
    attach.__signature__ = inspect.signature(source_class).replace(  # type: ignore[attr-defined]
        return_annotation=class_name
    )
    return attach


def failed_item_identifiers(payload: Any, identifiers: Sequence[str]) -> set[str] | None:
    """Read a ``ReportBatchItemFailures`` response the way Lambda does.

    Returns the identifiers that failed (an empty set: the whole batch succeeded), or None when the
    response makes the whole batch a failure. Success: a null or empty response, a null or empty
    ``batchItemFailures`` list. Whole-batch failure: an ``itemIdentifier`` that is null, empty, under a
    wrong key or not in the batch, or a response of the wrong shape (not an object, not a list).
    """
    if payload is None or payload == {}:
        return set()
    if not isinstance(payload, dict):
        return None
    failures = payload.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    known = set(identifiers)
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in known:
            return None
        failed.add(identifier)
    return failed


def invoke_side_by_side(
    invoke: Callable[[dict[str, Any]], Invocation], events: Sequence[dict[str, Any]]
) -> list[Invocation | None]:
    """Invoke once per event, concurrently (one thread each) when there are several, as a mapping's
    pollers do; None stands for a throttled invocation (Lambda's TooManyRequestsException)."""

    def attempt(event: dict[str, Any]) -> Invocation | None:
        try:
            return invoke(event)
        except TooManyRequestsError:
            return None

    if len(events) == 1:
        return [attempt(events[0])]
    results: list[Invocation | None] = [None] * len(events)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = attempt(events[index])
        except BaseException as error:  # re-raised in the polling thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(len(events))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def problems_to_error(subject: str, problems: list[str]) -> None:
    """Raise one ConfigurationError listing every problem found in a configuration (if any)."""
    if problems:
        raise ConfigurationError(f"{subject}: " + "; ".join(problems))
