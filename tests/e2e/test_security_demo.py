"""``python -m patterns.security`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_security_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("security")
    out = result.stdout
    assert "bad tokens refused: 9 of 9; a verifier trusting the header accepts 4" in out
    for kind in (
        "alg none",
        "HS256 with the public key",
        "tampered payload",
        "missing kid",
        "wrong audience",
    ):
        assert re.search(rf"{re.escape(kind)} +401 ", out), kind
    assert re.search(r"method-arn, TTL 300 s: .*\n +wrong 3 \(denied 3, allowed 0\), authorizer runs 2", out)
    assert re.search(r"route-decided, TTL 300 s: .*reader POST /items 201!", out)
    assert re.search(
        r"scopes, TTL 300 s: .*\n +wrong 0 \(denied 0, allowed 0\), authorizer runs 2, cache hits 4", out
    )
    assert re.search(r"method-arn, TTL 0 s: .*\n .*authorizer runs 6, cache hits 0", out)
    assert re.search(r"route-decided, keyed by route, TTL 300 s: .*\n +wrong 0 .*runs 6, cache hits 0", out)
    assert re.search(r"text/plain body +415", out)
    assert re.search(r"a 20 KiB body +413", out)
    assert "Allow-Headers: Authorization,Content-Type" in out
    assert re.search(r"create +\d+ +s3:PutObject sqs:SendMessage +2 +11 +19", out)
    assert re.search(r"generated \(create\) +0: none", out)
    statuses = "{'POST /items': 201, 'GET /items/{id}': 200, 'GET /items': 200}"
    assert f"with each function's generated policy: {statuses}" in out
    assert "status 502, AccessDenied on PutObject; the lab's evaluator says implicit deny" in out
