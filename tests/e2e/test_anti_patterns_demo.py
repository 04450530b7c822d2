"""The anti-patterns demonstration runs as ``python -m patterns.anti_patterns``, reporting its figures."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_anti_patterns_demonstration_shows_each_failing_then_fixed():
    result = demonstration("anti_patterns", timeout=240)
    out = result.stdout
    assert (
        "stopped at 900 s after 44,994 of 60,000 records, 3 attempts: 134,982 records processed and lost"
        in out
    )
    assert "a real queued run (pattern 08): 100 of 100 records" in out
    waiting = re.search(r"invoke: 3 invocations, \d+ ms billed, of which (\d+) ms callers waiting", out)
    assert waiting, out
    assert int(waiting[1]) > 0, out
    assert "memory answered 5 (each environment counts its own: [5, 5, 5, 5]); DynamoDB answered 20" in out
    assert re.search(r"hard_coded_handler\.py\.txt: [1-9]\d* finding", out), out
    assert "fixed_handler.py.txt: 0 finding(s)" in out
    assert "multi-purpose      get:  15 requests at 1024 MB" in out
    assert (
        "thumbnail-in-place (Terminate), 1 upload(s): 16 invocations, 1 stopped (recursive loop detected)"
        in out
    )
    assert "thumbnail-in-place (Allow), 1 upload(s): 80 invocations, 1 stopped (lab safety cap)" in out
    assert "thumbnail-to-output (Terminate), 3 upload(s): 3 invocations," in out
    assert "Traceback" not in result.stderr
