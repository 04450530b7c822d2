"""The choreography demonstration runs as ``python -m patterns.choreography``, exits 0 and prints what it
measured: both compositions, failures, added steps, duplicates and the breaking change."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_choreography_demonstration_measures_both_compositions():
    result = demonstration("choreography")
    out = result.stdout
    assert "skipped" not in out
    assert re.search(r"^  events\s+3\s+-\s+202\s", out, re.MULTILINE)
    assert re.search(r"^  invoke\s+3\s+-\s+201\s", out, re.MULTILINE)
    waiting = re.search(r"invoke: ([\d.]+) ms of ([\d.]+) billed ms were spent waiting", out)
    assert waiting
    assert 0 < float(waiting.group(1)) < float(waiting.group(2))
    assert "events: 0.0 ms of" in out
    assert "trail of corr-" in out
    assert "OrderValidated -> PaymentProcessed -> OrderFulfilled" in out
    assert re.search(r"events: 3 of 3 tables hold a record tagged corr-", out)
    assert re.search(r"^  invoke\s+3\s+payment\s+502\s", out, re.MULTILINE)
    assert re.search(r"^  events\s+3\s+payment\s+202\s", out, re.MULTILINE)
    for steps in range(3, 8):
        assert re.search(rf"^  invoke\s+{steps}\s+-\s+201\s", out, re.MULTILINE)
    assert "invoke: adding fraud-check changes ['function:validate'] and adds ['function:fraud-check']" in out
    assert "events: adding fraud-check changes ['rule:payment'] and adds ['rule:fraud-check']" in out
    assert re.search(r'fulfil\s+2\s+no\s+\["fulfilled", "fulfilled"\]\s+2\s+1', out)
    assert re.search(r'fulfil_once\s+2\s+no\s+\["duplicate", "fulfilled"\]\s+1\s+1', out)
    assert re.search(r"fulfil_once\s+8\s+yes\s+\[.*\]\s+1\s+1", out)
    assert "breaking: required field 'order_id' was removed (or renamed)" in out
    assert re.search(r'no\s+1\s+\[\]\s+3\s+\["KeyError"\]\s+0\s+\["v2n-fulfil"\]', out)
    assert re.search(r'yes\s+3\s+\["ContractViolationError"\]\s+0\s+\[\]\s+0\s+\["v2c-payment"\]', out)
