"""idempotency against a moto server: conditional writes, the race gate and the crashes all run there."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_idempotency_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("idempotency", moto_server)
    assert "hand-built        answers {'200': 1, '409': 7}, charges 1" in result.stdout
    assert "cache (seed 003)  answers {'200': 8}, charges 8" in result.stdout
    assert_skipped(result)
