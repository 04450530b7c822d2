"""Every pattern's demonstration runs as `python -m patterns.<package>` and exits 0."""

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_faas_demonstration_runs_and_reports_what_it_measured():
    result = demonstration("faas", timeout=120)
    assert "new user           -> 201" in result.stdout
    assert "same email again   -> 409" in result.stdout
    assert "conditional-write  accepted per trial [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]" in result.stdout
    assert "single-purpose" in result.stdout
