"""``python -m patterns.deploy_test`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_deploy_test_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("deploy_test")
    assert "Traceback" not in result.stderr, result.stderr
    assert "UserWarning" not in result.stderr, result.stderr
    out = result.stdout
    assert (
        "moto's CloudFormation skipped 2 type(s) silently: AWS::CloudWatch::Alarm, AWS::Lambda::Alias" in out
    )
    assert "missing after the lab filled the gaps: 0" in out
    assert "refers to 'LambdaRole', which it does not declare" in out
    assert re.search(r"stale update \(old ETag\) +PUT /items/\{id\} +-> 412", out)
    split = re.search(r"2000 invocations: version 1 (\d+), version 2 (\d+)", out)
    assert split
    assert int(split[1]) + int(split[2]) == 2000
    assert re.search(r"faulty canary \(25% failing\): roll back at minute \d", out)
    assert re.search(r"healthy canary \(0% failing\): promote at minute 5", out)
    assert (
        len(re.findall(r"^   (unit|integration|endpoint|e2e) +\d+ tests, mean [0-9.]+ s per test", out, re.M))
        == 4
    )
