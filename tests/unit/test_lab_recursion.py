"""The lab's recursive loop detection, pure parts: the lineage a thread carries and when a hop stops."""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab import limits
from patterns.lab.recursion import current_lineage, next_lineage, running, stops

pytestmark = pytest.mark.unit


def test_outside_any_invocation_the_lineage_is_zero_and_the_next_hop_is_the_first():
    assert current_lineage() == 0
    assert next_lineage() == 1


def test_running_holds_the_lineage_for_its_thread_only_and_restores_it():
    seen: list[int] = []
    with running(5):
        assert next_lineage() == 6
        with running(9):
            assert current_lineage() == 9
        assert current_lineage() == 5
        other = threading.Thread(target=lambda: seen.append(current_lineage()))
        other.start()
        other.join()
    assert seen == [0]
    assert current_lineage() == 0


def test_running_restores_the_lineage_when_the_handler_raises():
    with pytest.raises(RuntimeError), running(3):
        raise RuntimeError("boom")
    assert current_lineage() == 0


def test_terminate_stops_the_hop_after_the_documented_limit():
    limit = limits.RECURSIVE_LOOP_MAX_INVOCATIONS
    assert limit == 16
    assert not stops(limit, "Terminate")
    assert stops(limit + 1, "Terminate")


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=100))
def test_allow_runs_every_hop_up_to_the_safety_cap(lineage, cap):
    assert not stops(lineage, "Allow")
    assert stops(lineage, "Allow", safety_cap=cap) == (lineage > cap)
    assert stops(lineage, "Terminate", limit=cap) == (lineage > cap)
