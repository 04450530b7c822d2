"""The state demonstration runs as ``python -m patterns.state`` and reports what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("postgres")]


def test_state_demonstration_shows_stale_reads_wrong_counts_and_pooled_connections():
    result = demonstration("state", timeout=240)
    out = result.stdout
    assert "31 min: expired True  in table True  filtering -> 404, trusting TTL -> 200" in out
    assert "in memory the last answer was 15 (per environment [15, 15, 15, 15]); DynamoDB answered 60" in out
    assert "seeds' in-memory set  -> 2 charge(s)" in out
    assert "conditional write     -> 1 charge(s)" in out
    pooled = re.search(r"pooler\s+ok (\d+)/40, refused\s+(\d+).*server's peak (\d+)\)", out)
    assert pooled, out
    assert (int(pooled[1]), int(pooled[2])) == (40, 0)
    assert int(pooled[3]) <= 3  # the pool's size: 10 clients, at most 3 server connections
    kept = re.search(r"reuse per environment\s+ok (\d+)/40, refused\s+(\d+).*server's peak (\d+)\)", out)
    assert kept, out
    assert int(kept[3]) <= 5
    assert int(kept[1]) + int(kept[2]) == 40
