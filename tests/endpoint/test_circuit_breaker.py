"""circuit_breaker against a moto server: the shared breaker's conditional writes and probe race run there."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_circuit_breaker_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("circuit_breaker", moto_server)
    assert "shared breaker (DynamoDB)" in result.stdout
    assert "1 probe, 5 fallbacks, 1 call to the provider, breaker now open" in result.stdout
    assert_skipped(result)
