"""cqrs against a moto server: DynamoDB Streams from the server drive the lab's projector."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_cqrs_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("cqrs", moto_server)
    assert "GET /orders/o-1 after poll  -> 200 version 1" in result.stdout
    assert "matches: True" in result.stdout
    assert_skipped(result)
