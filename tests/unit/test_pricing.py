"""The price table and cost functions, checked against AWS-style worked examples computed by hand."""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from decimal import Decimal

import pytest

from patterns.lab import pricing
from patterns.lab.exceptions import LabError, PricingError
from patterns.lab.pricing import (
    AS_OF,
    apigateway_cost,
    billed_duration_ms,
    dynamodb_on_demand_cost,
    eventbridge_cost,
    gb_seconds,
    lambda_duration_cost,
    lambda_invocation_cost,
    lambda_monthly_cost,
    lambda_request_cost,
    price_table,
    provisioned_concurrency_breakdown,
    provisioned_concurrency_cost,
    scheduler_cost,
    sns_publish_cost,
    sqs_cost,
    sqs_request_count,
    stepfunctions_express_cost,
    stepfunctions_standard_cost,
)

pytestmark = pytest.mark.unit

KB = 1024
HOUR_S = 3600


def row(service: str, item_start: str) -> pricing.PriceRow:
    matches = [r for r in price_table() if r.service == service and r.item.startswith(item_start)]
    assert len(matches) == 1, f"expected one {service} row starting {item_start!r}, found {matches}"
    return matches[0]


# --- The table ------------------------------------------------------------------------------------
def test_every_row_is_dated_sourced_and_in_us_east_1():
    rows = price_table()
    assert len(rows) >= 40
    for r in rows:
        assert r.as_of == AS_OF == date(2026, 9, 1)
        assert r.region == "us-east-1"
        assert r.source.startswith("https://")
        assert isinstance(r.price, Decimal)
        assert r.price >= 0
        assert r.unit
    assert len({(r.service, r.item) for r in rows}) == len(rows), "items must be unique per service"


@pytest.mark.parametrize(
    ("service", "item_start", "price", "source"),
    [
        ("Lambda", "requests", "0.20", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "duration x86_64, tier 1 (", "0.0000166667", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "duration x86_64, tier 2 (", "0.000015", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "duration x86_64, tier 3 (", "0.0000133334", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "duration arm64, tier 1 (", "0.0000133334", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "duration arm64, tier 2 (", "0.0000120001", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "duration arm64, tier 3 (", "0.0000106667", "https://aws.amazon.com/lambda/pricing/"),
        (
            "Lambda",
            "provisioned concurrency x86_64",
            "0.0000041667",
            "https://aws.amazon.com/lambda/pricing/",
        ),
        ("Lambda", "provisioned concurrency arm64", "0.0000033334", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "ephemeral storage above", "0.0000000309", "https://aws.amazon.com/lambda/pricing/"),
        ("Lambda", "free tier GB-s", "400000", "https://aws.amazon.com/lambda/pricing/"),
        ("SQS", "standard queue requests", "0.40", "https://aws.amazon.com/sqs/pricing/"),
        ("SQS", "FIFO queue requests", "0.50", "https://aws.amazon.com/sqs/pricing/"),
        ("SNS", "standard topic publishes", "0.50", "https://aws.amazon.com/sns/pricing/"),
        ("EventBridge", "Scheduler free tier", "14000000", "https://aws.amazon.com/eventbridge/pricing/"),
        ("Step Functions", "Standard state", "0.025", "https://aws.amazon.com/step-functions/pricing/"),
        ("Secrets Manager", "API calls", "0.05", "https://aws.amazon.com/secrets-manager/pricing/"),
        ("Secrets Manager", "secrets stored", "0.40", "https://aws.amazon.com/secrets-manager/pricing/"),
        ("DynamoDB", "on-demand read", "0.125", "https://aws.amazon.com/dynamodb/pricing/on-demand/"),
        ("DynamoDB", "on-demand write", "0.625", "https://aws.amazon.com/dynamodb/pricing/on-demand/"),
        ("API Gateway", "REST API requests", "3.50", "https://aws.amazon.com/api-gateway/pricing/"),
        (
            "API Gateway",
            "REST API first price tier",
            "333000000",
            "https://aws.amazon.com/api-gateway/pricing/",
        ),
    ],
)
def test_table_holds_the_reference_figures(service, item_start, price, source):
    r = row(service, item_start)
    assert r.price == Decimal(price)
    assert r.source == source
    assert r.unconfirmed is False


