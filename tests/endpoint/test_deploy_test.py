"""deploy-test against a moto server: the stack, its checks, the canary and the pyramid all run (the lab
routes the alias itself, so nothing is skipped)."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_deploy_test_runs_against_a_moto_server(moto_server):
    result = run_demonstration("deploy_test", moto_server)
    out = result.stdout
    assert_skipped(result)
    assert "missing after the lab filled the gaps: 0" in out
    assert "-> 412" in out
    assert "roll back at minute" in out
