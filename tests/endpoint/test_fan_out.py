"""fan_out against a moto server: the lab's SQS pollers and async invokes run the jobs whole; only the
Map state's Lambda tasks (moto's own Step Functions interpreter) cannot reach the local runtime."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_fan_out_runs_against_a_moto_server(moto_server):
    result = run_demonstration("fan_out", moto_server)
    out = result.stdout
    assert out.count("COMPLETE 10/10 chunks done; 200 records") == 4
    assert out.count("duplicates refused 3;") == 2
    assert out.count("PARTIAL  9/10 chunks done, failed chunks [3]; 180 records") == 2
    assert (
        "atomic counter + done marker           two last finishers together                DynamoDB  1" in out
    )
    assert "speed-up" in out
    assert_skipped(result, Capability.STATE_MACHINE_LAMBDA_TASKS)
