"""AWS Lambda and event-source limits the lab runtime enforces: one dated, sourced table.

Prices live in :mod:`patterns.lab.pricing`; this module holds the documented limits and defaults.
"""

from __future__ import annotations

from datetime import date
from typing import Final

__all__ = [
    "ACCOUNT_CONCURRENCY_DEFAULT",
    "APIGW_HTTP_INTEGRATION_TIMEOUT_S",
    "APIGW_PAYLOAD_BYTES",
    "APIGW_REST_INTEGRATION_TIMEOUT_S",
    "ASYNC_MAX_RETRY_ATTEMPTS",
    "ASYNC_PAYLOAD_BYTES",
    "ASYNC_RETRY_DELAYS_S",
    "AS_OF",
    "DYNAMODB_STREAMS_GET_RECORDS_MAX",
    "DYNAMODB_STREAMS_POLLS_PER_S",
    "DYNAMODB_STREAM_RETENTION_S",
    "EVENTBRIDGE_LAB_RETRY_BASE_DELAY_S",
    "EVENTBRIDGE_LAB_RETRY_MAX_DELAY_S",
    "EVENTBRIDGE_PUT_EVENTS_MAX_ENTRIES",
    "EVENTBRIDGE_TARGET_MAX_EVENT_AGE_DEFAULT_S",
    "EVENTBRIDGE_TARGET_MAX_EVENT_AGE_MIN_S",
    "EVENTBRIDGE_TARGET_MAX_RETRY_ATTEMPTS_DEFAULT",
    "IDLE_EXPIRY_DEFAULT_S",
    "INIT_TIMEOUT_S",
    "KINESIS_GET_RECORDS_MAX",
    "KINESIS_SHARD_READ_BYTES_PER_S",
    "KINESIS_SHARD_WRITE_BYTES_PER_S",
    "KINESIS_SHARD_WRITE_RECORDS_PER_S",
    "MEMORY_MAX_MB",
    "MEMORY_MIN_MB",
    "MEMORY_PER_VCPU_MB",
    "RECURSIVE_LOOP_LAB_SAFETY_CAP",
    "RECURSIVE_LOOP_MAX_INVOCATIONS",
    "SNS_FIFO_DEDUPLICATION_WINDOW_S",
    "SNS_MANAGED_ENDPOINT_RETRY_PHASES",
    "SOURCES",
    "SQS_BATCH_SIZE_DEFAULT",
    "SQS_BATCH_SIZE_MAX_FIFO",
    "SQS_BATCH_SIZE_MAX_STANDARD",
    "SQS_BATCH_WINDOW_MAX_S",
    "SQS_BATCH_WITHOUT_WINDOW_MAX",
    "SQS_DELAY_MAX_S",
    "SQS_DELETE_BATCH_MAX",
    "SQS_ESM_INITIAL_CONCURRENCY",
    "SQS_FIFO_DEDUPLICATION_WINDOW_S",
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
    "STREAM_BATCH_WINDOW_MAX_S",
    "STREAM_LAB_RETRY_ATTEMPTS_WITH_DESTINATION",
    "STREAM_MAX_RETRY_ATTEMPTS_MAX",
    "STREAM_PARALLELIZATION_FACTOR_MAX",
    "STREAM_RECORD_AGE_MAX_S",
    "STREAM_RECORD_AGE_MIN_S",
    "STREAM_RETRY_BASE_DELAY_S",
    "STREAM_RETRY_MAX_DELAY_S",
    "STREAM_TUMBLING_STATE_MAX_BYTES",
    "STREAM_TUMBLING_WINDOW_MAX_S",
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
    "kinesis_windows": "https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html",
    "kinesis_parallelization": "https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html",
    "kinesis_quotas": "https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html",
    "dynamodb_esm": "https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html",
    "dynamodb_streams": "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html",
    "states_quotas": "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html",
    "states_map": "https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html",
    "apigw_rest": "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html",
    "apigw_http": "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html",
    "sns_retries": "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html",
    "sns_fifo": "https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html",
    "sqs_fifo": "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html",
    "eventbridge_retry": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html",
    "eventbridge_quotas": "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html",
    "recursion": "https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html",
}

