"""AWS list prices (us-east-1) for the course's cost calculators: one dated, sourced table and the
functions that price usage with it.

Every figure the calculators use is a :class:`PriceRow` in :func:`price_table`, taken from the
course's reference figures (AWS pricing pages, as of 2026-09). Rows the reference marks [U], or that
it does not give at all (the SNS/EventBridge 64 KB chunk rule and the Step Functions Express duration
price), carry ``unconfirmed=True``: treat them as approximate.

Money is computed exactly with :class:`decimal.Decimal` and returned as ``float`` US dollars,
unrounded (round for display only). Monthly quantities are for one account, one region, one month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Final, Literal

from patterns.lab.exceptions import PricingError

__all__ = [
    "AS_OF",
    "REGION",
    "ApiType",
    "Architecture",
    "LambdaCostBreakdown",
    "PriceRow",
    "ProvisionedConcurrencyCostBreakdown",
    "apigateway_cost",
    "billed_duration_ms",
    "cloudwatch_custom_metrics_cost",
    "cloudwatch_logs_ingestion_cost",
    "dynamodb_on_demand_cost",
    "dynamodb_read_request_units",
    "dynamodb_write_request_units",
    "eventbridge_cost",
    "gb_seconds",
    "kinesis_on_demand_billed_bytes",
    "kinesis_on_demand_cost",
    "kinesis_provisioned_cost",
    "kinesis_put_payload_units",
    "lambda_duration_cost",
    "lambda_invocation_cost",
    "lambda_monthly_cost",
    "lambda_request_cost",
    "price_table",
    "provisioned_concurrency_breakdown",
    "provisioned_concurrency_cost",
    "s3_request_cost",
    "scheduler_cost",
    "secrets_manager_cost",
    "sns_delivery_cost",
    "sns_publish_cost",
    "sqs_cost",
    "sqs_request_count",
    "ssm_parameter_cost",
    "stepfunctions_express_cost",
    "stepfunctions_standard_cost",
]

AS_OF: Final = date(2026, 9, 1)
REGION: Final = "us-east-1"

Architecture = Literal["x86_64", "arm64"]
ApiType = Literal["http", "rest"]


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One figure of the price table: a price in USD, or a billing quantity or limit (see ``unit``)."""

    service: str
    item: str
    price: Decimal
    unit: str
    source: str
    as_of: date = AS_OF
    unconfirmed: bool = False
    region: str = REGION


@dataclass(frozen=True, slots=True)
class LambdaCostBreakdown:
    """A month of on-demand Lambda charges, in USD."""

    requests: float
    duration: float
    ephemeral_storage: float
    total: float


@dataclass(frozen=True, slots=True)
class ProvisionedConcurrencyCostBreakdown:
    """Charges of a function with provisioned concurrency, in USD."""

    provisioned_concurrency: float
    duration: float
    requests: float
    total: float


_PER_M_REQUESTS: Final = "USD per 1M requests"
_PER_GB_S: Final = "USD per GB-s"
_PER_MS: Final = "USD per ms"
_PER_MONTH: Final = "per month"
_MILLION: Final = Decimal(1_000_000)
_THOUSAND: Final = Decimal(1_000)
_MB_PER_GB: Final = Decimal(1_024)
_UNBOUNDED: Final = Decimal("Infinity")

_TABLE: Final[list[PriceRow]] = []


def _row(
    service: str, source: str, item: str, price: str, unit: str, *, unconfirmed: bool = False
) -> PriceRow:
    """Add one figure to the table (in display order) and return it for the calculators."""
    row = PriceRow(service, item, Decimal(price), unit, source, unconfirmed=unconfirmed)
    _TABLE.append(row)
    return row


_lambda_row = partial(_row, "Lambda", "https://aws.amazon.com/lambda/pricing/")
_power_tuning_row = partial(
    _row, "Lambda (Power Tuning)", "https://github.com/alexcasalboni/aws-lambda-power-tuning"
)
_sqs_row = partial(_row, "SQS", "https://aws.amazon.com/sqs/pricing/")
_sns_row = partial(_row, "SNS", "https://aws.amazon.com/sns/pricing/")
_eventbridge_row = partial(_row, "EventBridge", "https://aws.amazon.com/eventbridge/pricing/")
_stepfunctions_row = partial(_row, "Step Functions", "https://aws.amazon.com/step-functions/pricing/")
_dynamodb_row = partial(_row, "DynamoDB", "https://aws.amazon.com/dynamodb/pricing/on-demand/")
_apigateway_row = partial(_row, "API Gateway", "https://aws.amazon.com/api-gateway/pricing/")

