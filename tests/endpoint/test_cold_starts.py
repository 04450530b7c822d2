"""cold_starts against a moto server: every variant's handler writes to the endpoint."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_cold_starts_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("cold_starts", moto_server)
    assert "provisioned 10" in result.stdout
    assert_skipped(result)
