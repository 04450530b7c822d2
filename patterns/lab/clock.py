"""A controllable clock: virtual time for idle expiry, retries, schedules and batching windows.

Handlers run in real time (their durations are measured), but everything the platform does *later*
(reclaim an idle environment after 10 minutes, retry an async event after 1 minute, fire a cron rule)
is scheduled on this clock, so a demonstration can skip an hour in a millisecond.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = ["LabClock", "Timer"]


@dataclass(order=True)
class Timer:
    """A callback due at a virtual instant; cancel it with :meth:`cancel`."""

    due: float
    sequence: int
    callback: Callable[[], None] = field(compare=False)
    label: str = field(default="", compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class LabClock:
    """Virtual time in seconds since the clock started, mapped onto UTC datetimes."""

    def __init__(self, start: datetime | None = None) -> None:
        origin = start or datetime.now(UTC).replace(microsecond=0)
        if origin.tzinfo is None:
            raise ValueError(f"the clock needs a timezone-aware start, got naive {origin!r}")
        self._origin = origin
        self._elapsed = 0.0
        self._timers: list[Timer] = []
        self._sequence = itertools.count()

    @property
    def elapsed(self) -> float:
        """Virtual seconds since the clock started."""
        return self._elapsed

    def now(self) -> datetime:
        return self._origin + timedelta(seconds=self._elapsed)

    def timestamp(self) -> float:
        """The virtual now as Unix seconds."""
        return self.now().timestamp()

    def call_at(self, due: float, callback: Callable[[], None], label: str = "") -> Timer:
        """Run ``callback`` when virtual time reaches ``due`` (seconds since start)."""
        timer = Timer(max(due, self._elapsed), next(self._sequence), callback, label)
        heapq.heappush(self._timers, timer)
        return timer

    def call_later(self, delay: float, callback: Callable[[], None], label: str = "") -> Timer:
        if delay < 0:
            raise ValueError(f"a delay cannot be negative, got {delay}")
        return self.call_at(self._elapsed + delay, callback, label)

    def next_due(self) -> float | None:
        """When the earliest pending timer is due, or None."""
        self._drop_cancelled()
        return self._timers[0].due if self._timers else None

    def run_due(self) -> int:
        """Run every timer due at or before now (including ones they schedule for now)."""
        ran = 0
        while True:
            self._drop_cancelled()
            if not self._timers or self._timers[0].due > self._elapsed:
                return ran
            timer = heapq.heappop(self._timers)
            timer.callback()
            ran += 1

    def advance_to(self, moment: float) -> None:
        """Move time forward to ``moment``, stopping at each due timer on the way to run it."""
        if moment < self._elapsed:
            raise ValueError(f"time cannot go back: now {self._elapsed:.3f} s, asked for {moment:.3f} s")
        while (due := self.next_due()) is not None and due <= moment:
            self._elapsed = max(self._elapsed, due)
            self.run_due()
        self._elapsed = moment

    def _drop_cancelled(self) -> None:
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)