# --- Lambda -------------------------------------------------------------------------------------
_LAMBDA_REQUESTS = _lambda_row("requests (x86_64 and arm64)", "0.20", _PER_M_REQUESTS)
_X86_TIER_1 = _lambda_row("duration x86_64, tier 1 (first 6B GB-s/month)", "0.0000166667", _PER_GB_S)
_X86_TIER_2 = _lambda_row("duration x86_64, tier 2 (next 9B GB-s/month)", "0.000015", _PER_GB_S)
_X86_TIER_3 = _lambda_row("duration x86_64, tier 3 (over 15B GB-s/month)", "0.0000133334", _PER_GB_S)
_X86_TIER_1_SIZE = _lambda_row("duration x86_64, tier 1 size (GB-s)", "6000000000", _PER_MONTH)
_X86_TIER_2_SIZE = _lambda_row("duration x86_64, tier 2 size (GB-s)", "9000000000", _PER_MONTH)
_ARM_TIER_1 = _lambda_row("duration arm64, tier 1 (first 7.5B GB-s/month)", "0.0000133334", _PER_GB_S)
_ARM_TIER_2 = _lambda_row("duration arm64, tier 2 (next 11.25B GB-s/month)", "0.0000120001", _PER_GB_S)
_ARM_TIER_3 = _lambda_row("duration arm64, tier 3 (over 18.75B GB-s/month)", "0.0000106667", _PER_GB_S)
_ARM_TIER_1_SIZE = _lambda_row("duration arm64, tier 1 size (GB-s)", "7500000000", _PER_MONTH)
_ARM_TIER_2_SIZE = _lambda_row("duration arm64, tier 2 size (GB-s)", "11250000000", _PER_MONTH)
_X86_PROVISIONED = _lambda_row("provisioned concurrency x86_64 (kept warm)", "0.0000041667", _PER_GB_S)
_ARM_PROVISIONED = _lambda_row("provisioned concurrency arm64 (kept warm)", "0.0000033334", _PER_GB_S)
_X86_PC_DURATION = _lambda_row("duration x86_64, provisioned concurrency on", "0.0000097222", _PER_GB_S)
_ARM_PC_DURATION = _lambda_row("duration arm64, provisioned concurrency on", "0.0000077778", _PER_GB_S)
_EPHEMERAL_STORAGE = _lambda_row("ephemeral storage above the included amount", "0.0000000309", _PER_GB_S)
_EPHEMERAL_INCLUDED = _lambda_row("ephemeral storage included", "512", "MB")
_FREE_REQUESTS = _lambda_row("free tier requests (not with provisioned concurrency)", "1000000", _PER_MONTH)
_FREE_GB_SECONDS = _lambda_row("free tier GB-s (not with provisioned concurrency)", "400000", _PER_MONTH)
_DURATION_INCREMENT = _lambda_row("duration billing increment (rounded up, since Dec 2020)", "1", "ms")
_PC_INCREMENT = _lambda_row("provisioned concurrency billing increment (rounded up)", "300", "s")
_lambda_row("INIT billed as duration, cap (on-demand ZIP, managed runtimes, since 2025-08-01)", "10", "s")
_lambda_row("duration x86_64 at 128 MB, per ms (tier 1)", "0.000000002083", _PER_MS)
_power_tuning_row("rounded per-ms price, x86_64 at 128 MB (no request charge)", "0.0000000021", _PER_MS)
_power_tuning_row("rounded per-ms price, arm64 at 128 MB (no request charge)", "0.0000000017", _PER_MS)

