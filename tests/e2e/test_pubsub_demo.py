"""``python -m patterns.pubsub`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_pubsub_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("pubsub")
    out = result.stdout
    assert "OrderShipped o-1001 FR 42.50 standard   -        -             -             yes" in out
    assert "publisher calls before: 6, after: 6, identical: True" in out
    assert "loyalty received 0 before subscribing, 1 after" in out
    costs = {
        (int(n), int(batch)): float(usd)
        for n, batch, usd in re.findall(
            r"subscribers (\d+), receive batch +(\d+): \$([0-9.]+) per million", out
        )
    }
    assert set(costs) == {(n, b) for n in (1, 2, 4, 8) for b in (1, 10)}
    assert costs[(1, 1)] < costs[(2, 1)] < costs[(4, 1)] < costs[(8, 1)]
    assert all(costs[(n, 10)] < costs[(n, 1)] for n in (1, 2, 4, 8))
    assert "dead-lettered ['o-bad']; lost 0;" in out
    assert re.search(r"Lambda unavailable for 90 s +17 +delivered +1 +receipt sent", out)
    assert re.search(r"the function was deleted +1 +redriven +0 +subscription DLQ \(SNS\)", out)
    assert re.search(r"Lambda unavailable for 30 days +100,016 +redriven", out)
    assert (
        "in group order {'billing': True, 'shipping': True}; duplicates {'billing': 0, 'shipping': 0}" in out
    )
    assert "2 copies of one body (AWS: 1)" in out
    assert "explicit deduplication ids: 1 copy (AWS: 1)" in out
