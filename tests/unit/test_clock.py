"""The virtual clock: timers run in order, at their due time, and time never goes back."""

from datetime import UTC, datetime

import pytest

from patterns.lab.clock import LabClock

pytestmark = pytest.mark.unit


def test_timers_run_in_due_order_at_their_due_time():
    clock = LabClock(datetime(2026, 1, 1, tzinfo=UTC))
    seen = []
    clock.call_later(60, lambda: seen.append(("b", clock.elapsed)))
    clock.call_later(10, lambda: seen.append(("a", clock.elapsed)))
    cancelled = clock.call_later(30, lambda: seen.append(("never", clock.elapsed)))
    cancelled.cancel()
    clock.advance_to(100)
    assert seen == [("a", 10), ("b", 60)]
    assert clock.now() == datetime(2026, 1, 1, 0, 1, 40, tzinfo=UTC)


def test_a_timer_may_schedule_another_inside_the_window():
    clock = LabClock()
    seen = []

    def first() -> None:
        clock.call_later(1, lambda: seen.append(clock.elapsed))

    clock.call_later(1, first)
    clock.advance_to(5)
    assert seen == [2]


def test_time_cannot_go_back_and_the_start_must_be_aware():
    clock = LabClock()
    clock.advance_to(10)
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance_to(5)
    with pytest.raises(ValueError, match="timezone-aware"):
        LabClock(datetime(2026, 1, 1))
