"""security against a moto server: the authorizer, the recorded calls, and moto's IAM enforcement switched
on through the server's ``/moto-api/reset-auth``."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_security_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("security", moto_server)
    assert "bad tokens refused: 9 of 9" in result.stdout
    assert "with each function's generated policy: {'POST /items': 201," in result.stdout
    assert "status 502, AccessDenied on PutObject" in result.stdout
    assert_skipped(result)
