"""secrets-config against a moto server: caching counts, rotation and its fix, stage settings all run."""

import re

import pytest

from tests.endpoint.conftest import assert_skipped, run_demonstration

pytestmark = pytest.mark.endpoint


def test_secrets_config_runs_whole_against_a_moto_server(moto_server):
    result = run_demonstration("secrets_config", moto_server)
    assert re.search(r"Powertools max_age +300 +150 +6 +6 +40,000 +0\.2000 ", result.stdout)
    assert re.search(r"max_age \+ refresh on refusal +0 of 96 refused", result.stdout)
    assert "prod  table=orders-prod timeout_ms=800" in result.stdout
    assert_skipped(result)
