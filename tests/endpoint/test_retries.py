"""The retries demonstration against a moto server: the simulation, the error classes, botocore's modes,
Lambda's async retries, SQS redrive, the Kinesis mapping and the amplification run on the server; the
EventBridge target's retries (a push to a local function) and the Step Functions Retry on a Lambda task
are skipped with one line each."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import MotoEndpoint, assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_retries_runs_against_a_moto_server(moto_server: MotoEndpoint) -> None:
    result = run_demonstration("retries", moto_server)
    out = result.stdout
    assert "no jitter needs the most calls" in out
    assert "400 ValidationException  no       1" in out
    assert "approximateInvokeCount 3" in out
    assert "DLQ (1 message)" in out
    assert "on-failure destination (1 record)" in out
    assert "invocations layer-1 3, layer-2 9, layer-3 27 (total 39)" in out
    assert "EventBridge rule target" not in out
    assert out.count("skipped: ") == 2
    assert_skipped(result, Capability.PUSH_DELIVERIES, Capability.STATE_MACHINE_LAMBDA_TASKS)
