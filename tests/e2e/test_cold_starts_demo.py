"""``python -m patterns.cold_starts`` end to end: it measures, reports and simulates, and exits 0."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_the_demonstration_prints_measured_published_and_simulated_figures():
    completed = demonstration("cold_starts", "--repetitions", "1", "--warm", "5", timeout=120)
    out = completed.stdout
    assert "measured on this machine" in out
    for variant in ("narrow imports", "eager imports", "client per call", "large dependency"):
        assert re.search(rf"^   {variant}\s+\d+\.\d", out, re.MULTILINE), f"no measured row for {variant}"
    assert "eager imports vs narrow imports: cold start +" in out  # matplotlib at module top costs
    assert "Published figures" in out
    assert "mikhail.io" in out
    cold, *warm = re.findall(r"^   (cold|warm): REPORT RequestId: \S+\tDuration: .*$", out, re.MULTILINE)
    assert cold == "cold"
    assert warm == ["warm"] * 3
    assert re.search(r"cold: REPORT .*Init Duration: \d+\.\d+ ms", out)
    burst = out[out.index("keep-warm ping against a burst of 10") :]
    assert re.search(r"warmer every 5 min x1\s+10\s+9\s", burst), burst  # one ping warms one of ten
    assert re.search(r"warmer every 5 min x10\s+10\s+0\s", burst), burst
