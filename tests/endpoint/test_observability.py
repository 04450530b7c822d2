"""The observability demonstration against a moto server: the functions, the SQS pollers, CloudWatch
Logs, the EMF reader's PutMetricData and the alarm all run there; nothing is skipped."""

import pytest

from tests.endpoint.conftest import MotoEndpoint, assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_observability_runs_against_a_moto_server(moto_server: MotoEndpoint) -> None:
    result = run_demonstration("observability", moto_server)
    out = result.stdout
    assert "lab query: 3 lines in 3 functions; CloudWatch FilterLogEvents on the id: 3 events" in out
    assert "alarm payments-declined in ALARM after minutes [5, 6, 7]" in out
    assert "DescribeAlarms now says OK" in out
    assert_skipped(result)