def test_unconfirmed_rows_are_flagged():
    flagged = {(r.service, r.item) for r in price_table() if r.unconfirmed}
    assert flagged == {
        ("SNS", "deliveries to SQS and Lambda"),
        ("SNS", "payload chunk billed as one publish"),
        ("EventBridge", "payload chunk billed as one event"),
        ("Step Functions", "Express duration (first-tier price, used for all usage)"),
        ("S3", "Standard PUT, COPY, POST, LIST requests"),
        ("S3", "Standard GET, SELECT and other requests"),
        *((r.service, r.item) for r in price_table() if r.service == "Kinesis Data Streams"),
        *((r.service, r.item) for r in price_table() if r.service == "CloudWatch"),
        *((r.service, r.item) for r in price_table() if r.service == "SSM Parameter Store"),
    }
    assert len([r for r in price_table() if r.service == "Kinesis Data Streams"]) == 7


def test_price_table_returns_a_copy_of_frozen_rows():
    rows = price_table()
    rows.clear()
    assert price_table(), "clearing the returned list must not empty the table"
    with pytest.raises(dataclasses.FrozenInstanceError):
        price_table()[0].price = Decimal(0)  # type: ignore[misc]


# --- Lambda: AWS-style worked examples --------------------------------------------------------------
def test_x86_example_without_free_tier():
    # 3M requests/month, 120 ms average, 1,536 MB, x86_64.
    # Requests: 3M * $0.20/M = $0.60.
    # Compute: 3M * 0.120 s * 1.5 GB = 540,000 GB-s * $0.0000166667 = $9.000018 -> $9.00.
    cost = lambda_monthly_cost(3_000_000, 120, 1536, architecture="x86_64")
    assert cost.requests == 0.6
    assert cost.duration == 9.000018
    assert cost.ephemeral_storage == 0
    assert cost.total == 9.600018
    assert (round(cost.requests, 2), round(cost.duration, 2), round(cost.total, 2)) == (0.60, 9.00, 9.60)


def test_x86_example_with_free_tier():
    # Requests: (3M - 1M) * $0.20/M = $0.40.
    # Compute: (540,000 - 400,000) GB-s = 140,000 GB-s * $0.0000166667 = $2.333338 -> $2.33.
    # Total $2.733338 -> $2.73.
    cost = lambda_monthly_cost(3_000_000, 120, 1536, free_tier=True)
    assert cost.requests == 0.4
    assert cost.duration == 2.333338
    assert round(cost.total, 2) == 2.73


def test_arm64_example_with_and_without_free_tier():
    # 30M requests/month, 100 ms average, 2,048 MB (2 GB), arm64.
    # Compute: 30M * 0.1 s * 2 GB = 6,000,000 GB-s * $0.0000133334 = $80.0004 -> $80.00.
    # Requests: 30M * $0.20/M = $6.00. Total $86.0004 -> $86.00.
    cost = lambda_monthly_cost(30_000_000, 100, 2048, architecture="arm64")
    assert (cost.requests, cost.duration, cost.total) == (6.0, 80.0004, 86.0004)
    # Free tier: (6,000,000 - 400,000) GB-s * $0.0000133334 = 5,600,000 * 0.0000133334 = $74.66704;
    # requests (30M - 1M) * $0.20/M = $5.80; total $80.46704 -> $80.47.
    free = lambda_monthly_cost(30_000_000, 100, 2048, architecture="arm64", free_tier=True)
    assert (free.requests, free.duration) == (5.8, 74.66704)
    assert round(free.total, 2) == 80.47


def test_arm64_is_cheaper_than_x86_for_the_same_work():
    x86 = lambda_monthly_cost(30_000_000, 100, 2048, architecture="x86_64")
    arm = lambda_monthly_cost(30_000_000, 100, 2048, architecture="arm64")
    assert arm.requests == x86.requests
    assert arm.duration < x86.duration


