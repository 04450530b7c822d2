"""``python -m patterns.queue_batching`` runs the demonstration against moto and prints what it counted."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_queue_batching_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("queue_batching")
    out = result.stdout
    costs = {
        int(batch): float(usd)
        for batch, usd in re.findall(r"batch +(\d+): \$([0-9.]+) per million messages", out)
    }
    assert set(costs) == {1, 3, 10, 50}
    assert costs[1] > costs[3] > costs[10] > costs[50]
    assert "whole batch fails" in out
    assert "batchItemFailures" in out
    assert len(re.findall(r"lost 0;", out)) == 2
    assert "window 5 s: mean batch 10.0" in out
    assert "128 MB, 1000 ms: seed $0.0021" in out
