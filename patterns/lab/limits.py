"""AWS Lambda and event-source limits the lab runtime enforces: one dated, sourced table.

Prices live in :mod:`patterns.lab.pricing`; this module holds the documented limits and defaults.
"""

from __future__ import annotations

from datetime import date
from typing import Final

__all__ = [
    "ACCOUNT_CONCURRENCY_DEFAULT",
    "ASYNC_MAX_RETRY_ATTEMPTS",
    "ASYNC_PAYLOAD_BYTES",
    "ASYNC_RETRY_DELAYS_S",
    "AS_OF",
    "IDLE_EXPIRY_DEFAULT_S",
    "INIT_TIMEOUT_S",
    "MEMORY_MAX_MB",
    "MEMORY_MIN_MB",
    "SOURCES",
    "SQS_BATCH_SIZE_DEFAULT",
    "SQS_BATCH_SIZE_MAX_FIFO",
    "SQS_BATCH_SIZE_MAX_STANDARD",
    "SQS_BATCH_WINDOW_MAX_S",
    "SQS_BATCH_WITHOUT_WINDOW_MAX",
    "SYNC_PAYLOAD_BYTES",
    "TIMEOUT_MAX_S",
]

AS_OF: Final = date(2026, 9, 1)
SOURCES: Final = {
    "lambda_limits": "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
    "async": "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html",
    "sqs_esm": "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
    "environments": "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html",
}

MEMORY_MIN_MB: Final = 128
MEMORY_MAX_MB: Final = 10_240
TIMEOUT_MAX_S: Final = 900
INIT_TIMEOUT_S: Final = 10
SYNC_PAYLOAD_BYTES: Final = 6 * 1024 * 1024
ASYNC_PAYLOAD_BYTES: Final = 1024 * 1024  # raised from 256 KB in October 2025
ACCOUNT_CONCURRENCY_DEFAULT: Final = 1_000
ASYNC_MAX_RETRY_ATTEMPTS: Final = 2
ASYNC_RETRY_DELAYS_S: Final = (60.0, 120.0)  # "about 1 minute, then 2 minutes"
# AWS reclaims idle environments non-deterministically (observed 5-10 minutes and longer); the lab
# uses a fixed, configurable expiry so demonstrations are repeatable.
IDLE_EXPIRY_DEFAULT_S: Final = 600.0

SQS_BATCH_SIZE_DEFAULT: Final = 10
SQS_BATCH_SIZE_MAX_STANDARD: Final = 10_000
SQS_BATCH_SIZE_MAX_FIFO: Final = 10
SQS_BATCH_WINDOW_MAX_S: Final = 300
SQS_BATCH_WITHOUT_WINDOW_MAX: Final = 10  # a batch size above this needs a window of at least 1 s
