"""``python -m patterns.streams`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_streams_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("streams")
    out = result.stdout
    assert "modelled, not measured" in out
    assert "applied 30, duplicates 0, order violations 0;" in out
    assert re.search(r"checkpoint +20 +evt-00009 +20 +25 +5 +0\n", out)
    assert re.search(r"TRIM_HORIZON +20 +evt-00009 +20 +35 +15 +0\n", out)
    assert re.search(r"LATEST +20 +evt-00009 +15 +15 +0 +5\n", out)
    assert re.search(r"defaults: retry until the record expires +14 +30 +0 +0 ", out)
    assert re.search(r"BisectBatchOnFunctionError, MaximumRetryAttempts=2 +39 +0 +1 +0 ", out)
    windows = re.findall(r"(\d+) orders counted of (\d+) produced, (\d+) cents of (\d+)", out)
    assert len(windows) >= 2
    assert all(a == b and c == d for a, b, c, d in windows)
    assert (
        len(re.findall(r"^   (?:1|10|100) +[124] +[124] +[0-9.]+ +[0-9.]+ +\d+ +0 ", out, re.MULTILINE)) == 6
    )
    assert re.search(r"5,000 +1,000 +4\.768 +5 ", out), "5,000 records/s of 1 KB need 5 shards"
    assert "(INSERT 5, MODIFY 15, REMOVE 1), 21 changes applied, order violations per item 0" in out
