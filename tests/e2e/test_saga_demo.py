"""The saga demonstration runs as ``python -m patterns.saga``, exits 0 and reports what it measured."""

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_saga_demonstration_checks_every_failure_point_and_compares_the_styles():
    result = demonstration("saga")
    out = result.stdout
    for step in range(1, 5):
        for kind in ("error", "timeout", "crash"):
            assert f"step {step} {kind}" in out
    assert (
        "step 4 error                       COMPENSATED compensations: send_cancellation -> cancel_shipment"
        in out
    )
    assert "step 3 error + refund_payment fails PARKED" in out
    assert "steps the resumed run performed anew: ['send_confirmation']" in out
    assert "1 record(s) on the parking queue" in out
    assert "seeds: completed steps only        COMPENSATED compensations: release_inventory; VIOLATED" in out
    assert (
        "ours: started steps too            COMPENSATED compensations: refund_payment -> release_inventory"
        in out
    )
    assert "release_inventory; invariants hold" in out
    assert "payment record now REFUNDED" in out
    assert "0 runs violated them" in out
    assert "choreography  step 4 error     COMPENSATED" in out