# --- Other services -----------------------------------------------------------------------------
_SQS_STANDARD = _sqs_row("standard queue requests (first tier)", "0.40", _PER_M_REQUESTS)
_SQS_FIFO = _sqs_row("FIFO queue requests", "0.50", _PER_M_REQUESTS)
_SQS_TIER_1_SIZE = _sqs_row("first price tier size (requests)", "100000000000", _PER_MONTH)
_SQS_FREE = _sqs_row("free tier requests (standard and FIFO)", "1000000", _PER_MONTH)
_SQS_CHUNK = _sqs_row("payload chunk billed as one request", "65536", "bytes")
_SNS_PUBLISHES = _sns_row("standard topic publishes", "0.50", "USD per 1M publishes")
_SNS_FREE = _sns_row("free tier publishes", "1000000", _PER_MONTH)
_SNS_CHUNK = _sns_row("payload chunk billed as one publish", "65536", "bytes", unconfirmed=True)
_SNS_DELIVERIES = _sns_row("deliveries to SQS and Lambda", "0", "USD", unconfirmed=True)
_EVENTBRIDGE_CUSTOM = _eventbridge_row("custom events", "1.00", "USD per 1M events")
_EVENTBRIDGE_CHUNK = _eventbridge_row("payload chunk billed as one event", "65536", "bytes", unconfirmed=True)
_SCHEDULER = _eventbridge_row("Scheduler invocations", "1.00", "USD per 1M invocations")
_SCHEDULER_FREE = _eventbridge_row("Scheduler free tier invocations", "14000000", _PER_MONTH)
_SFN_STANDARD = _stepfunctions_row("Standard state transitions", "0.025", "USD per 1,000 transitions")
_SFN_STANDARD_FREE = _stepfunctions_row("Standard free tier state transitions", "4000", _PER_MONTH)
_SFN_EXPRESS_REQUESTS = _stepfunctions_row("Express requests", "1.00", _PER_M_REQUESTS)
_SFN_EXPRESS_DURATION = _stepfunctions_row(
    "Express duration (first-tier price, used for all usage)", "0.0000166667", _PER_GB_S, unconfirmed=True
)
_SFN_EXPRESS_MS_INCREMENT = _stepfunctions_row("Express duration billing increment (rounded up)", "100", "ms")
_SFN_EXPRESS_MB_INCREMENT = _stepfunctions_row("Express memory billing increment (rounded up)", "64", "MB")
_DYNAMODB_READ = _dynamodb_row("on-demand read request units (since 2024-11-01)", "0.125", "USD per 1M")
_DYNAMODB_WRITE = _dynamodb_row("on-demand write request units (since 2024-11-01)", "0.625", "USD per 1M")
_DYNAMODB_WRITE_UNIT_SIZE = _dynamodb_row("item size one write request unit covers", "1024", "bytes")
_DYNAMODB_READ_UNIT_SIZE = _dynamodb_row(
    "item size one strongly consistent read request unit covers (eventually consistent: half a unit)",
    "4096",
    "bytes",
)
_HTTP_API = _apigateway_row("HTTP API requests (first tier)", "1.00", _PER_M_REQUESTS)
_HTTP_API_TIER_1_SIZE = _apigateway_row("HTTP API first price tier size (requests)", "300000000", _PER_MONTH)
_REST_API = _apigateway_row("REST API requests (first tier)", "3.50", _PER_M_REQUESTS)
_REST_API_TIER_1_SIZE = _apigateway_row("REST API first price tier size (requests)", "333000000", _PER_MONTH)
# S3 request prices are not in the course's reference sheet: marked unconfirmed (check the AWS page).
_s3_row = partial(_row, "S3", "https://aws.amazon.com/s3/pricing/")
_S3_PUT = _s3_row("Standard PUT, COPY, POST, LIST requests", "0.005", "USD per 1,000", unconfirmed=True)
_S3_GET = _s3_row("Standard GET, SELECT and other requests", "0.0004", "USD per 1,000", unconfirmed=True)
# Kinesis Data Streams prices are not in the course's reference sheet either: marked unconfirmed.
_kinesis_row = partial(_row, "Kinesis Data Streams", "https://aws.amazon.com/kinesis/data-streams/pricing/")
_KINESIS_SHARD_HOUR = _kinesis_row(
    "provisioned: shard hours", "0.015", "USD per shard-hour", unconfirmed=True
)
_KINESIS_PUT_UNITS = _kinesis_row(
    "provisioned: PUT payload units", "0.014", "USD per 1M units", unconfirmed=True
)
_KINESIS_PUT_UNIT_SIZE = _kinesis_row(
    "provisioned: payload chunk billed as one PUT payload unit (25 KB)", "25600", "bytes", unconfirmed=True
)
_KINESIS_STREAM_HOUR = _kinesis_row(
    "on-demand: stream hours", "0.04", "USD per stream-hour", unconfirmed=True
)
_KINESIS_INGESTED = _kinesis_row("on-demand: data ingested", "0.08", "USD per GB", unconfirmed=True)
_KINESIS_RETRIEVED = _kinesis_row("on-demand: data retrieved", "0.04", "USD per GB", unconfirmed=True)
_KINESIS_ON_DEMAND_ROUNDING = _kinesis_row(
    "on-demand: record size rounded up to", "1024", "bytes", unconfirmed=True
)
# CloudWatch: Logs ingestion is in the course's reference sheet marked [U]; the custom-metric price is not
# in it at all. Both unconfirmed (check the AWS page).
_cloudwatch_row = partial(_row, "CloudWatch", "https://aws.amazon.com/cloudwatch/pricing/")
_LOGS_INGESTED = _cloudwatch_row(
    "Logs ingestion (standard log class)", "0.50", "USD per GB", unconfirmed=True
)
_CUSTOM_METRIC = _cloudwatch_row(
    "custom metrics (first 10,000; EMF metrics count too)", "0.30", "USD per metric-month", unconfirmed=True
)
# Secrets Manager: both figures in the course's reference sheet. SSM Parameter Store: standard throughput
# is marked [U] there; the higher-throughput price is not in it at all. Both SSM rows unconfirmed.
_secrets_row = partial(_row, "Secrets Manager", "https://aws.amazon.com/secrets-manager/pricing/")
_SECRET_MONTH = _secrets_row("secrets stored", "0.40", "USD per secret-month")
_SECRETS_API = _secrets_row("API calls", "0.05", "USD per 10,000 calls")
_ssm_row = partial(_row, "SSM Parameter Store", "https://aws.amazon.com/systems-manager/pricing/")
_SSM_STANDARD = _ssm_row("standard parameters, standard throughput API calls", "0", "USD", unconfirmed=True)
_SSM_HIGHER = _ssm_row(
    "API calls with higher throughput enabled", "0.05", "USD per 10,000 calls", unconfirmed=True
)


