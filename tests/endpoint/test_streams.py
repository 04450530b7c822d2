"""streams against a moto server: the lab polls Kinesis and DynamoDB Streams itself, so all of it runs."""

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_streams_runs_against_a_moto_server(moto_server):
    result = run_demonstration("streams", moto_server)
    out = result.stdout
    assert "applied 30, duplicates 0, order violations 0;" in out
    assert "checkpoint    20      evt-00009         20       25          5           0" in out
    assert "BisectBatchOnFunctionError, MaximumRetryAttempts=2  39       0        1          0" in out
    assert "(INSERT 5, MODIFY 15, REMOVE 1), 21 changes applied, order violations per item 0" in out
    assert_skipped(result)
