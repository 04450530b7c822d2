"""``python -m patterns.fan_out`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_fan_out_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("fan_out")
    out = result.stdout
    assert "Durations are modelled, not measured" in out
    assert len(re.findall(r"COMPLETE 10/10 chunks done; 200 records", out)) == 4
    assert len(re.findall(r"duplicates refused 3;", out)) == 2
    assert len(re.findall(r"PARTIAL  9/10 chunks done, failed chunks \[3\]; 180 records", out)) == 2
    seed = re.findall(r"seed 001: count pending, publish at 0 .* (\d+)\n", out)
    ours = re.findall(r"atomic counter \+ done marker .* (\d+)\n", out)
    assert seed == ["2", "2", "2"]
    assert ours == ["1"] * 6
    speedups = [float(x) for x in re.findall(r"speed-up +([0-9.]+)x, \$", out)]
    assert len(speedups) == 10  # nine of the sweep, and its best
    assert max(speedups) > 1
    assert "10 chunks: 12 state transitions counted" in out
    assert "100 chunks (10,000 records in chunks of 100): 102 state transitions counted" in out
    assert "50,000 records: serial 1000.1 s (Lambda's timeout is 900 s)" in out
