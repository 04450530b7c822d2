"""Every pattern's demonstration runs as `python -m patterns.<package>` and exits 0."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_faas_demonstration_runs_and_reports_what_it_measured():
    result = subprocess.run(
        [sys.executable, "-m", "patterns.faas"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "new user           -> 201" in result.stdout
    assert "same email again   -> 409" in result.stdout
    assert "conditional-write  accepted per trial [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]" in result.stdout
    assert "single-purpose" in result.stdout
