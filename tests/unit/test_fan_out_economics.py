"""Unit tests of the fan-out economics: the modelled schedule (speed-up, Amdahl) and the job's usage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.fan_out.economics import WorkModel, job_cost, job_usage, schedule, serial_cost, serial_ms
from patterns.lab import pricing
from patterns.lab.exceptions import ConfigurationError

pytestmark = pytest.mark.unit

WORK = WorkModel()


def test_one_worker_one_chunk_is_the_serial_run_plus_the_split_and_the_aggregation() -> None:
    plan = schedule(100, 100, 1, WORK)
    assert plan.makespan_ms == pytest.approx(WORK.split_ms(1) + WORK.chunk_ms(100) + WORK.aggregate_ms(1))
    assert plan.serial_ms == serial_ms(100, WORK) == WORK.per_chunk_ms + 100 * WORK.per_record_ms
    assert plan.speedup < 1


def test_chunks_wait_for_a_free_worker_and_for_their_message() -> None:
    work = WorkModel(per_record_ms=10, per_chunk_ms=0, split_fixed_ms=0, split_per_chunk_ms=1)
    plan = schedule(40, 10, 2, work)
    starts = [(s.worker, s.start_ms) for s in plan.chunks]
    assert starts == [(0, 1.0), (1, 2.0), (0, 101.0), (1, 102.0)]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3_000), st.integers(1, 500), st.integers(1, 300))
def test_speedup_never_beats_the_workers_and_more_workers_never_slow_a_job(
    records: int, chunk_size: int, workers: int
) -> None:
    plan = schedule(records, chunk_size, workers, WORK)
    assert plan.speedup <= workers + 1e-9
    assert schedule(records, chunk_size, workers + 1, WORK).makespan_ms <= plan.makespan_ms + 1e-9


def test_amdahl_the_serial_parts_cap_the_speedup() -> None:
    records = 10_000
    capped = [schedule(records, 10, n, WORK).speedup for n in (100, 1_000)]
    assert capped[0] == pytest.approx(capped[1])  # 1,000 chunks: the split's sends now set the pace
    tiny = schedule(records, 1, 1_000, WORK).speedup
    assert tiny < schedule(records, 50, 1_000, WORK).speedup  # per-chunk overhead and split dominate


def test_usage_counts_one_invocation_per_chunk_plus_the_splitter() -> None:
    usage = job_usage(200, 20, WORK)
    assert (usage.chunks, usage.invocations, usage.dynamodb_write_units, usage.dynamodb_read_units) == (
        10,
        11,
        22,
        1,
    )
    assert usage.sqs_requests == 1 + 2 * 10
    assert job_usage(200, 20, WORK, via="async").sqs_requests == 0
    expected_ms = (
        pricing.billed_duration_ms(WORK.split_ms(10))
        + 9 * pricing.billed_duration_ms(WORK.chunk_ms(20))
        + pricing.billed_duration_ms(WORK.chunk_ms(20) + WORK.aggregate_ms(10))
    )
    assert usage.billed_ms == expected_ms


def test_costs_come_from_the_price_table() -> None:
    usage = job_usage(200, 20, WORK)
    cost = job_cost(usage, memory_mb=512, architecture="arm64", transitions=12)
    assert cost.sqs_usd == pricing.sqs_cost(21)
    assert cost.dynamodb_usd == pricing.dynamodb_on_demand_cost(1, 22)
    assert cost.stepfunctions_usd == pricing.stepfunctions_standard_cost(12)
    assert cost.total == pytest.approx(
        cost.lambda_usd + cost.sqs_usd + cost.dynamodb_usd + cost.stepfunctions_usd
    )
    assert serial_cost(200, WORK).total < cost.total


@pytest.mark.parametrize("bad", [{"per_record_ms": -1.0}, {"per_chunk_ms": float("nan")}])
def test_a_work_model_refuses_negative_or_nan_durations(bad: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        WorkModel(**bad)


def test_a_schedule_needs_a_worker() -> None:
    with pytest.raises(ConfigurationError):
        schedule(10, 5, 0, WORK)
