"""The cost pattern against moto: real deployments at each memory size, the emergency brake, and the
"save 70%" levers measured by the other patterns' code."""

from __future__ import annotations

import pytest

from patterns.cost.claim import compounded_percent, levers
from patterns.cost.demo import throttle_with_zero_reserved
from patterns.cost.exceptions import TuningError
from patterns.cost.service import tuning_point
from patterns.cost.tuning import CPU_BOUND, IO_BOUND, deploy_handlers, power_tune
from patterns.lab.sandbox import Sandbox

pytestmark = pytest.mark.integration

SIZES = (128, 1769, 3008)


def test_every_size_is_a_real_deployment_and_every_invocation_is_reported(sandbox: Sandbox) -> None:
    events = deploy_handlers(sandbox)
    before = len(sandbox.lambdas.reports)
    cpu = power_tune(sandbox, CPU_BOUND, events[CPU_BOUND], memory_sizes=SIZES, invocations=3)
    io = power_tune(sandbox, IO_BOUND, events[IO_BOUND], memory_sizes=SIZES, invocations=3)
    reports = sandbox.lambdas.reports[before:]
    assert len(reports) == cpu.reports + io.reports == 2 * len(SIZES) * 3
    for function in (CPU_BOUND, IO_BOUND):
        sizes = [r.memory_mb for r in reports if r.function_name == function]
        assert sizes == [size for size in SIZES for _ in range(3)]
    # the CPU-bound handler measured CPU and no I/O; the I/O-bound one waited on DynamoDB
    assert all(s.cpu_ms > 0 and s.io_ms == 0 for samples in cpu.samples.values() for s in samples)
    assert all(s.io_ms > 0 for samples in io.samples.values() for s in samples)
    for run in (cpu, io):
        for arch in ("x86_64", "arm64"):
            expected = [tuning_point(m, run.samples[m], architecture=arch) for m in SIZES]
            assert list(run.points[arch]) == expected
    # arm64 is priced lower for the same modelled duration
    assert all(a.cost_usd < x.cost_usd for a, x in zip(io.points["arm64"], io.points["x86_64"], strict=True))


def test_the_io_handler_reads_what_the_table_holds(sandbox: Sandbox) -> None:
    events = deploy_handlers(sandbox, items=8)
    result = sandbox.lambdas.invoke(IO_BOUND, {"keys": [*events[IO_BOUND]["keys"], "missing"]})
    assert result.ok
    assert result.payload["items"] == 5


def test_a_failing_handler_stops_the_tuning_with_a_clear_error(sandbox: Sandbox) -> None:
    deploy_handlers(sandbox)
    with pytest.raises(TuningError, match="at 128 MB"):
        power_tune(sandbox, CPU_BOUND, {"rounds": 0}, memory_sizes=(128,), invocations=1)


def test_reserved_concurrency_zero_throttles_everything_and_bills_nothing(sandbox: Sandbox) -> None:
    deploy_handlers(sandbox)
    brake = throttle_with_zero_reserved(sandbox, attempts=4)
    assert (brake.attempted, brake.throttled, brake.billed_reports) == (4, 4, 0)
    assert sandbox.lambdas.invoke(CPU_BOUND, {"rounds": 1}).ok  # the brake is released afterwards


def test_the_levers_come_from_the_patterns_that_measure_them(sandbox: Sandbox) -> None:
    events = deploy_handlers(sandbox)
    io = power_tune(sandbox, IO_BOUND, events[IO_BOUND], memory_sizes=(128, 1024), invocations=3)
    found = {lever.pattern: lever for lever in levers(sandbox, io, messages=10, secrets_s=40.0)}
    assert set(found) == {
        "09 queue-batching",
        "22 cost",
        "02 api-crud",
        "21 secrets-config",
        "06 choreography",
    }
    assert found["09 queue-batching"].saving_percent > 0
    assert found["02 api-crud"].saving_percent > 0
    assert found["21 secrets-config"].saving_percent > 0
    assert 0 < compounded_percent(list(found.values())) < 100
