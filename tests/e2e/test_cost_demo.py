"""``python -m patterns.cost`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_cost_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("cost")
    out = result.stdout
    assert "1 vCPU at 1,769 MB" in out
    sizes = [int(size) for size in re.findall(r"^ +(\d+) MB +[0-9.]+ ms +billed", out, re.MULTILINE)]
    assert sizes == [128, 256, 512, 1024, 1536, 1769, 2048, 3008] * 2
    assert (
        len(
            re.findall(
                r"measured here [0-9.]+ ms CPU \+ [0-9.]+ ms I/O per invocation \(40 invocations\)", out
            )
        )
        == 2
    )
    assert len(re.findall(r"choice: cost \d+ MB .*, speed \d+ MB .*, balanced \d+ MB", out)) == 2
    assert "cheaper above 60.0% utilisation" in out
    assert "reserved 0: 3/3 invocations throttled, 0 billed" in out
    for pattern in ("09 queue-batching", "22 cost", "02 api-crud", "21 secrets-config", "06 choreography"):
        assert f"[{pattern}]" in out
    assert len(re.findall(r"API: API Gateway \$[0-9.,]+ \+ SQS \$[0-9.,]+ \+ Lambda \$[0-9.,]+ = ", out)) == 4
