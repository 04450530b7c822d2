"""state against a moto server: the functions' DynamoDB clients go to the endpoint, nothing skipped."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = [pytest.mark.endpoint, pytest.mark.xdist_group("postgres")]


def test_state_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("state", moto_server)
    assert "trusting TTL -> 200" in result.stdout
    assert "DynamoDB answered 60 and holds 60" in result.stdout
    assert_skipped(result)
