"""``python -m patterns.circuit_breaker`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_circuit_breaker_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("circuit_breaker")
    out = result.stdout
    dead = {
        name: int(count)
        for name, count in re.findall(
            r"^ +(no breaker|per-environment breaker|shared breaker \(DynamoDB\)|Powertools circuit_breaker)"
            r" +(\d+) ",
            out,
            re.MULTILINE,
        )
    }
    assert dead["no breaker"] == 120  # every request of the 60 s outage, one every 0.5 s
    assert dead["shared breaker (DynamoDB)"] < dead["per-environment breaker"] < dead["no breaker"]
    assert dead["Powertools circuit_breaker"] < dead["no breaker"]
    assert re.search(
        r"6 concurrent requests .*: 1 probe, 5 fallbacks, 1 call to the provider, breaker now open", out
    )
    assert "aws-lambda-powertools 3." in out
    assert "circuit breaker utility present" in out
