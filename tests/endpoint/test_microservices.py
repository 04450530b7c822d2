"""microservices against a moto server: EventBridge delivers to the consumers' SQS queues inside the
server, the lab polls them and fires Scheduler's schedules; nothing is skipped."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_microservices_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("microservices", moto_server)
    out = result.stdout
    assert "orders: read it back             GET /orders/{order}" in out
    assert "-> 200  status CONFIRMED" in out
    assert "accepted 15/15 orders while down" in out
    assert "dead-lettered 0; lost 0" in out
    assert "shared design: order before 201, after 500" in out
    assert "follow-up email sent   259,200 s after registration" in out
    assert_skipped(result)
