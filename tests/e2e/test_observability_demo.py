"""``python -m patterns.observability`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_observability_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("observability")
    out = result.stdout
    for function, message in (
        ("place-order", "order placed"),
        ("charge-payment", "payment charged"),
        ("ship-order", "order shipped"),
    ):
        assert re.search(
            rf"^{function} +INFO +{message} +request \w{{8}}  correlation_id corr-first-order$", out, re.M
        )
    assert "lab query: 3 lines in 3 functions; CloudWatch FilterLogEvents on the id: 3 events" in out
    cold = re.search(r"trace of the cold order: ([\d,.]+) ms end to end: queue wait 2,000.0 ms", out)
    warm = re.search(
        r"trace of the warm order: [\d,.]+ ms end to end: queue wait 2,000.0 ms .* init 0.0 ms", out
    )
    assert cold
    assert warm
    assert re.search(r"^4 +4 +2 +2 +2 +OK$", out, re.M)
    assert "alarm payments-declined in ALARM after minutes [5, 6, 7] (trouble in minutes 4-6)" in out
    assert "DescribeAlarms now says OK" in out
    levels = {
        level: float(total.replace(",", ""))
        for level, total in re.findall(r"^(DEBUG|INFO|WARNING) +[\d.]+ +([\d,]+) ", out, re.M)
    }
    assert levels["DEBUG"] > levels["INFO"] > levels["WARNING"]
    assert re.search(r"debug sample rate 0.5: \d+ of 24 invocations logged DEBUG", out)
    assert "Logs ingestion $0.50 per GB" in out
    assert "skipped: " not in out