def test_x86_duration_crosses_the_6b_tier_boundary():
    # 7B GB-s = 6B * $0.0000166667 + 1B * $0.000015 = $100,000.2 + $15,000 = $115,000.2.
    assert lambda_duration_cost(7_000_000_000) == 115_000.2
    # Exactly at the boundary everything is tier 1.
    assert lambda_duration_cost(6_000_000_000) == 100_000.2


def test_x86_duration_reaches_the_third_tier():
    # 20B GB-s = 6B * 0.0000166667 + 9B * 0.000015 + 5B * 0.0000133334
    #          = 100,000.2 + 135,000 + 66,667 = $301,667.2.
    assert lambda_duration_cost(20_000_000_000, architecture="x86_64") == 301_667.2


def test_arm64_duration_uses_its_own_tier_sizes():
    # 20B GB-s = 7.5B * 0.0000133334 + 11.25B * 0.0000120001 + 1.25B * 0.0000106667
    #          = 100,000.5 + 135,001.125 + 13,333.375 = $248,335.
    assert lambda_duration_cost(20_000_000_000, architecture="arm64") == 248_335.0
    # 7B GB-s is still all tier 1 on arm64 (the tier ends at 7.5B): 7B * 0.0000133334 = $93,333.8.
    assert lambda_duration_cost(7_000_000_000, architecture="arm64") == 93_333.8


def test_free_tier_comes_out_of_tier_1():
    # 7B GB-s with free tier: $115,000.2 - 400,000 * $0.0000166667 ($6.66668) = $114,993.53332.
    assert lambda_duration_cost(7_000_000_000, free_tier=True) == 114_993.53332
    assert lambda_duration_cost(300_000, free_tier=True) == 0
    assert lambda_duration_cost(400_000, free_tier=True) == 0


def test_request_cost_and_request_free_tier():
    assert lambda_request_cost(3_000_000) == 0.6
    assert lambda_request_cost(3_000_000, free_tier=True) == 0.4
    assert lambda_request_cost(999_999, free_tier=True) == 0


def test_ephemeral_storage_above_512_mb_is_charged():
    # 1M invocations of 1,000 ms with 10,240 MB ephemeral storage:
    # (10,240 - 512) / 1024 GB * 1,000,000 s = 9,500,000 GB-s * $0.0000000309 = $0.29355.
    cost = lambda_monthly_cost(1_000_000, 1000, 1024, ephemeral_storage_mb=10_240)
    assert cost.ephemeral_storage == 0.29355
    assert cost.total == pytest.approx(cost.requests + cost.duration + cost.ephemeral_storage)
    # The free tier does not cover ephemeral storage.
    free = lambda_monthly_cost(1_000_000, 1000, 1024, ephemeral_storage_mb=10_240, free_tier=True)
    assert free.ephemeral_storage == 0.29355


# --- Lambda: units, rounding and one invocation ------------------------------------------------------
@pytest.mark.parametrize(
    ("duration_ms", "billed"),
    [(0, 0), (0.1, 1), (1, 1), (1.0001, 2), (120, 120), (120.0001, 121), (899_999.5, 900_000)],
)
def test_billed_duration_rounds_up_to_the_millisecond(duration_ms, billed):
    assert billed_duration_ms(duration_ms) == billed


def test_gb_seconds():
    assert gb_seconds(1536, 120) == 0.18
    assert gb_seconds(128, 1000) == 0.125
    assert gb_seconds(10_240, 900_000) == 9000.0


