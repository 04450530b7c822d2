"""``python -m patterns.idempotency`` runs the demonstration against moto and prints what it counted."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_idempotency_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("idempotency")
    out = result.stdout
    assert re.search(r"hand-built +PutItem 1, UpdateItem 1 +PutItem 1 +422 +1 ", out)
    assert re.search(r"powertools +PutItem 1, UpdateItem 1 +PutItem 1 +422 +1 ", out)
    assert re.search(r"cache \(seed 003\) +GetItem 1, PutItem 1 +GetItem 1 +200 +1 ", out)
    assert "hand-built        answers {'200': 1, '409': 7}, charges 1" in out
    assert "powertools        answers {'200': 1, '409': 7}, charges 1" in out
    assert "cache (seed 003)  answers {'200': 8}, charges 8" in out
    crash_rows = re.findall(r"(hand-built|powertools) +([a-z-]+) +crashed +(\d+) +(\d+) +(\d)", out)
    assert len(crash_rows) == 8
    for _, point, at_once, after, charges in crash_rows:
        assert at_once == ("409" if point in ("after-lock", "after-charge") else "200")
        assert (after, charges) == ("200", "2" if point == "after-charge" else "1")
    assert re.search(r"hand-built \d+, Powertools \d+", out)
