"""api_crud against a moto server: the functions' DynamoDB clients go to the endpoint, nothing skipped."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_api_crud_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("api_crud", moto_server)
    assert "same status for every request: True" in result.stdout
    assert "stale update (old ETag)     PUT /items/{id}        -> 412" in result.stdout
    assert_skipped(result)
