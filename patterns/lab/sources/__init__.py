"""Event sources that drive locally deployed Lambda functions from the sandbox's AWS services.

Each source implements the sandbox's ``EventSource`` protocol: it does its work when the sandbox settles
(``sandbox.settle()``) and as virtual time passes (``sandbox.advance(seconds)``), through boto3 calls to
the sandbox's services. Attach one with its constructor function:

* :func:`sqs_event_source` - an SQS queue -> function event source mapping;
* :func:`dynamodb_stream_source`, :func:`kinesis_stream_source` - stream pollers, per shard, in order;
* :func:`schedule_source` - EventBridge schedule rules and EventBridge Scheduler schedules.

EventBridge rules with event patterns, SNS subscriptions and S3 notifications need no source: the
sandbox routes moto's own deliveries to the runtime (:mod:`patterns.lab.hooks`).
"""

from patterns.lab.sources.scheduled import ScheduledFire, ScheduleSource, schedule_source
from patterns.lab.sources.sqs import SqsEventSourceMapping, SqsMappingStats, sqs_event_source
from patterns.lab.sources.streams import (
    DynamoDBStreamSource,
    IteratorAgeSample,
    KinesisStreamSource,
    StartingPosition,
    StreamSourceStats,
    dynamodb_stream_source,
    kinesis_stream_source,
)

__all__ = [
    "DynamoDBStreamSource",
    "IteratorAgeSample",
    "KinesisStreamSource",
    "ScheduleSource",
    "ScheduledFire",
    "SqsEventSourceMapping",
    "SqsMappingStats",
    "StartingPosition",
    "StreamSourceStats",
    "dynamodb_stream_source",
    "kinesis_stream_source",
    "schedule_source",
    "sqs_event_source",
]
