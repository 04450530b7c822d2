"""The boto3-to-Lambda converters turn real moto results into records shaped like the fixtures."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer
from moto import mock_aws

from patterns.lab.events import (
    dynamodb_stream_record_from_boto,
    kinesis_record_from_boto,
    load_fixture,
    sqs_record_from_message,
)
from patterns.lab.exceptions import ConfigurationError

pytestmark = pytest.mark.integration

REGION = "us-east-1"


def shape(value: Any, path: str = "$") -> set[tuple[str, str]]:
    """Every (path, JSON type) in a document; list items share one ``[]`` path, so records are unioned."""
    if isinstance(value, dict):
        paths = {(path, "object")}
        for key, item in value.items():
            paths |= shape(item, f"{path}.{key}")
        return paths
    if isinstance(value, list):
        paths = {(path, "array")}
        for item in value:
            paths |= shape(item, f"{path}[]")
        return paths
    json_type = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string"}
    return {(path, json_type[type(value)])}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    with mock_aws():
        yield


def test_sqs_record_from_received_message(aws: None) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="lab-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    body = '{"orderId": "42", "total": 19.99}'
    sqs.send_message(
        QueueUrl=queue_url,
        MessageBody=body,
        MessageAttributes={
            "eventType": {"DataType": "String", "StringValue": "OrderPlaced"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    [message] = sqs.receive_message(
        QueueUrl=queue_url, AttributeNames=["All"], MessageAttributeNames=["All"], MaxNumberOfMessages=1
    )["Messages"]

    record = sqs_record_from_message(message, queue_arn=queue_arn, region=REGION)

    fixture_record = load_fixture("sqs")["Records"][0]
    without_blob = {**record, "messageAttributes": {"eventType": record["messageAttributes"]["eventType"]}}
    assert shape(without_blob) == shape(fixture_record)
    assert list(record) == list(fixture_record)
    assert record["messageId"] == message["MessageId"]
    assert record["receiptHandle"] == message["ReceiptHandle"]
    assert record["body"] == body
    assert record["md5OfBody"] == hashlib.md5(body.encode()).hexdigest()
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["eventType"] == {
        "stringValue": "OrderPlaced",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert base64.b64decode(record["messageAttributes"]["blob"]["binaryValue"]) == b"\x00\x01"
    assert record["eventSourceARN"] == queue_arn
    assert record["awsRegion"] == REGION


def test_sqs_record_from_message_needs_all_attributes(aws: None) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="bare")["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody="hi")
    [message] = sqs.receive_message(QueueUrl=queue_url)["Messages"]

    with pytest.raises(ConfigurationError, match=r"AttributeNames=\['All'\]"):
        sqs_record_from_message(message, queue_arn="arn:aws:sqs:us-east-1:123456789012:bare", region=REGION)


def test_kinesis_record_from_get_records(aws: None) -> None:
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="lab-stream", ShardCount=1)
    description = kinesis.describe_stream(StreamName="lab-stream")["StreamDescription"]
    shard_id = description["Shards"][0]["ShardId"]
    data = b'{"orderId": "42", "total": 19.99}'
    before = time.time()
    kinesis.put_record(StreamName="lab-stream", Data=data, PartitionKey="order-42")
    iterator = kinesis.get_shard_iterator(
        StreamName="lab-stream", ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    [boto_record] = kinesis.get_records(ShardIterator=iterator)["Records"]

    record = kinesis_record_from_boto(
        boto_record, shard_id=shard_id, stream_arn=description["StreamARN"], region=REGION
    )

    fixture_record = load_fixture("kinesis")["Records"][0]
    assert shape(record) == shape(fixture_record)
    assert list(record) == list(fixture_record)
    assert base64.b64decode(record["kinesis"]["data"]) == data
    assert record["kinesis"]["partitionKey"] == "order-42"
    assert record["kinesis"]["sequenceNumber"] == boto_record["SequenceNumber"]
    assert record["eventID"] == f"{shard_id}:{boto_record['SequenceNumber']}"
    assert record["eventSourceARN"] == description["StreamARN"]
    assert before - 1 <= record["kinesis"]["approximateArrivalTimestamp"] <= time.time() + 1


def test_dynamodb_stream_records_from_get_records(aws: None) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    table = dynamodb.create_table(
        TableName="lab-table",
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    stream_arn = table["LatestStreamArn"]
    dynamodb.put_item(TableName="lab-table", Item={"Id": {"N": "101"}, "Message": {"S": "New item!"}})
    dynamodb.put_item(TableName="lab-table", Item={"Id": {"N": "101"}, "Message": {"S": "Changed"}})
    dynamodb.delete_item(TableName="lab-table", Key={"Id": {"N": "101"}})
    dynamodb.put_item(TableName="lab-table", Item={"Id": {"N": "7"}, "Blob": {"B": b"\x00\xff"}})
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    shard_id = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    boto_records = streams.get_records(ShardIterator=iterator)["Records"]

    records = [
        dynamodb_stream_record_from_boto(boto_record, stream_arn=stream_arn, region=REGION)
        for boto_record in boto_records
    ]

    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE", "INSERT"]
    assert shape({"Records": records[:3]}) == shape(load_fixture("dynamodb_stream"))
    assert all(record["eventSourceARN"] == stream_arn for record in records)
    modify = records[1]["dynamodb"]
    deserializer = TypeDeserializer()
    assert {name: deserializer.deserialize(value) for name, value in modify["NewImage"].items()} == {
        "Id": 101,
        "Message": "Changed",
    }
    assert modify["OldImage"]["Message"] == {"S": "New item!"}
    assert modify["ApproximateCreationDateTime"] == pytest.approx(time.time(), abs=60)
    assert records[3]["dynamodb"]["NewImage"]["Blob"] == {"B": base64.b64encode(b"\x00\xff").decode()}
