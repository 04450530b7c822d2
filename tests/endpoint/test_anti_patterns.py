"""anti-patterns against a moto server: all but the recursive loop, which needs S3's push deliveries."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_anti_patterns_runs_against_a_moto_server(moto_server):
    result = run_demonstration("anti_patterns", moto_server)
    assert (
        "memory answered 5 (each environment counts its own: [5, 5, 5, 5]); DynamoDB answered 20"
        in result.stdout
    )
    assert "invoke: 3 invocations" in result.stdout
    assert "thumbnail-in-place" not in result.stdout
    assert_skipped(result, Capability.PUSH_DELIVERIES)