@dataclass(frozen=True, slots=True)
class _ArchitecturePrices:
    duration_tiers: tuple[tuple[Decimal, Decimal], ...]  # (upper bound in GB-s per month, USD per GB-s)
    provisioned: Decimal
    provisioned_duration: Decimal


def _duration_tiers(
    tier_1: PriceRow, tier_2: PriceRow, tier_3: PriceRow, tier_1_size: PriceRow, tier_2_size: PriceRow
) -> tuple[tuple[Decimal, Decimal], ...]:
    tier_2_end = tier_1_size.price + tier_2_size.price
    return ((tier_1_size.price, tier_1.price), (tier_2_end, tier_2.price), (_UNBOUNDED, tier_3.price))


_ARCHITECTURES: Final[dict[str, _ArchitecturePrices]] = {
    "x86_64": _ArchitecturePrices(
        _duration_tiers(_X86_TIER_1, _X86_TIER_2, _X86_TIER_3, _X86_TIER_1_SIZE, _X86_TIER_2_SIZE),
        _X86_PROVISIONED.price,
        _X86_PC_DURATION.price,
    ),
    "arm64": _ArchitecturePrices(
        _duration_tiers(_ARM_TIER_1, _ARM_TIER_2, _ARM_TIER_3, _ARM_TIER_1_SIZE, _ARM_TIER_2_SIZE),
        _ARM_PROVISIONED.price,
        _ARM_PC_DURATION.price,
    ),
}
_API_PRICES: Final[dict[str, tuple[PriceRow, PriceRow]]] = {
    "http": (_HTTP_API, _HTTP_API_TIER_1_SIZE),
    "rest": (_REST_API, _REST_API_TIER_1_SIZE),
}


def price_table() -> list[PriceRow]:
    """Every figure the calculators use, in display order (e.g. ``pandas.DataFrame(price_table())``)."""
    return list(_TABLE)


# --- Validation and arithmetic helpers ----------------------------------------------------------
def _quantity(name: str, value: object) -> Decimal:
    """``value`` as an exact Decimal; a float is read as its shortest repr (``0.12`` is 0.12)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PricingError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not exact.is_finite() or exact < 0:
        raise PricingError(f"{name} must be a finite number >= 0, got {value!r}")
    return exact


def _positive(name: str, value: object) -> Decimal:
    exact = _quantity(name, value)
    if exact == 0:
        raise PricingError(f"{name} must be greater than 0, got {value!r}")
    return exact


def _architecture(value: object) -> _ArchitecturePrices:
    prices = _ARCHITECTURES.get(value) if isinstance(value, str) else None
    if prices is None:
        raise PricingError(f"unknown architecture {value!r}; expected one of {sorted(_ARCHITECTURES)}")
    return prices


def _api_prices(value: object) -> tuple[PriceRow, PriceRow]:
    rows = _API_PRICES.get(value) if isinstance(value, str) else None
    if rows is None:
        raise PricingError(f"unknown API type {value!r}; expected one of {sorted(_API_PRICES)}")
    return rows


def _round_up(quantity: Decimal, increment: Decimal) -> Decimal:
    return Decimal(math.ceil(quantity / increment)) * increment


def _chunks(payload_bytes: object, chunk: PriceRow) -> Decimal:
    """How many billed requests one payload is: one per started chunk, at least one."""
    size = _quantity("payload_bytes", payload_bytes)
    return max(Decimal(1), _round_up(size, chunk.price) / chunk.price)


def _after_free(quantity: Decimal, free: PriceRow, *, free_tier: bool) -> Decimal:
    return max(Decimal(0), quantity - free.price) if free_tier else quantity


def _within_first_tier(name: str, quantity: Decimal, tier_size: PriceRow) -> None:
    if quantity > tier_size.price:
        raise PricingError(
            f"{name}={quantity:,} is above the {tier_size.service} {tier_size.item}, "
            f"{tier_size.price:,} {tier_size.unit}; only first-tier prices are in the table"
        )


def _usd(amount: Decimal) -> float:
    return float(amount)


def _gb_seconds(memory_mb: Decimal, milliseconds: Decimal) -> Decimal:
    return memory_mb / _MB_PER_GB * milliseconds / _THOUSAND


# --- Lambda -------------------------------------------------------------------------------------
def _lambda_request_cost(requests: object, *, free_tier: bool) -> Decimal:
    billable = _after_free(_quantity("requests", requests), _FREE_REQUESTS, free_tier=free_tier)
    return billable * _LAMBDA_REQUESTS.price / _MILLION


def _tiered_duration_cost(start: Decimal, end: Decimal, prices: _ArchitecturePrices) -> Decimal:
    """Cost of the month's GB-s from ``start`` to ``end``, each slice at the price of its tier."""
    cost = Decimal(0)
    lower = Decimal(0)
    for upper, price in prices.duration_tiers:
        overlap = min(end, upper) - max(start, lower)
        if overlap > 0:
            cost += overlap * price
        lower = upper
    return cost


