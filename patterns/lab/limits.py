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
    "DYNAMODB_STREAMS_GET_RECORDS_MAX",
    "DYNAMODB_STREAM_RETENTION_S",
    "IDLE_EXPIRY_DEFAULT_S",
    "INIT_TIMEOUT_S",
    "KINESIS_GET_RECORDS_MAX",
    "MEMORY_MAX_MB",
    "MEMORY_MIN_MB",
    "SOURCES",
    "SQS_BATCH_SIZE_DEFAULT",
    "SQS_BATCH_SIZE_MAX_FIFO",
    "SQS_BATCH_SIZE_MAX_STANDARD",
    "SQS_BATCH_WINDOW_MAX_S",
    "SQS_BATCH_WITHOUT_WINDOW_MAX",
    "SQS_DELETE_BATCH_MAX",
    "SQS_ESM_INITIAL_CONCURRENCY",
    "SQS_MAXIMUM_CONCURRENCY_MAX",
    "SQS_MAXIMUM_CONCURRENCY_MIN",
    "SQS_MESSAGE_MAX_BYTES",
    "SQS_RECEIVE_MAX_MESSAGES",
    "SQS_SEND_BATCH_MAX",
    "SQS_VISIBILITY_TIMEOUT_MAX_S",
    "STATES_EXPRESS_MAX_DURATION_S",
    "STATES_MAP_INLINE_MAX_CONCURRENCY",
    "STATES_STANDARD_MAX_DURATION_S",
    "STREAM_BATCH_SIZE_DEFAULT",
    "STREAM_BATCH_SIZE_MAX",
    "STREAM_LAB_RETRY_ATTEMPTS_WITH_DESTINATION",
    "STREAM_MAX_RETRY_ATTEMPTS_MAX",
    "STREAM_RECORD_AGE_MAX_S",
    "STREAM_RECORD_AGE_MIN_S",
    "STREAM_RETRY_BASE_DELAY_S",
    "STREAM_RETRY_MAX_DELAY_S",
    "SYNC_PAYLOAD_BYTES",
    "TIMEOUT_MAX_S",
]

AS_OF: Final = date(2026, 9, 1)
SOURCES: Final = {
    "lambda_limits": "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
    "async": "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html",
    "sqs_esm": "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
    "environments": "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html",
    "sqs_scaling": "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html",
    "sqs_quotas": "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html",
    "kinesis_esm": "https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html",
    "dynamodb_esm": "https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html",
    "states_quotas": "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html",
    "states_map": "https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html",
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

SQS_RECEIVE_MAX_MESSAGES: Final = 10  # MaxNumberOfMessages of one ReceiveMessage call
SQS_DELETE_BATCH_MAX: Final = 10  # entries of one DeleteMessageBatch / ChangeMessageVisibilityBatch call
SQS_VISIBILITY_TIMEOUT_MAX_S: Final = 43_200  # 12 hours
SQS_SEND_BATCH_MAX: Final = 10  # entries of one SendMessageBatch call
SQS_MESSAGE_MAX_BYTES: Final = 1_048_576  # a message, and a whole SendMessageBatch (1 MiB since August 2025)
SQS_MAXIMUM_CONCURRENCY_MIN: Final = 2  # the mapping's MaximumConcurrency (ScalingConfig)
SQS_MAXIMUM_CONCURRENCY_MAX: Final = 1_000
SQS_ESM_INITIAL_CONCURRENCY: Final = 5  # "Lambda starts processing five batches at a time"

STREAM_BATCH_SIZE_DEFAULT: Final = 100  # Kinesis and DynamoDB Streams mappings
STREAM_BATCH_SIZE_MAX: Final = 10_000
STREAM_MAX_RETRY_ATTEMPTS_MAX: Final = 10_000  # -1 (the default) retries until the record expires
STREAM_RECORD_AGE_MIN_S: Final = 60  # MaximumRecordAgeInSeconds: -1 (infinite) or 60 s - 7 days
STREAM_RECORD_AGE_MAX_S: Final = 604_800
DYNAMODB_STREAM_RETENTION_S: Final = 86_400  # stream records live 24 hours
DYNAMODB_STREAMS_GET_RECORDS_MAX: Final = 1_000  # Limit of one GetRecords call
KINESIS_GET_RECORDS_MAX: Final = 10_000
# The lab's own choices (AWS documents neither): a stream mapping with an on-failure destination and no
# explicit MaximumRetryAttempts retries this many times, and a failed stream batch waits
# base * 2**(failures - 1) seconds of virtual time, at most the maximum, before the next attempt.
STREAM_LAB_RETRY_ATTEMPTS_WITH_DESTINATION: Final = 3
STREAM_RETRY_BASE_DELAY_S: Final = 1.0
STREAM_RETRY_MAX_DELAY_S: Final = 60.0

STATES_STANDARD_MAX_DURATION_S: Final = 31_536_000  # a Standard workflow execution runs up to one year
STATES_EXPRESS_MAX_DURATION_S: Final = 300  # an Express workflow execution runs up to five minutes
STATES_MAP_INLINE_MAX_CONCURRENCY: Final = 40  # concurrent iterations of an inline Map state
