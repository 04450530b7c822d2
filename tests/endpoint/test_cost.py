"""cost against a moto server: tuning, caps and the bill run; pattern 06's events lever needs push
deliveries (EventBridge to local Lambda functions) and says so."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_cost_runs_against_a_moto_server(moto_server):
    result = run_demonstration("cost", moto_server)
    out = result.stdout
    assert_skipped(result, Capability.PUSH_DELIVERIES)
    assert "[09 queue-batching]" in out
    assert "[02 api-crud]" in out
    assert "[21 secrets-config]" in out
    assert "[06 choreography]" not in out
    assert "reserved 0: 3/3 invocations throttled, 0 billed" in out