def _lambda_duration_cost(gb_s: Decimal, *, architecture: object, free_tier: bool) -> Decimal:
    prices = _architecture(architecture)
    start = min(gb_s, _FREE_GB_SECONDS.price) if free_tier else Decimal(0)
    return _tiered_duration_cost(start, gb_s, prices)


def lambda_request_cost(requests: int, *, free_tier: bool = False) -> float:
    """Request charge for a month of ``requests`` invocations ($0.20 per 1M; 1M free with ``free_tier``)."""
    return _usd(_lambda_request_cost(requests, free_tier=free_tier))


def lambda_duration_cost(
    gb_seconds: float, *, architecture: Architecture = "x86_64", free_tier: bool = False
) -> float:
    """On-demand duration charge for a month's total ``gb_seconds``, applying the monthly price tiers.

    With ``free_tier`` the first 400,000 GB-s of the month are free; tier boundaries stay at their
    positions in aggregate monthly usage (the free GB-s come out of tier 1).
    """
    total = _quantity("gb_seconds", gb_seconds)
    return _usd(_lambda_duration_cost(total, architecture=architecture, free_tier=free_tier))


def billed_duration_ms(duration_ms: float) -> int:
    """The billed duration of one invocation: ``duration_ms`` rounded up to the next whole millisecond."""
    return int(_round_up(_quantity("duration_ms", duration_ms), _DURATION_INCREMENT.price))


def gb_seconds(memory_mb: int, billed_ms: float) -> float:
    """GB-seconds of ``billed_ms`` milliseconds at ``memory_mb`` MB: memory/1024 * ms/1000."""
    return _usd(_gb_seconds(_positive("memory_mb", memory_mb), _quantity("billed_ms", billed_ms)))


def lambda_invocation_cost(
    memory_mb: int, billed_ms: int, *, architecture: Architecture = "x86_64", provisioned: bool = False
) -> float:
    """Cost of one invocation: one request plus its duration, with no free tier.

    Duration is priced at the tier-1 on-demand price, or with ``provisioned`` (the invocation ran in a
    provisioned-concurrency environment) at the provisioned-duration price; the kept-warm charge is
    not included (see :func:`provisioned_concurrency_cost`).
    """
    prices = _architecture(architecture)
    gb_s = _gb_seconds(_positive("memory_mb", memory_mb), _quantity("billed_ms", billed_ms))
    price = prices.provisioned_duration if provisioned else prices.duration_tiers[0][1]
    return _usd(_LAMBDA_REQUESTS.price / _MILLION + gb_s * price)