def test_per_ms_price_at_128_mb_matches_reference():
    # 0.125 GB * 0.001 s * $0.0000166667 = $2.0833375e-9 per ms; REFERENCE.md: 2.083e-9.
    per_ms = lambda_duration_cost(gb_seconds(128, 1))
    assert per_ms == 2.0833375e-9
    assert round(per_ms, 12) == float(row("Lambda", "duration x86_64 at 128 MB").price)
    # Power Tuning rounds to two significant figures: 2.1e-9 (x86_64) and 1.7e-9 (arm64).
    arm_per_ms = lambda_duration_cost(gb_seconds(128, 1), architecture="arm64")
    assert float(f"{per_ms:.1e}") == float(row("Lambda (Power Tuning)", "rounded per-ms price, x86").price)
    assert float(f"{arm_per_ms:.1e}") == float(
        row("Lambda (Power Tuning)", "rounded per-ms price, arm").price
    )


def test_one_invocation_cost_is_request_plus_tier_1_duration():
    # 128 MB for 1 ms: $0.0000002 + $2.0833375e-9 = $2.020833375e-7.
    assert lambda_invocation_cost(128, 1) == 2.020833375e-7
    # 1,536 MB for 120 ms on arm64: $0.0000002 + 0.18 GB-s * $0.0000133334 = $2.600012e-6.
    assert lambda_invocation_cost(1536, 120, architecture="arm64") == 2.600012e-6
    # In a provisioned environment: $0.0000002 + 0.18 * $0.0000097222 = $1.949996e-6.
    assert lambda_invocation_cost(1536, 120, provisioned=True) == 1.949996e-6


def test_a_month_of_invocations_equals_the_sum_of_single_invocations_in_tier_1():
    single = lambda_invocation_cost(1536, 120)
    month = lambda_monthly_cost(1000, 120, 1536)
    assert month.total == pytest.approx(1000 * single, rel=1e-12)


# --- Provisioned concurrency --------------------------------------------------------------------------
def test_provisioned_concurrency_example():
    # 100 provisioned concurrency at 1,536 MB, 8 hours a day for 31 days; 1.2M invocations of 1 s each.
    # Enabled: 8 * 3,600 * 31 = 892,800 s (a whole number of 5-minute blocks).
    # Kept warm: 100 * 1.5 GB * 892,800 s = 133,920,000 GB-s * $0.0000041667 = $558.004464.
    # Duration: 1.2M * 1 s * 1.5 GB = 1,800,000 GB-s * $0.0000097222 = $17.49996.
    # Requests: 1.2M * $0.20/M = $0.24. Total $575.744424 -> $575.74.
    cost = provisioned_concurrency_breakdown(
        100, 1536, 8 * HOUR_S * 31, architecture="x86_64", invocations=1_200_000, avg_billed_ms=1000
    )
    assert cost.provisioned_concurrency == 558.004464
    assert cost.duration == 17.49996
    assert cost.requests == 0.24
    assert cost.total == 575.744424
    assert round(cost.total, 2) == 575.74
    assert provisioned_concurrency_cost(
        100, 1536, 8 * HOUR_S * 31, invocations=1_200_000, avg_billed_ms=1000
    ) == pytest.approx(575.744424, abs=1e-9)


def test_provisioned_concurrency_example_on_arm64():
    # Kept warm: 133,920,000 GB-s * $0.0000033334 = $446.408928.
    # Duration: 1,800,000 GB-s * $0.0000077778 = $14.00004. Requests $0.24. Total $460.648968.
    cost = provisioned_concurrency_breakdown(
        100, 1536, 8 * HOUR_S * 31, architecture="arm64", invocations=1_200_000, avg_billed_ms=1000
    )
    assert (cost.provisioned_concurrency, cost.duration, cost.requests) == (446.408928, 14.00004, 0.24)
    assert cost.total == 460.648968


@pytest.mark.parametrize(
    ("seconds_enabled", "billed_seconds"),
    [(0, 0), (1, 300), (299.5, 300), (300, 300), (301, 600), (3_600, 3_600), (3_601, 3_900)],
)
def test_provisioned_concurrency_period_rounds_up_to_5_minutes(seconds_enabled, billed_seconds):
    # One environment at 1,024 MB: billed_seconds GB-s * $0.0000041667; no invocations, no requests.
    expected = float(Decimal(billed_seconds) * Decimal("0.0000041667"))
    assert provisioned_concurrency_cost(1, 1024, seconds_enabled) == expected


