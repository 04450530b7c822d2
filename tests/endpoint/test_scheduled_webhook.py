"""scheduled_webhook against a moto server: Scheduler, DynamoDB and SQS on the endpoint, nothing skipped."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_scheduled_webhook_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("scheduled_webhook", moto_server)
    assert "attacks refused: 7 of 7; events processed: 1" in result.stdout
    assert "local days without a fire: Sun 29 Mar" in result.stdout
    assert "delivered 20 of 20" in result.stdout
    assert_skipped(result)