def lambda_monthly_cost(
    invocations: int,
    avg_billed_ms: float,
    memory_mb: int,
    *,
    architecture: Architecture = "x86_64",
    free_tier: bool = False,
    ephemeral_storage_mb: int = 512,
) -> LambdaCostBreakdown:
    """A month of on-demand charges: requests, tiered duration and ephemeral storage above 512 MB.

    The free tier (``free_tier=True``) covers 1M requests and 400,000 GB-s; it does not cover ephemeral
    storage. ``avg_billed_ms`` is the mean billed (already rounded up) duration per invocation,
    including any billed INIT time.
    """
    count = _quantity("invocations", invocations)
    milliseconds = count * _quantity("avg_billed_ms", avg_billed_ms)
    storage_mb = _quantity("ephemeral_storage_mb", ephemeral_storage_mb)
    if storage_mb < _EPHEMERAL_INCLUDED.price:
        raise PricingError(
            f"ephemeral_storage_mb must be at least {_EPHEMERAL_INCLUDED.price} (the included amount), "
            f"got {ephemeral_storage_mb!r}"
        )
    duration_gb_s = _gb_seconds(_positive("memory_mb", memory_mb), milliseconds)
    requests = _lambda_request_cost(count, free_tier=free_tier)
    duration = _lambda_duration_cost(duration_gb_s, architecture=architecture, free_tier=free_tier)
    extra_storage_gb_s = _gb_seconds(storage_mb - _EPHEMERAL_INCLUDED.price, milliseconds)
    storage = extra_storage_gb_s * _EPHEMERAL_STORAGE.price
    return LambdaCostBreakdown(
        requests=_usd(requests),
        duration=_usd(duration),
        ephemeral_storage=_usd(storage),
        total=_usd(requests + duration + storage),
    )


def provisioned_concurrency_breakdown(
    concurrency: int,
    memory_mb: int,
    seconds_enabled: float,
    *,
    architecture: Architecture = "x86_64",
    invocations: int = 0,
    avg_billed_ms: float = 0,
) -> ProvisionedConcurrencyCostBreakdown:
    """Charges of a function with ``concurrency`` provisioned environments (no free tier applies).

    ``seconds_enabled`` is one enable-to-disable period, rounded up to 5 minutes (several periods:
    call once per period, or pass their sum when each is a whole number of 5-minute blocks). The
    ``invocations`` are assumed to run within the provisioned concurrency: their duration is billed at
    the provisioned-duration price; spill-over to on-demand environments is not modelled.
    """
    prices = _architecture(architecture)
    memory = _positive("memory_mb", memory_mb)
    enabled_s = _round_up(_quantity("seconds_enabled", seconds_enabled), _PC_INCREMENT.price)
    kept_warm_gb_s = _quantity("concurrency", concurrency) * _gb_seconds(memory, enabled_s * _THOUSAND)
    count = _quantity("invocations", invocations)
    executed_gb_s = _gb_seconds(memory, count * _quantity("avg_billed_ms", avg_billed_ms))
    provisioned = kept_warm_gb_s * prices.provisioned
    duration = executed_gb_s * prices.provisioned_duration
    requests = _lambda_request_cost(count, free_tier=False)
    return ProvisionedConcurrencyCostBreakdown(
        provisioned_concurrency=_usd(provisioned),
        duration=_usd(duration),
        requests=_usd(requests),
        total=_usd(provisioned + duration + requests),
    )


def provisioned_concurrency_cost(
    concurrency: int,
    memory_mb: int,
    seconds_enabled: float,
    *,
    architecture: Architecture = "x86_64",
    invocations: int = 0,
    avg_billed_ms: float = 0,
) -> float:
    """Total of :func:`provisioned_concurrency_breakdown`: kept-warm charge, duration and requests."""
    return provisioned_concurrency_breakdown(
        concurrency,
        memory_mb,
        seconds_enabled,
        architecture=architecture,
        invocations=invocations,
        avg_billed_ms=avg_billed_ms,
    ).total


# --- Messaging and events -----------------------------------------------------------------------
def sqs_request_count(payload_bytes: int) -> int:
    """Billed SQS requests for one payload: one per started 64 KB (65,536-byte) chunk, at least one."""
    return int(_chunks(payload_bytes, _SQS_CHUNK))


def sqs_cost(requests: int, *, fifo: bool = False, free_tier: bool = False) -> float:
    """SQS charge for a month of ``requests`` API requests (sends, receives, deletes, empty receives).

    Count a large payload with :func:`sqs_request_count`. The 1M free requests apply to standard and
    FIFO queues alike. Raises :class:`PricingError` above the first price tier (100B requests/month).
    """
    total = _quantity("requests", requests)
    _within_first_tier("requests", total, _SQS_TIER_1_SIZE)
    price = _SQS_FIFO.price if fifo else _SQS_STANDARD.price
    return _usd(_after_free(total, _SQS_FREE, free_tier=free_tier) * price / _MILLION)


