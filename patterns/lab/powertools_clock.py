"""Make Powertools for AWS Lambda read the lab's virtual clock where it reads ``datetime.now()``.

Powertools compares expiry times with the wall clock (idempotency records, the circuit breaker's open
period, the Parameters cache's ``max_age``); the lab skips time on its virtual clock.
:func:`powertools_on_clock` swaps, for a block, the ``datetime`` a list of Powertools modules imported,
so "the record expired" or "the cached secret is older than ``max_age``" can be shown without
waiting. Process-wide, undone on exit.

Modules that did ``import datetime as dt`` get a stand-in *module* (attribute ``dt``); modules that did
``from datetime import datetime`` get a stand-in *class* (attribute ``datetime``)::

    with powertools_on_clock(sandbox.clock, ["aws_lambda_powertools.utilities.parameters.base"],
                             attribute="datetime"):
        ...
"""

from __future__ import annotations

import datetime as _datetime
import importlib
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

from patterns.lab.clock import LabClock

__all__ = ["PARAMETERS_MODULES", "clock_datetime_class", "clock_datetime_module", "powertools_on_clock"]

PARAMETERS_MODULES: tuple[str, ...] = ("aws_lambda_powertools.utilities.parameters.base",)
"""The Powertools Parameters module whose cache reads ``datetime.now()`` (it imported the class)."""


def clock_datetime_class(now: Callable[[], _datetime.datetime]) -> type[_datetime.datetime]:
    """A ``datetime`` subclass whose ``now()`` reads ``now`` (naive local time when no ``tz`` is given,
    as ``datetime.now()`` returns)."""

    class ClockDatetime(_datetime.datetime):
        @classmethod
        def now(cls, tz: _datetime.tzinfo | None = None) -> ClockDatetime:
            moment = now()
            local = moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)
            return cls.fromisoformat(local.isoformat())

    return ClockDatetime


def clock_datetime_module(now: Callable[[], _datetime.datetime]) -> types.ModuleType:
    """A stand-in for the ``datetime`` module whose ``datetime.now()`` reads ``now``; everything else is
    the real module's."""
    module = types.ModuleType("datetime")
    module.__dict__.update({k: v for k, v in vars(_datetime).items() if not k.startswith("__")})
    module.datetime = clock_datetime_class(now)  # type: ignore[attr-defined]
    return module


@contextmanager
def powertools_on_clock(
    clock: LabClock, modules: Sequence[str], *, attribute: Literal["dt", "datetime"] = "dt"
) -> Iterator[None]:
    """For the block, the named modules' ``attribute`` (``dt``: the module; ``datetime``: the class)
    reads ``clock``."""
    loaded = [importlib.import_module(name) for name in modules]
    saved = [getattr(module, attribute) for module in loaded]
    shim: object = clock_datetime_module(clock.now) if attribute == "dt" else clock_datetime_class(clock.now)
    for module in loaded:
        setattr(module, attribute, shim)
    try:
        yield
    finally:
        for module, original in zip(loaded, saved, strict=True):
            setattr(module, attribute, original)
