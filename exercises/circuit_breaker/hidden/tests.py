"""Hidden tests of the circuit-breaker exercise: one or more for every rule of the README (not shipped)."""

from exercises.grader.model import Test

from .. import checks
from ..checks import POLICY, state

OPEN_AT_100 = state(state="open", version=3, window_start=100.0, calls=4, failures=4, opened_at=100.0)
PROBING = {**OPEN_AT_100, "state": "half-open", "version": 4, "probe_until": 120.0}
STALE_CLOSED = state(version=7, window_start=50.0, calls=9, failures=4)

TESTS = [
    Test(
        "closed with failures in an old window: still a call, nothing written by admit",
        1,
        "admit",
        {"state": STALE_CLOSED, "now": 500.0, "policy": POLICY},
        checks.admits("call", None, STALE_CLOSED),
    ),
    Test(
        "open, exactly at the end of the open period: the call probes",
        1,
        "admit",
        {"state": OPEN_AT_100, "now": 115.0, "policy": {**POLICY, "probe_lease_s": 2.5}},
        checks.admits(
            "probe", {**OPEN_AT_100, "state": "half-open", "version": 4, "probe_until": 117.5}, OPEN_AT_100
        ),
    ),
    Test(
        "half-open while the probe holds its lease: the fallback, nothing to write",
        1,
        "admit",
        {"state": PROBING, "now": 119.5, "policy": POLICY},
        checks.admits("fallback", None, PROBING),
    ),
    Test(
        "half-open, the probe's lease ran out (it never reported): this call probes instead",
        1,
        "admit",
        {"state": PROBING, "now": 120.0, "policy": POLICY},
        checks.admits("probe", {**PROBING, "version": 5, "probe_until": 125.0}, PROBING),
    ),
    Test(
        "a failure after the window ended starts a new window: 1 of 1, below the minimum, closed",
        2,
        "record",
        {"state": STALE_CLOSED, "now": 60.0, "ok": False, "probe": False, "policy": POLICY},
        checks.records(state(version=8, window_start=60.0, calls=1, failures=1), STALE_CLOSED),
    ),
    Test(
        "3 failures of 3 with a minimum of 4 calls: still closed",
        2,
        "record",
        {
            "state": state(version=2, window_start=0.0, calls=2, failures=2),
            "now": 3.0,
            "ok": False,
            "probe": False,
            "policy": POLICY,
        },
        checks.records(
            state(version=3, window_start=0.0, calls=3, failures=3),
            state(version=2, window_start=0.0, calls=2, failures=2),
        ),
    ),
    Test(
        "a failure rate of 0.25: 1 failure among 4 calls opens",
        2,
        "record",
        {
            "state": state(version=3, window_start=0.0, calls=3, failures=0),
            "now": 4.0,
            "ok": False,
            "probe": False,
            "policy": {**POLICY, "failure_rate": 0.25},
        },
        checks.records(
            state(state="open", version=4, window_start=4.0, calls=4, failures=1, opened_at=4.0),
            state(version=3, window_start=0.0, calls=3, failures=0),
        ),
    ),
    Test(
        "the probe failed: open again from now, a fresh window, no lease",
        2,
        "record",
        {"state": PROBING, "now": 116.0, "ok": False, "probe": True, "policy": POLICY},
        checks.records(state(state="open", version=5, window_start=116.0, opened_at=116.0), PROBING),
    ),
    Test(
        "a call's result arriving when the breaker is open already is ignored",
        2,
        "record",
        {"state": OPEN_AT_100, "now": 101.0, "ok": False, "probe": False, "policy": POLICY},
        checks.records(None, OPEN_AT_100),
    ),
    Test(
        "a probe's result arriving when another probe closed the breaker is ignored",
        2,
        "record",
        {"state": STALE_CLOSED, "now": 55.0, "ok": False, "probe": True, "policy": POLICY},
        checks.records(None, STALE_CLOSED),
    ),
    Test(
        "together: opens after 4 failures, refuses, one probe fails, the next closes",
        1,
        "sequence",
        {
            "steps": [
                [0.0, False],
                [1.0, False],
                [2.0, False],
                [3.0, False],
                [10.0, True],
                [18.0, False],
                [20.0, True],
                [33.0, True],
                [34.0, True],
            ],
            "policy": POLICY,
        },
        checks.runs(
            ["call", "call", "call", "call", "fallback", "probe", "fallback", "probe", "call"],
            state(version=9, window_start=33.0, calls=1, failures=0),
        ),
    ),
]
