"""The cost pattern's pure logic: trimmed means, the CPU model, Power Tuning's choices, break-even,
reserved-concurrency caps and a workload's monthly bill, priced by the course's price table."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.cost.exceptions import InvalidWorkloadError, TuningError
from patterns.cost.service import (
    CpuModel,
    MonthlyBill,
    Sample,
    TuningPoint,
    Workload,
    choose,
    cpu_work,
    monthly_bill,
    provisioned_break_even,
    reserved_concurrency_cap,
    trimmed_mean,
    tuning_point,
)
from patterns.lab import limits, pricing
from patterns.lab.pricing import Architecture

pytestmark = pytest.mark.unit

finite = st.floats(min_value=0, max_value=1e6, allow_nan=False)


def test_trimmed_mean_drops_a_fifth_at_each_end() -> None:
    assert trimmed_mean([10.0, 12.0, 11.0, 50.0, 1.0]) == 11.0
    assert trimmed_mean([1.0, 2.0, 3.0, 10.0]) == 4.0  # floor(0.8) = 0: nothing dropped
    assert trimmed_mean([1.0, 2.0, 6.0], trim=0) == 3.0


@given(st.lists(finite, min_size=1, max_size=40), st.floats(min_value=0, max_value=0.49))
def test_trimmed_mean_lies_between_the_extremes(samples: list[float], trim: float) -> None:
    mean = trimmed_mean(samples, trim)
    assert min(samples) - 1e-6 <= mean <= max(samples) + 1e-6


@pytest.mark.parametrize("bad", [([], 0.2), ([1.0], 0.5), ([1.0], -0.1)])
def test_trimmed_mean_refuses_what_it_cannot_average(bad: tuple[list[float], float]) -> None:
    with pytest.raises(TuningError):
        trimmed_mean(*bad)


def test_cpu_model_stretches_cpu_below_one_vcpu_and_leaves_io_alone() -> None:
    model = CpuModel()
    sample = Sample(cpu_ms=10.0, io_ms=30.0)
    assert model.duration_ms(sample, limits.MEMORY_PER_VCPU_MB) == 40.0
    assert model.duration_ms(sample, 3008) == 40.0  # one thread gains nothing above one vCPU
    assert math.isclose(model.duration_ms(sample, 128), 10.0 * 1769 / 128 + 30.0)
    assert "1,769 MB" in model.describe()


@given(st.integers(min_value=128, max_value=10_240), st.integers(min_value=128, max_value=10_240))
def test_more_memory_is_never_slower(a: int, b: int) -> None:
    model = CpuModel()
    sample = Sample(5.0, 1.0)
    small, large = sorted((a, b))
    assert model.duration_ms(sample, large) <= model.duration_ms(sample, small)


def test_tuning_point_prices_the_rounded_trimmed_mean() -> None:
    samples = [Sample(1.0, 0.0)] * 4 + [Sample(100.0, 0.0)]  # the outlier is trimmed away
    point = tuning_point(1769, samples, architecture="arm64")
    assert point.duration_ms == 1.0
    assert point.billed_ms == 1
    assert point.cost_usd == pricing.lambda_duration_cost(pricing.gb_seconds(1769, 1), architecture="arm64")
    assert point.request_usd == pricing.lambda_request_cost(1)


def _point(memory: int, ms: float, usd: float) -> TuningPoint:
    return TuningPoint(memory, "x86_64", 5, ms, math.ceil(ms), usd)


POINTS = [
    _point(128, 800.0, 1.71e-6),
    _point(512, 200.0, 1.71e-6),
    _point(1024, 110.0, 1.87e-6),
    _point(2048, 100.0, 3.4e-6),
]


def test_choices_of_the_power_tuning_method() -> None:
    assert choose(POINTS, "cost").memory_mb == 512  # tie on cost: the faster
    assert choose(POINTS, "speed").memory_mb == 2048
    assert choose(POINTS, "balanced").memory_mb == 1024
    assert choose(POINTS, "balanced", weight=1.0).memory_mb == 128  # cost only: smallest of the tie
    assert choose(POINTS, "balanced", weight=0.0).memory_mb == 2048
    with pytest.raises(TuningError):
        choose(POINTS, "cheapest")  # type: ignore[arg-type]
    with pytest.raises(TuningError):
        choose([], "cost")


def test_provisioned_break_even_comes_from_the_price_table() -> None:
    rows = {row.item: row.price for row in pricing.price_table()}
    kept = rows["provisioned concurrency x86_64 (kept warm)"]
    on_demand = rows["duration x86_64, tier 1 (first 6B GB-s/month)"]
    busy = rows["duration x86_64, provisioned concurrency on"]
    even = provisioned_break_even(1024)
    assert math.isclose(even.utilisation, float(kept / (on_demand - busy)), rel_tol=1e-9)
    assert math.isclose(even.on_demand_usd(even.utilisation), even.provisioned_usd(even.utilisation))
    assert even.on_demand_usd(0.3) < even.provisioned_usd(0.3)
    assert even.on_demand_usd(0.9) > even.provisioned_usd(0.9)


def test_reserved_concurrency_caps_the_bill_in_proportion() -> None:
    one = reserved_concurrency_cap(1, 512, 100.0)
    ten = reserved_concurrency_cap(10, 512, 100.0)
    assert ten.max_invocations == 10 * one.max_invocations == 10 * 25_920_000
    assert math.isclose(ten.max_usd, 10 * one.max_usd, rel_tol=1e-9)
    assert reserved_concurrency_cap(0, 512, 100.0).max_usd == 0
    with pytest.raises(InvalidWorkloadError):
        reserved_concurrency_cap(-1, 512, 100.0)


def test_a_workload_bill_by_service() -> None:
    bill = monthly_bill(Workload(10_000_000, 20.0, 512, "x86_64", 1024, 10, "http"))
    assert bill.invocations == 1_000_000
    assert bill.billed_ms == 200_000_000
    assert bill.sqs_requests == 10_000_000 + 1_000_000 + 1_000_000
    assert bill.by_service["API Gateway"] == pricing.apigateway_cost(10_000_000, api="http")
    assert bill.by_service["SQS"] == pricing.sqs_cost(12_000_000)
    assert bill.by_service["Lambda"] == pricing.lambda_monthly_cost(1_000_000, 200, 512).total
    rest = monthly_bill(Workload(10_000_000, 20.0, 512, "x86_64", 1024, 10, "rest"))
    arm = monthly_bill(Workload(10_000_000, 20.0, 512, "arm64", 1024, 10, "http"))
    assert rest.total > bill.total > arm.total


def test_a_smaller_last_batch_and_large_payloads_are_counted() -> None:
    bill = monthly_bill(Workload(25, 10.0, 128, "x86_64", 40_000, 12, "http"))
    assert bill.invocations == 3  # 12 + 12 + 1
    # sends: 25 x 1 chunk; receives: per batch of 12 one call of 10 (400 KB: 7 chunks) + one of 2 (80 KB: 2)
    assert bill.sqs_requests == 25 + (7 + 2) * 2 + 1 + 2 * 2 + 1


@pytest.mark.parametrize(
    "workload",
    [
        Workload(-1, 10.0, 128),
        Workload(10, 10.0, 128, batch_size=0),
        Workload(10, 10.0, 128, payload_bytes=1_000_000, batch_size=10),  # 10 MB batch: over 6 MB
    ],
)
def test_workloads_the_calculator_refuses(workload: Workload) -> None:
    with pytest.raises(InvalidWorkloadError):
        monthly_bill(workload)


def test_cpu_work_is_deterministic_and_checks_its_input() -> None:
    assert cpu_work(3) == cpu_work(3) != cpu_work(4)
    with pytest.raises(TuningError):
        cpu_work(0)


@given(
    st.integers(min_value=0, max_value=50_000_000),
    st.floats(min_value=0.1, max_value=5_000, allow_nan=False),
    st.sampled_from([128, 512, 1769, 3008]),
    st.integers(min_value=1, max_value=8_192),
    st.integers(min_value=1, max_value=99),
)
def test_bigger_batches_and_arm64_never_cost_more_invocations_or_lambda_dollars(
    requests: int, duration_ms: float, memory_mb: int, payload_bytes: int, batch_size: int
) -> None:
    def bill(batch: int, architecture: Architecture = "x86_64") -> MonthlyBill:
        return monthly_bill(Workload(requests, duration_ms, memory_mb, architecture, payload_bytes, batch))

    small, large = bill(batch_size), bill(batch_size + 1)
    assert large.invocations <= small.invocations == math.ceil(requests / batch_size)
    assert bill(batch_size, "arm64").by_service["Lambda"] <= small.by_service["Lambda"]
    assert math.isclose(small.total, math.fsum(small.by_service.values()))
