"""step_functions against a moto server: the machine is created; executions need Lambda tasks."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_step_functions_creates_its_machine_and_skips_executions(moto_server):
    result = run_demonstration("step_functions", moto_server)
    assert "state machine order-workflow (STANDARD) created: 12 states" in result.stdout
    assert "ChargePayment's retry waits by the ASL formula (s): [2.0, 4.0, 6.0]" in result.stdout
    assert_skipped(result, Capability.STATE_MACHINE_LAMBDA_TASKS)
