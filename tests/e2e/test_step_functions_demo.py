"""`python -m patterns.step_functions` runs the order workflow's demonstration and exits 0."""

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_step_functions_demonstration_runs_and_reports_what_it_measured():
    result = demonstration("step_functions")
    out = result.stdout
    assert "happy path           SUCCEEDED" in out
    assert "gateway down         FAILED     PaymentUnavailable" in out
    assert "out of stock: ValidateOrder > CheckInventory > NotifyRejection > OrderRejected" in out
    assert "formula waits (s):          [2.0, 4.0, 6.0]" in out
    assert "handler start gaps (s):     [2.0, 4.0, 6.0]" in out
    assert "Standard vs Express" in out
    assert "state machine vs a Lambda orchestrator" in out