def test_provisioned_concurrency_has_no_free_tier_and_charges_idle_time():
    idle = provisioned_concurrency_breakdown(1, 128, 300)
    assert idle.requests == 0
    assert idle.duration == 0
    # 0.125 GB * 300 s = 37.5 GB-s * $0.0000041667 = $0.00015625125.
    assert idle.provisioned_concurrency == 0.00015625125
    busy = provisioned_concurrency_breakdown(1, 128, 300, invocations=1_000_000, avg_billed_ms=1)
    assert busy.requests == 0.2, "the first 1M requests are not free with provisioned concurrency"


# --- SQS, SNS, EventBridge -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("payload_bytes", "requests"),
    [(0, 1), (1, 1), (64 * KB, 1), (64 * KB + 1, 2), (128 * KB, 2), (256 * KB, 4), (1024 * KB, 16)],
)
def test_sqs_bills_one_request_per_64_kb_chunk(payload_bytes, requests):
    assert sqs_request_count(payload_bytes) == requests


def test_sqs_cost():
    assert sqs_cost(3_000_000) == 1.2
    assert sqs_cost(3_000_000, free_tier=True) == 0.8
    assert sqs_cost(3_000_000, fifo=True) == 1.5
    assert sqs_cost(3_000_000, fifo=True, free_tier=True) == 1.0
    assert sqs_cost(500_000, free_tier=True) == 0
    # 1M messages of 256 KB: each send is 4 requests -> 4M * $0.40/M = $1.60.
    assert sqs_cost(1_000_000 * sqs_request_count(256 * KB)) == 1.6


def test_sqs_beyond_the_first_tier_is_refused():
    assert sqs_cost(100_000_000_000) == 40_000.0
    with pytest.raises(PricingError, match="100,000,000,001"):
        sqs_cost(100_000_000_001)


def test_sns_publish_cost_counts_64_kb_chunks():
    assert sns_publish_cost(2_000_000) == 1.0
    # 2M publishes of 100 KB: 2 chunks each -> 4M * $0.50/M = $2.00; free tier: 3M billed -> $1.50.
    assert sns_publish_cost(2_000_000, payload_bytes=100 * KB) == 2.0
    assert sns_publish_cost(2_000_000, payload_bytes=100 * KB, free_tier=True) == 1.5
    assert sns_publish_cost(1_000_000, free_tier=True) == 0


def test_eventbridge_and_scheduler_cost():
    assert eventbridge_cost(5_000_000) == 5.0
    assert eventbridge_cost(5_000_000, payload_bytes=64 * KB) == 5.0
    assert eventbridge_cost(5_000_000, payload_bytes=256 * KB) == 20.0
    assert scheduler_cost(20_000_000) == 20.0
    assert scheduler_cost(20_000_000, free_tier=True) == 6.0
    assert scheduler_cost(14_000_000, free_tier=True) == 0


# --- Step Functions, DynamoDB, API Gateway --------------------------------------------------------------
def test_stepfunctions_standard_cost():
    # 10,000 transitions * $0.025 / 1,000 = $0.25; with free tier 6,000 -> $0.15.
    assert stepfunctions_standard_cost(10_000) == 0.25
    assert stepfunctions_standard_cost(10_000, free_tier=True) == 0.15
    assert stepfunctions_standard_cost(4_000, free_tier=True) == 0


def test_stepfunctions_express_cost_rounds_duration_and_memory():
    # 1M executions of 150 ms using 100 MB: billed 200 ms at 128 MB.
    # Duration: 1M * 0.2 s * 0.125 GB = 25,000 GB-s * $0.0000166667 = $0.4166675; requests $1.00.
    assert stepfunctions_express_cost(1_000_000, 150, 100) == 1.4166675
    # Exactly 100 ms and 64 MB are not rounded further: 1M * 0.1 s * 0.0625 GB = 6,250 GB-s.
    assert stepfunctions_express_cost(1_000_000, 100, 64) == float(
        Decimal(1) + Decimal(6250) * Decimal("0.0000166667")
    )


