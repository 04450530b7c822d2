"""``python -m patterns.scheduled_webhook`` runs the demonstration against moto and prints what it counted."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_scheduled_webhook_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("scheduled_webhook")
    out = result.stdout
    assert "Sun 29 Mar 2026  0" in out  # London's missing 01:30 on the virtual clock's calendar
    assert "fires 364 times in 2026" in out
    assert "local days without a fire: Sun 29 Mar" in out
    assert "'duplicate': 1, 'overlap': 2, 'crashed': 1" in out
    assert "attacks refused: 7 of 7; events processed: 1" in out
    assert re.search(r"delivered 20 of 20; attempts: total (\d+)", out)
    total = int(re.search(r"attempts: total (\d+)", out).group(1))  # type: ignore[union-attr]
    assert total > 20  # the outage cost retries
    assert "the processor applied 20 events" in out
    assert "lease 12 h:" in out
    assert "runs that overlapped 1" in out
