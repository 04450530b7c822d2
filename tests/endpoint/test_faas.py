"""faas against a moto server: handlers' own clients go to the endpoint, nothing is skipped."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_faas_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("faas", moto_server)
    assert "new user           -> 201" in result.stdout  # the handler's DynamoDB client reached the server
    assert "same email again   -> 409" in result.stdout
    assert "single-purpose" in result.stdout
    assert_skipped(result)