def sns_publish_cost(publishes: int, *, payload_bytes: int = 0, free_tier: bool = False) -> float:
    """SNS standard-topic charge for ``publishes`` messages of ``payload_bytes`` each.

    Each started 64 KB chunk of a payload is billed as one publish (unconfirmed); the 1M free publishes
    count billed chunks. Deliveries to SQS and Lambda are free (unconfirmed) and not charged here.
    """
    billed = _quantity("publishes", publishes) * _chunks(payload_bytes, _SNS_CHUNK)
    return _usd(_after_free(billed, _SNS_FREE, free_tier=free_tier) * _SNS_PUBLISHES.price / _MILLION)


def sns_delivery_cost(deliveries: int) -> float:
    """SNS charge for ``deliveries`` to SQS queues or Lambda functions: none (the table's unconfirmed
    row; the receiving queue's own requests are billed by SQS)."""
    return _usd(_quantity("deliveries", deliveries) * _SNS_DELIVERIES.price)


def eventbridge_cost(events: int, *, payload_bytes: int = 0) -> float:
    """EventBridge charge for ``events`` custom events of ``payload_bytes`` each ($1.00 per 1M, no free tier).

    Each started 64 KB chunk of a payload is billed as one event (unconfirmed).
    """
    billed = _quantity("events", events) * _chunks(payload_bytes, _EVENTBRIDGE_CHUNK)
    return _usd(billed * _EVENTBRIDGE_CUSTOM.price / _MILLION)


def scheduler_cost(invocations: int, *, free_tier: bool = False) -> float:
    """EventBridge Scheduler charge for a month of ``invocations`` ($1.00 per 1M; 14M free with free tier)."""
    billable = _after_free(_quantity("invocations", invocations), _SCHEDULER_FREE, free_tier=free_tier)
    return _usd(billable * _SCHEDULER.price / _MILLION)


# --- Step Functions -----------------------------------------------------------------------------
def stepfunctions_standard_cost(state_transitions: int, *, free_tier: bool = False) -> float:
    """Standard Workflow charge for a month of ``state_transitions`` (retries count as transitions).

    $0.025 per 1,000 transitions; 4,000 free with ``free_tier``.
    """
    transitions = _quantity("state_transitions", state_transitions)
    billable = _after_free(transitions, _SFN_STANDARD_FREE, free_tier=free_tier)
    return _usd(billable * _SFN_STANDARD.price / _THOUSAND)


def stepfunctions_express_cost(requests: int, duration_ms: float, memory_mb: int) -> float:
    """Express Workflow charge for ``requests`` executions of ``duration_ms`` using ``memory_mb`` each.

    $1.00 per 1M requests, plus duration rounded up to 100 ms at memory rounded up to 64 MB. All
    duration is priced at the first-tier $0.0000166667 per GB-s (unconfirmed), which overstates the
    cost once a month's usage passes the first tier.
    """
    count = _quantity("requests", requests)
    billed_ms = _round_up(_quantity("duration_ms", duration_ms), _SFN_EXPRESS_MS_INCREMENT.price)
    billed_mb = _round_up(_positive("memory_mb", memory_mb), _SFN_EXPRESS_MB_INCREMENT.price)
    duration = count * _gb_seconds(billed_mb, billed_ms) * _SFN_EXPRESS_DURATION.price
    return _usd(count * _SFN_EXPRESS_REQUESTS.price / _MILLION + duration)


# --- Data and APIs ------------------------------------------------------------------------------
def dynamodb_on_demand_cost(read_request_units: int, write_request_units: int) -> float:
    """DynamoDB on-demand charge for a month's read and write request units."""
    reads = _quantity("read_request_units", read_request_units) * _DYNAMODB_READ.price
    writes = _quantity("write_request_units", write_request_units) * _DYNAMODB_WRITE.price
    return _usd((reads + writes) / _MILLION)


def apigateway_cost(requests: int, *, api: ApiType = "http") -> float:
    """API Gateway charge for a month of ``requests``: HTTP API $1.00 per 1M, REST API $3.50 per 1M.

    Raises :class:`PricingError` above the first price tier (300M HTTP / 333M REST requests per month).
    """
    price, tier_size = _api_prices(api)
    total = _quantity("requests", requests)
    _within_first_tier("requests", total, tier_size)
    return _usd(total * price.price / _MILLION)


def s3_request_cost(puts: int, gets: int = 0) -> float:
    """S3 Standard request charge (unconfirmed prices): ``puts`` PUT-class and ``gets`` GET-class requests.

    Storage and data transfer are not included.
    """
    put_cost = _quantity("puts", puts) * _S3_PUT.price / _THOUSAND
    return _usd(put_cost + _quantity("gets", gets) * _S3_GET.price / _THOUSAND)


