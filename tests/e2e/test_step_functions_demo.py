"""`python -m patterns.step_functions` runs the order workflow's demonstration and exits 0."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_step_functions_demonstration_runs_and_reports_what_it_measured():
    result = subprocess.run(
        [sys.executable, "-m", "patterns.step_functions"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "happy path           SUCCEEDED" in out
    assert "gateway down         FAILED     PaymentUnavailable" in out
    assert "out of stock: ValidateOrder > CheckInventory > NotifyRejection > OrderRejected" in out
    assert "formula waits (s):          [2.0, 4.0, 6.0]" in out
    assert "handler start gaps (s):     [2.0, 4.0, 6.0]" in out
    assert "Standard vs Express" in out
    assert "state machine vs a Lambda orchestrator" in out
