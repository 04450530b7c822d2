"""The CQRS demonstration runs as ``python -m patterns.cqrs`` and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_cqrs_demonstration_measures_races_lag_replay_and_snapshots():
    result = demonstration("cqrs")
    out = result.stdout
    assert "GET /orders/o-1 at once     -> 404" in out
    assert re.search(r"GET /orders/o-1 after poll  -> 200 version 1", out)
    assert "cancel at version 1 (stale) -> 409" in out
    assert "ship a cancelled order      -> 422; ship an unknown order -> 404" in out
    assert re.search(r"conditional put\s+statuses \[(200, 409|409, 200)\]; events stored 2 .*: 0 lost", out)
    assert re.search(r"seed 000's plain put\s+statuses \[200, 200\]; events stored 2 .*: 1 lost", out)
    lags = re.findall(
        r"batch\s+(\d+), window (\d\.\d) s: p50 (\d+\.\d+) s, max (\d+\.\d+) s, (\d+) invocations?", out
    )
    assert len(lags) == 9
    by = {(int(b), float(w)): (float(p), float(m), int(n)) for b, w, p, m, n in lags}
    assert by[(1, 0.0)][2] == 30  # one record per invocation
    assert by[(100, 2.0)][2] == 1  # 30 orders in 1.45 s all wait for the 2 s window: one batch
    assert by[(100, 2.0)][1] >= 2.0  # ... and the first of them waited the whole window
    assert all(by[(100, 2.0)][2] <= by[(100, w)][2] for w in (0.0, 1.0))
    assert re.search(r"rebuild search\s+\d+ events .* matches: True", out)
    assert re.search(r"add customer stats\s+\d+ events .* matches: True", out)
    counted = re.search(r"guarded counts orders (\d+), seed 001's ADD counts (\d+)", out)
    assert counted
    assert int(counted[2]) == 2 * int(counted[1])
    snapshot = re.findall(r"300 events, (events only|with snapshots)\s+(\d+) requests,\s+(\d+) items", out)
    assert {kind: int(items) for kind, _, items in snapshot} == {
        "events only": 300,
        "with snapshots": 1,
    }
