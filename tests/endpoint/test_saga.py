"""saga against a moto server: the orchestrated saga runs; the choreographed one needs push deliveries."""

import pytest

from patterns.lab.capabilities import Capability
from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_saga_orchestrates_against_a_moto_server_and_skips_choreography(moto_server):
    result = run_demonstration("saga", moto_server)
    assert "Invariants: 15 runs" in result.stdout
    assert ", 0 runs violated them" in result.stdout
    assert "payment record now REFUNDED" in result.stdout
    assert_skipped(result, Capability.PUSH_DELIVERIES)
