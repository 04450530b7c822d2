"""The virtual-wait seam's bookkeeping (patterns.lab.states.StateMachineWaits) with a plain LabClock."""

import threading
import time

import pytest

from patterns.lab.clock import LabClock
from patterns.lab.states import StateMachineWaits

pytestmark = pytest.mark.unit


def _sleep_in_thread(waits, seconds):
    done = threading.Event()

    def sleep():
        waits.sleep(seconds)
        done.set()

    threading.Thread(target=sleep, daemon=True).start()
    return done


def _registered(waits, count):
    deadline = time.monotonic() + 2
    while waits.pending() < count:
        assert time.monotonic() < deadline, "the wait was never registered"
        time.sleep(0.001)


def test_a_wait_ends_when_the_clock_reaches_it_not_before():
    clock = LabClock()
    waits = StateMachineWaits(clock)
    done = _sleep_in_thread(waits, 600)
    _registered(waits, 1)
    assert waits.poll() == 1
    assert waits.next_due() == 600
    clock.advance_to(599)
    assert not done.wait(0.05)
    clock.advance_to(600)
    assert done.wait(1)
    assert waits.poll() == 0
    assert waits.next_due() is None


def test_an_undriven_wait_ends_after_its_real_duration():
    waits = StateMachineWaits(LabClock())
    started = time.monotonic()
    waits.sleep(0.1)
    assert time.monotonic() - started >= 0.09
    assert waits.pending() == 0


def test_closing_releases_every_blocked_wait():
    waits = StateMachineWaits(LabClock())
    done = _sleep_in_thread(waits, 600)
    _registered(waits, 1)
    waits.close()
    assert done.wait(1)


def test_history_time_is_virtual_time_plus_real_time():
    clock = LabClock()
    waits = StateMachineWaits(clock)
    before = waits.now()
    clock.advance_to(3600)
    skipped = (waits.now() - before).total_seconds()
    assert 3600 <= skipped < 3601
