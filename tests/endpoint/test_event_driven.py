"""The event-driven demonstration against a moto server: routing through SQS targets, seed 000's flow;
the pushes to local Lambda functions (S3, SNS, EventBridge) are skipped with one line each."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import MotoEndpoint, assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_event_driven_runs_against_a_moto_server(moto_server: MotoEndpoint) -> None:
    result = run_demonstration("event_driven", moto_server)
    out = result.stdout
    assert "consumers via sqs" in out
    assert "8 events put, 19 deliveries" in out
    assert "order ids idempotency-key: orders stored 1, messages sent 6, 3 in the FIFO queue" in out
    assert "Who did what" not in out
    assert out.count("skipped: ") == 2
    assert_skipped(result, Capability.PUSH_DELIVERIES)
