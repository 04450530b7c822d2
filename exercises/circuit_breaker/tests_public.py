"""Public tests of the circuit-breaker exercise: ``python -m exercises check circuit-breaker`` runs them."""

from exercises.grader.model import Test

from . import checks
from .checks import POLICY, state

OPEN_AT_100 = state(state="open", version=3, window_start=100.0, calls=4, failures=4, opened_at=100.0)
CLOSED_3 = state(version=3, window_start=100.0, calls=3, failures=1)

TESTS = [
    Test(
        "closed: the call goes through, nothing to write",
        1,
        "admit",
        {"state": CLOSED_3, "now": 101.0, "policy": POLICY},
        checks.admits("call", None, CLOSED_3),
    ),
    Test(
        "open, 14 s into a 15 s open period: the fallback, nothing to write",
        1,
        "admit",
        {"state": OPEN_AT_100, "now": 114.0, "policy": POLICY},
        checks.admits("fallback", None, OPEN_AT_100),
    ),
    Test(
        "open, the period over: this call probes, and takes half-open with a lease",
        1,
        "admit",
        {"state": OPEN_AT_100, "now": 115.0, "policy": POLICY},
        checks.admits(
            "probe", {**OPEN_AT_100, "state": "half-open", "version": 4, "probe_until": 120.0}, OPEN_AT_100
        ),
    ),
    Test(
        "closed, a failure that makes 2 of 4: opens",
        2,
        "record",
        {"state": CLOSED_3, "now": 102.5, "ok": False, "probe": False, "policy": POLICY},
        checks.records(
            state(state="open", version=4, window_start=102.5, calls=4, failures=2, opened_at=102.5), CLOSED_3
        ),
    ),
    Test(
        "closed, a success: counted, still closed",
        2,
        "record",
        {"state": CLOSED_3, "now": 102.5, "ok": True, "probe": False, "policy": POLICY},
        checks.records(state(version=4, window_start=100.0, calls=4, failures=1), CLOSED_3),
    ),
    Test(
        "half-open, the probe succeeded: closed, a fresh window",
        2,
        "record",
        {
            "state": {**OPEN_AT_100, "state": "half-open", "version": 4, "probe_until": 120.0},
            "now": 115.0,
            "ok": True,
            "probe": True,
            "policy": POLICY,
        },
        checks.records(
            state(version=5, window_start=115.0),
            {**OPEN_AT_100, "state": "half-open", "version": 4, "probe_until": 120.0},
        ),
    ),
]