MEMORY_MIN_MB: Final = 128
MEMORY_MAX_MB: Final = 10_240
# CPU is allocated in proportion to memory; 1,769 MB has the equivalent of one vCPU (AWS Lambda
# "Configuring function memory", https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
MEMORY_PER_VCPU_MB: Final = 1_769
TIMEOUT_MAX_S: Final = 900
INIT_TIMEOUT_S: Final = 10
SYNC_PAYLOAD_BYTES: Final = 6 * 1024 * 1024
# EventBridge rule targets (SOURCES["eventbridge_retry"]): by default a failed delivery is retried for up to
# 24 hours and 185 attempts; MaximumEventAgeInSeconds is 60-86,400 and MaximumRetryAttempts 0-185.
EVENTBRIDGE_TARGET_MAX_RETRY_ATTEMPTS_DEFAULT: Final = 185
EVENTBRIDGE_TARGET_MAX_EVENT_AGE_DEFAULT_S: Final = 86_400
EVENTBRIDGE_TARGET_MAX_EVENT_AGE_MIN_S: Final = 60
# AWS retries "with exponential back-off and jitter" without publishing the schedule: the lab waits
# 1, 2, 4... s capped at 480 s (no jitter), so 185 attempts take about the default 24 hours.
EVENTBRIDGE_LAB_RETRY_BASE_DELAY_S: Final = 1.0
EVENTBRIDGE_LAB_RETRY_MAX_DELAY_S: Final = 480.0
EVENTBRIDGE_PUT_EVENTS_MAX_ENTRIES: Final = 10  # SOURCES["eventbridge_quotas"]: entries per PutEvents call
ASYNC_PAYLOAD_BYTES: Final = 1024 * 1024  # raised from 256 KB in October 2025
ACCOUNT_CONCURRENCY_DEFAULT: Final = 1_000
ASYNC_MAX_RETRY_ATTEMPTS: Final = 2
ASYNC_RETRY_DELAYS_S: Final = (60.0, 120.0)  # "about 1 minute, then 2 minutes"
# SOURCES["recursion"]: when a function is invoked "approximately 16 times in the same chain of requests",
# Lambda stops the next invocation in that chain (recursive loop detection; the setting "Allow" opts out).
RECURSIVE_LOOP_MAX_INVOCATIONS: Final = 16
# Not an AWS figure: the lab cuts a loop that is allowed to recur after this many hops, so it never hangs.
RECURSIVE_LOOP_LAB_SAFETY_CAP: Final = 1_000
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
SQS_FIFO_DEDUPLICATION_WINDOW_S: Final = 300  # SOURCES["sqs_fifo"]: a MessageDeduplicationId counts 5 minutes
SQS_VISIBILITY_TIMEOUT_MAX_S: Final = 43_200  # 12 hours
SQS_SEND_BATCH_MAX: Final = 10  # entries of one SendMessageBatch call
SQS_DELAY_MAX_S: Final = 900  # SOURCES["sqs_quotas"]: DelaySeconds of a message or queue, 0-15 minutes
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
# SOURCES["dynamodb_streams"]: Lambda polls each shard of a DynamoDB stream 4 times a second
DYNAMODB_STREAMS_POLLS_PER_S: Final = 4
STREAM_BATCH_WINDOW_MAX_S: Final = 300  # SOURCES["dynamodb_esm"]: MaximumBatchingWindowInSeconds 0-300 s
KINESIS_GET_RECORDS_MAX: Final = 10_000
# SOURCES["kinesis_quotas"]: a shard takes 1 MiB/s or 1,000 records/s of writes, serves 2 MiB/s of reads.
KINESIS_SHARD_WRITE_BYTES_PER_S: Final = 1_048_576
KINESIS_SHARD_WRITE_RECORDS_PER_S: Final = 1_000
KINESIS_SHARD_READ_BYTES_PER_S: Final = 2_097_152
# SOURCES["kinesis_parallelization"]: ParallelizationFactor 1-10 concurrent batches per shard;
# SOURCES["kinesis_windows"]: TumblingWindowInSeconds 0-900, at most 1 MB of state per shard.
STREAM_PARALLELIZATION_FACTOR_MAX: Final = 10
STREAM_TUMBLING_WINDOW_MAX_S: Final = 900
STREAM_TUMBLING_STATE_MAX_BYTES: Final = 1_048_576
# The lab's own choices (AWS documents neither): a stream mapping with an on-failure destination and no
# explicit MaximumRetryAttempts retries this many times, and a failed stream batch waits
# base * 2**(failures - 1) seconds of virtual time, at most the maximum, before the next attempt.
STREAM_LAB_RETRY_ATTEMPTS_WITH_DESTINATION: Final = 3
STREAM_RETRY_BASE_DELAY_S: Final = 1.0
STREAM_RETRY_MAX_DELAY_S: Final = 60.0

APIGW_PAYLOAD_BYTES: Final = 10 * 1024 * 1024  # request payload, REST and HTTP APIs
APIGW_REST_INTEGRATION_TIMEOUT_S: Final = 29  # REST API default (raisable for Regional APIs)
APIGW_HTTP_INTEGRATION_TIMEOUT_S: Final = 30  # HTTP API maximum

# SNS delivery retries to AWS-managed endpoints (Lambda, SQS, Firehose), after the first attempt, as
# (phase, retries, first delay s, last delay s); backoff delays grow exponentially between the two.
# Not in the course's reference figures: [U], from SOURCES["sns_retries"] (its table: 100,015 over 23 days).
SNS_MANAGED_ENDPOINT_RETRY_PHASES: Final = (
    ("immediate", 3, 0.0, 0.0),
    ("pre-backoff", 2, 1.0, 1.0),
    ("backoff", 10, 1.0, 20.0),
    ("post-backoff", 100_000, 20.0, 20.0),
)
SNS_FIFO_DEDUPLICATION_WINDOW_S: Final = 300  # [U] SOURCES["sns_fifo"]: a deduplication id counts 5 minutes

STATES_STANDARD_MAX_DURATION_S: Final = 31_536_000  # a Standard workflow execution runs up to one year
STATES_EXPRESS_MAX_DURATION_S: Final = 300  # an Express workflow execution runs up to five minutes
STATES_MAP_INLINE_MAX_CONCURRENCY: Final = 40  # concurrent iterations of an inline Map state
