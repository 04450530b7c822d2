"""``python -m patterns.retries`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_retries_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("retries")
    out = result.stdout
    calls = {
        name: float(total.replace(",", ""))
        for name, total in re.findall(
            r"^(no jitter|full jitter|equal jitter|decorrelated jitter) +([\d,]+)", out, re.M
        )
    }
    assert len(calls) == 4
    assert calls["no jitter"] > max(v for k, v in calls.items() if k != "no jitter")
    assert re.search(r"no jitter needs the most calls +same", out)
    assert re.search(r"400 ValidationException +no +1 +raised ValidationException at once", out)
    assert re.search(r"dynamodb +legacy +throttled every time +10 +ThrottlingException", out)
    assert re.search(r"sqs +standard +throttled every time +3 +ThrottlingException", out)
    assert re.search(r"Lambda async invoke .* 3 +on-failure destination \(approximateInvokeCount 3\)", out)
    assert re.search(r"Step Functions Task .* 4 +execution FAILED", out)
    assert "invocations layer-1 3, layer-2 9, layer-3 27 (total 39)" in out
    assert "invocations layer-1 3, layer-2 3, layer-3 3 (total 9)" in out
    assert "skipped: " not in out
