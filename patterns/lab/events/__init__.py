"""Builders for Lambda events shaped exactly like the ones AWS delivers, plus real-shaped JSON samples.

Every builder returns a plain, JSON-serialisable dict. The ``*_from_message``/``*_from_boto``
converters turn boto3 results (from moto) into the record shape an event source mapping delivers.
"""

from __future__ import annotations

from patterns.lab.events._common import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from patterns.lab.events.apigateway import api_gateway_http_event, api_gateway_rest_event
from patterns.lab.events.dynamodb import (
    DynamoDBStreamChange,
    dynamodb_json,
    dynamodb_stream_event,
    dynamodb_stream_record,
    dynamodb_stream_record_from_boto,
)
from patterns.lab.events.eventbridge import eventbridge_event
from patterns.lab.events.fixture_loader import fixture_names, load_fixture
from patterns.lab.events.kinesis import (
    KinesisRecordSpec,
    kinesis_event,
    kinesis_record,
    kinesis_record_from_boto,
)
from patterns.lab.events.s3 import s3_event, s3_object_key_in_event
from patterns.lab.events.sns import sns_event, sns_record
from patterns.lab.events.sqs import SqsMessageSpec, sqs_event, sqs_record, sqs_record_from_message

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "DynamoDBStreamChange",
    "KinesisRecordSpec",
    "SqsMessageSpec",
    "api_gateway_http_event",
    "api_gateway_rest_event",
    "dynamodb_json",
    "dynamodb_stream_event",
    "dynamodb_stream_record",
    "dynamodb_stream_record_from_boto",
    "eventbridge_event",
    "fixture_names",
    "kinesis_event",
    "kinesis_record",
    "kinesis_record_from_boto",
    "load_fixture",
    "s3_event",
    "s3_object_key_in_event",
    "sns_event",
    "sns_record",
    "sqs_event",
    "sqs_record",
    "sqs_record_from_message",
]
