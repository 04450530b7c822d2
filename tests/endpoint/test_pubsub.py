"""The pub/sub demonstration against a moto server: the topic, its SQS subscribers, the late subscriber,
costs, the warehouse's DLQ and the FIFO topic run on the server; SNS's pushes to a local Lambda function
are skipped with one line."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import MotoEndpoint, assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_pubsub_runs_against_a_moto_server(moto_server: MotoEndpoint) -> None:
    result = run_demonstration("pubsub", moto_server)
    out = result.stdout
    assert "OrderPlaced o-1003 DE 2,500.00 gold     yes      yes           yes           yes" in out
    assert "publisher calls before: 6, after: 6, identical: True" in out
    assert "loyalty received 0 before subscribing, 1 after" in out
    assert "subscribers 8, receive batch 10:" in out
    assert "dead-lettered ['o-bad']; lost 0;" in out
    assert "in group order {'billing': True, 'shipping': True}" in out
    assert "explicit deduplication ids: 1 copy (AWS: 1)" in out
    assert "sns_attempts" not in out
    assert out.count("skipped: ") == 1
    assert_skipped(result, Capability.PUSH_DELIVERIES)
