"""choreography against a moto server: the synchronous chain, duplicates and contracts run; the
composition by events needs push deliveries (EventBridge to local Lambda functions) and says so."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_choreography_runs_the_synchronous_chain_against_a_moto_server(moto_server):
    result = run_demonstration("choreography", moto_server)
    out = result.stdout
    assert_skipped(result, Capability.PUSH_DELIVERIES)
    lines = out.splitlines()
    invoke_rows = [line for line in lines if line.strip().startswith("invoke ")]
    assert invoke_rows, out
    assert not [line for line in lines if line.strip().startswith("events ")], out
    assert any(" payment  502 " in line for line in invoke_rows), out
    assert "waiting for a callee" in out
    # seed 001's fulfil sends two emails for one duplicated event; the fix sends one
    assert 'fulfil       2           no          ["fulfilled", "fulfilled"]' in out
    assert 'fulfil_once  2           no          ["duplicate", "fulfilled"]' in out
    assert "breaking: required field 'order_id' was removed (or renamed)" in out