def dynamodb_write_request_units(item_bytes: int) -> int:
    """Write request units of writing one item of ``item_bytes``: one per started 1 KB, at least one."""
    size = _quantity("item_bytes", item_bytes)
    return max(1, int(_round_up(size, _DYNAMODB_WRITE_UNIT_SIZE.price) / _DYNAMODB_WRITE_UNIT_SIZE.price))


def dynamodb_read_request_units(item_bytes: int, *, strongly_consistent: bool = True) -> float:
    """Read request units of reading one item of ``item_bytes``: one per started 4 KB (half for an
    eventually consistent read), at least one (or half)."""
    size = _quantity("item_bytes", item_bytes)
    units = max(1, int(_round_up(size, _DYNAMODB_READ_UNIT_SIZE.price) / _DYNAMODB_READ_UNIT_SIZE.price))
    return float(units) if strongly_consistent else units / 2


# --- Kinesis Data Streams (unconfirmed prices) --------------------------------------------------
_BYTES_PER_GB: Final = Decimal(1024**3)


def kinesis_put_payload_units(record_bytes: list[int]) -> int:
    """PUT payload units of writing records of these sizes: one per started 25 KB of each, at least one."""
    return sum(int(_chunks(size, _KINESIS_PUT_UNIT_SIZE)) for size in record_bytes)


def kinesis_provisioned_cost(shard_hours: float, put_payload_units: int) -> float:
    """A provisioned stream's charge (unconfirmed prices): shard hours plus PUT payload units.

    Extended retention, enhanced fan-out and data transfer are not included; reads by a Lambda mapping
    (GetRecords) cost nothing extra in provisioned mode.
    """
    shards = _quantity("shard_hours", shard_hours) * _KINESIS_SHARD_HOUR.price
    units = _quantity("put_payload_units", put_payload_units) * _KINESIS_PUT_UNITS.price / _MILLION
    return _usd(shards + units)


def kinesis_on_demand_billed_bytes(record_bytes: list[int]) -> int:
    """Bytes an on-demand stream bills for records of these sizes: each rounded up to the next 1 KB."""
    increment = _KINESIS_ON_DEMAND_ROUNDING.price
    return sum(
        int(max(increment, _round_up(_quantity("record_bytes", size), increment))) for size in record_bytes
    )


def kinesis_on_demand_cost(stream_hours: float, ingested_bytes: int, retrieved_bytes: int) -> float:
    """An on-demand stream's charge (unconfirmed prices): stream hours, data in and data out, billed
    bytes (see :func:`kinesis_on_demand_billed_bytes`). Extended retention and enhanced fan-out are
    not included."""
    hours = _quantity("stream_hours", stream_hours) * _KINESIS_STREAM_HOUR.price
    data_in = _quantity("ingested_bytes", ingested_bytes) / _BYTES_PER_GB * _KINESIS_INGESTED.price
    data_out = _quantity("retrieved_bytes", retrieved_bytes) / _BYTES_PER_GB * _KINESIS_RETRIEVED.price
    return _usd(hours + data_in + data_out)


def cloudwatch_logs_ingestion_cost(ingested_bytes: int) -> float:
    """CloudWatch Logs ingestion of ``ingested_bytes`` (standard class, unconfirmed price, storage not
    included)."""
    return _usd(_quantity("ingested_bytes", ingested_bytes) / _BYTES_PER_GB * _LOGS_INGESTED.price)


def cloudwatch_custom_metrics_cost(metrics: int, months: float = 1.0) -> float:
    """``metrics`` custom metrics (each name and dimension set counts once) kept for ``months`` (first
    price tier, unconfirmed)."""
    return _usd(_quantity("metrics", metrics) * _quantity("months", months) * _CUSTOM_METRIC.price)


def secrets_manager_cost(api_calls: int, *, secrets: int = 0, months: float = 1.0) -> float:
    """Secrets Manager: ``api_calls`` API calls plus ``secrets`` secrets stored for ``months``."""
    calls = _quantity("api_calls", api_calls) * _SECRETS_API.price / Decimal(10_000)
    stored = _quantity("secrets", secrets) * _quantity("months", months) * _SECRET_MONTH.price
    return _usd(calls + stored)


def ssm_parameter_cost(api_calls: int, *, higher_throughput: bool = False) -> float:
    """SSM Parameter Store API calls on standard parameters (unconfirmed prices): nothing at standard
    throughput, a price per call with higher throughput enabled."""
    row = _SSM_HIGHER if higher_throughput else _SSM_STANDARD
    per = Decimal(10_000) if higher_throughput else Decimal(1)
    return _usd(_quantity("api_calls", api_calls) * row.price / per)
