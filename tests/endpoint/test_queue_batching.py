"""queue_batching against a moto server: the lab's SQS poller reads the server's queues."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_queue_batching_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("queue_batching", moto_server)
    assert "Seed 002's memory table" in result.stdout
    assert_skipped(result)
