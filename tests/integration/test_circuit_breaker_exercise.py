"""The circuit-breaker exercise grades honestly: imitations of the expected types score nothing, and a
transition that changes the state it was given (instead of returning a new one) is caught."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]


def test_circuit_breaker_imitations_score_nothing(tmp_path):
    result = imitating(
        "circuit_breaker",
        "breaker.py",
        """
        _admit, _record = admit, record


        def admit(state, now, policy):
            return FakeDict(_admit(state, now, policy))  # a dict that says it equals anything


        def record(state, now, ok, probe, policy):
            new = _record(state, now, ok, probe, policy)
            if new is None:
                return EqualToEverything()  # "equal" to None, but not None
            return {**new, "version": float(new["version"])}  # 4.0 == 4
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict")
    zero_with(by_task(result, 2), "a float, expected an int", "EqualToEverything")


def test_changing_the_given_state_in_place_is_caught(tmp_path):
    result = imitating(
        "circuit_breaker",
        "breaker.py",
        """
        _admit = admit


        def admit(state, now, policy):
            returned = _admit(state, now, policy)
            if returned["write"] is not None:
                state.update(returned["write"])  # the same values, written over the input
                returned["write"] = state
            return returned
        """,
        tmp_path,
    )
    probing = [r for r in by_task(result, 1) if "probes" in r.name]
    assert len(probing) >= 3
    zero_with(probing, "unchanged")
    kept = [r for r in by_task(result, 1) if "probes" not in r.name and "together" not in r.name]
    assert kept
    assert all(r.points == 1 for r in kept)
