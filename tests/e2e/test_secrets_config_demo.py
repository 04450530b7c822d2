"""``python -m patterns.secrets_config`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_secrets_config_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("secrets_config")
    out = result.stdout
    assert re.search(r"fetch every invocation +- +150 +150 +150 +1,000,000 +5\.0000 ", out)
    assert re.search(r"Powertools max_age +300 +150 +6 +6 +40,000 +0\.2000 ", out)
    assert "the secret itself: $0.40 per month" in out
    assert re.search(r"fetch every invocation +0 of 96 refused", out)
    assert re.search(r"lru_cache \(seed 000\) +\d+ of 96 refused", out)
    assert re.search(r"max_age \+ refresh on refusal +0 of 96 refused, .* 3 refreshes", out)
    assert "['AWSCURRENT']" in out
    assert "['AWSPREVIOUS']" in out
    assert "dev   table=orders-dev timeout_ms=3000" in out
    assert "prod  table=orders-prod timeout_ms=800" in out
    assert re.search(r"hard_coded_handler\.py\.txt: [1-9]\d* finding\(s\)", out)
    assert "fixed_handler.py.txt: 0 finding(s): nothing" in out
    assert "Traceback" not in result.stderr