def test_dynamodb_on_demand_cost():
    # 10M reads * $0.125/M + 2M writes * $0.625/M = $1.25 + $1.25.
    assert dynamodb_on_demand_cost(10_000_000, 2_000_000) == 2.5
    assert dynamodb_on_demand_cost(0, 0) == 0


def test_apigateway_cost():
    assert apigateway_cost(10_000_000) == 10.0
    assert apigateway_cost(10_000_000, api="http") == 10.0
    assert apigateway_cost(10_000_000, api="rest") == 35.0
    assert apigateway_cost(333_000_000, api="rest") == 1165.5
    with pytest.raises(PricingError, match="300,000,000"):
        apigateway_cost(300_000_001, api="http")


# --- Errors ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "bad"),
    [
        (lambda: lambda_request_cost(-1), "-1"),
        (lambda: lambda_duration_cost(-0.5), "-0.5"),
        (lambda: billed_duration_ms(-3), "-3"),
        (lambda: gb_seconds(128, -10), "-10"),
        (lambda: lambda_monthly_cost(-5, 100, 128), "-5"),
        (lambda: lambda_monthly_cost(5, -100, 128), "-100"),
        (lambda: provisioned_concurrency_cost(-2, 128, 300), "-2"),
        (lambda: provisioned_concurrency_cost(1, 128, -300), "-300"),
        (lambda: sqs_request_count(-1), "-1"),
        (lambda: sqs_cost(-7), "-7"),
        (lambda: sns_publish_cost(1, payload_bytes=-64), "-64"),
        (lambda: eventbridge_cost(-9), "-9"),
        (lambda: scheduler_cost(-11), "-11"),
        (lambda: stepfunctions_standard_cost(-4), "-4"),
        (lambda: stepfunctions_express_cost(1, -150, 64), "-150"),
        (lambda: dynamodb_on_demand_cost(1, -8), "-8"),
        (lambda: apigateway_cost(-12), "-12"),
    ],
)
def test_negative_quantities_are_refused_naming_the_value(call, bad):
    with pytest.raises(PricingError, match=f"got {bad}$"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: lambda_duration_cost(1.0, architecture="arm"),  # type: ignore[arg-type]
        lambda: lambda_invocation_cost(128, 1, architecture="arm"),  # type: ignore[arg-type]
        lambda: lambda_monthly_cost(1, 1, 128, architecture="arm"),  # type: ignore[arg-type]
        lambda: provisioned_concurrency_cost(1, 128, 300, architecture="arm"),  # type: ignore[arg-type]
    ],
)
def test_unknown_architecture_is_refused_naming_it(call):
    with pytest.raises(
        PricingError, match=r"unknown architecture 'arm'; expected one of \['arm64', 'x86_64'\]"
    ):
        call()


def test_other_bad_inputs_are_refused():
    with pytest.raises(PricingError, match="unknown API type 'websocket'"):
        apigateway_cost(1, api="websocket")  # type: ignore[arg-type]
    with pytest.raises(PricingError, match="memory_mb must be greater than 0, got 0"):
        gb_seconds(0, 100)
    with pytest.raises(PricingError, match=r"ephemeral_storage_mb must be at least 512.*got 256"):
        lambda_monthly_cost(1, 1, 128, ephemeral_storage_mb=256)
    with pytest.raises(PricingError, match="requests must be a number, got '5'"):
        sqs_cost("5")  # type: ignore[arg-type]
    with pytest.raises(PricingError, match="got True"):
        lambda_request_cost(True)
    with pytest.raises(PricingError, match="got nan"):
        lambda_duration_cost(math.nan)
    with pytest.raises(PricingError, match="got inf"):
        billed_duration_ms(math.inf)


def test_pricing_error_is_a_lab_error_and_a_value_error():
    with pytest.raises(LabError):
        sqs_cost(-1)
    with pytest.raises(ValueError, match="requests"):
        sqs_cost(-1)
