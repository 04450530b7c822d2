"""The event builders produce the same shapes as the real-shaped JSON fixtures, with real-looking values."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import unquote_plus

import pytest
from boto3.dynamodb.types import TypeDeserializer

from patterns.lab.events import (
    DynamoDBStreamChange,
    KinesisRecordSpec,
    SqsMessageSpec,
    api_gateway_http_event,
    api_gateway_rest_event,
    dynamodb_json,
    dynamodb_stream_event,
    dynamodb_stream_record,
    eventbridge_event,
    fixture_names,
    kinesis_event,
    kinesis_record,
    load_fixture,
    s3_event,
    sns_event,
    sqs_event,
    sqs_record,
)
from patterns.lab.exceptions import ConfigurationError, LabError

pytestmark = pytest.mark.unit

ORDER = {"orderId": "42", "total": 19.99}
EXPECTED_FIXTURES = (
    "apigw_http",
    "apigw_rest",
    "dynamodb_stream",
    "eventbridge",
    "kinesis",
    "s3_put",
    "sns",
    "sqs",
)


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


def built_like_fixtures() -> dict[str, dict[str, Any]]:
    """Each builder fed the same user data its fixture holds, keyed by fixture name."""
    rest = load_fixture("apigw_rest")
    http = load_fixture("apigw_http")
    keys = {"Id": 101}
    return {
        "apigw_rest": api_gateway_rest_event(
            "POST",
            "/orders/42",
            body={"item": "book", "quantity": 2},
            headers=rest["multiValueHeaders"],
            query=rest["multiValueQueryStringParameters"],
            path_parameters={"orderId": "42"},
            resource="/orders/{orderId}",
        ),
        "apigw_http": api_gateway_http_event(
            "POST",
            "/orders/42",
            body={"item": "book", "quantity": 2},
            headers=http["headers"],
            query={"verbose": "true", "tag": ["rush", "gift"]},
            path_parameters={"orderId": "42"},
            route_key="POST /orders/{orderId}",
            cookies=http["cookies"],
        ),
        "sqs": sqs_event(
            [SqsMessageSpec(ORDER, message_attributes={"eventType": "OrderPlaced"}), "Test message."]
        ),
        "sns": sns_event(
            {"orderId": "42"},
            subject="OrderPlaced",
            message_attributes={"eventType": "OrderPlaced", "priority": 2},
        ),
        "s3_put": s3_event("lab-uploads", "incoming/red flower.jpg", size=1305107),
        "eventbridge": eventbridge_event(
            ORDER,
            source="lab.orders",
            detail_type="OrderPlaced",
            resources=["arn:aws:dynamodb:us-east-1:123456789012:table/orders"],
        ),
        "dynamodb_stream": dynamodb_stream_event(
            [
                DynamoDBStreamChange("INSERT", keys, new_image={"Message": "New item!"}),
                DynamoDBStreamChange(
                    "MODIFY", keys, new_image={"Message": "This item has changed"}, old_image={"Message": "x"}
                ),
                DynamoDBStreamChange("REMOVE", keys, old_image={"Message": "This item has changed"}),
            ]
        ),
        "kinesis": kinesis_event([KinesisRecordSpec(ORDER, partition_key="order-42")]),
    }


def test_every_source_has_a_fixture_and_a_builder() -> None:
    assert fixture_names() == EXPECTED_FIXTURES
    assert set(built_like_fixtures()) == set(EXPECTED_FIXTURES)


@pytest.mark.parametrize("name", EXPECTED_FIXTURES)
def test_builder_output_has_the_fixture_shape(name: str) -> None:
    built = built_like_fixtures()[name]
    fixture = load_fixture(name)

    assert shape(built) == shape(fixture)
    assert list(built) == list(fixture), "top-level keys come in AWS's order"


@pytest.mark.parametrize("name", EXPECTED_FIXTURES)
def test_builder_output_is_plain_json(name: str) -> None:
    built = built_like_fixtures()[name]

    assert json.loads(json.dumps(built)) == built


def test_load_fixture_names_the_available_fixtures_when_unknown() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_fixture("nope")

    message = str(caught.value)
    assert "'nope'" in message
    assert all(name in message for name in EXPECTED_FIXTURES)
    assert isinstance(caught.value, LabError)


def test_load_fixture_returns_a_fresh_copy() -> None:
    load_fixture("sqs")["Records"].clear()

    assert len(load_fixture("sqs")["Records"]) == 2


# --- API Gateway -------------------------------------------------------------------------------


def test_rest_event_keeps_last_single_value_and_all_multi_values() -> None:
    event = api_gateway_rest_event(
        "post",
        "/orders/42",
        query={"tag": ["rush", "gift"], "verbose": "true"},
        headers={"X-Multi": ["a", "b"]},
    )

    assert event["httpMethod"] == "POST"
    assert event["queryStringParameters"] == {"tag": "gift", "verbose": "true"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["rush", "gift"], "verbose": ["true"]}
    assert event["headers"]["X-Multi"] == "b"
    assert event["multiValueHeaders"]["X-Multi"] == ["a", "b"]
    assert event["requestContext"]["path"] == "/dev/orders/42"
    assert event["resource"] == event["requestContext"]["resourcePath"] == "/orders/42"


def test_rest_event_dict_body_is_json_with_content_type() -> None:
    event = api_gateway_rest_event("POST", "/orders", body={"item": "book"})

    assert json.loads(event["body"]) == {"item": "book"}
    assert event["headers"]["Content-Type"] == "application/json"
    assert event["isBase64Encoded"] is False


def test_rest_event_caller_headers_replace_defaults_case_insensitively() -> None:
    event = api_gateway_rest_event(
        headers={"user-agent": "pytest", "content-type": "text/plain"}, body={"a": 1}
    )

    assert event["headers"]["user-agent"] == "pytest"
    assert "User-Agent" not in event["headers"]
    assert "Content-Type" not in event["headers"]
    assert event["requestContext"]["identity"]["userAgent"] == "pytest"


def test_rest_event_without_query_or_parameters_has_nulls_like_api_gateway() -> None:
    event = api_gateway_rest_event()

    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None


def test_rest_event_times_match_each_other() -> None:
    moment = datetime(2024, 3, 4, 19, 15, 17, 135000, tzinfo=UTC)

    context = api_gateway_rest_event(request_time=moment)["requestContext"]

    assert context["requestTime"] == "04/Mar/2024:19:15:17 +0000"
    assert context["requestTimeEpoch"] == 1709579717135


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"method": "FETCH"}, "FETCH"),
        ({"path": "orders"}, "'orders'"),
        ({"body": {"a": 1}, "is_base64_encoded": True}, "base64"),
        ({"body": {"when": datetime(2024, 1, 1)}}, "JSON-serialisable"),
    ],
)
def test_api_gateway_builders_reject_bad_requests(kwargs: dict[str, Any], fragment: str) -> None:
    for builder in (api_gateway_rest_event, api_gateway_http_event):
        with pytest.raises(ConfigurationError, match=re.escape(fragment)):
            builder(**kwargs)


def test_http_event_lowercases_headers_and_joins_repeated_values() -> None:
    event = api_gateway_http_event(
        "GET", "/items", headers={"X-Multi": ["a", "b"]}, query={"tag": ["rush", "gift"], "q": "x y"}
    )

    assert event["headers"]["x-multi"] == "a,b"
    assert event["queryStringParameters"] == {"tag": "rush,gift", "q": "x y"}
    assert event["rawQueryString"] == "tag=rush&tag=gift&q=x+y"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "GET /items"
    assert event["requestContext"]["http"]["method"] == "GET"


def test_http_event_leaves_out_empty_parts_like_http_api() -> None:
    event = api_gateway_http_event()

    assert {"cookies", "queryStringParameters", "pathParameters", "body", "stageVariables"}.isdisjoint(event)
    assert event["rawQueryString"] == ""
    assert event["version"] == "2.0"


def test_http_event_named_stage_prefixes_raw_path() -> None:
    event = api_gateway_http_event("GET", "/items", stage="prod")

    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/prod/items"
    assert event["routeKey"] == "GET /items"


# --- SQS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["Test message.", "", "ünïcødé ✓", ORDER])
def test_sqs_md5_of_body_is_the_md5_of_the_body(body: str | dict[str, Any]) -> None:
    record = sqs_record(body)

    assert record["md5OfBody"] == hashlib.md5(record["body"].encode("utf-8")).hexdigest()


def test_sqs_fixture_md5s_agree_with_the_builder() -> None:
    for fixture_record in load_fixture("sqs")["Records"]:
        assert sqs_record(fixture_record["body"])["md5OfBody"] == fixture_record["md5OfBody"]


def test_sqs_record_message_attributes_use_lambda_camel_case() -> None:
    record = sqs_record(
        "hi",
        message_attributes={
            "kind": "greeting",
            "count": 3,
            "blob": b"\x00\x01",
            "given": {"DataType": "String.custom", "StringValue": "v"},
        },
    )

    attributes = record["messageAttributes"]
    assert attributes["kind"] == {
        "stringValue": "greeting",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert attributes["count"]["dataType"] == "Number"
    assert attributes["count"]["stringValue"] == "3"
    assert base64.b64decode(attributes["blob"]["binaryValue"]) == b"\x00\x01"
    assert attributes["blob"]["dataType"] == "Binary"
    assert attributes["given"]["dataType"] == "String.custom"


def test_sqs_record_system_attributes_and_source() -> None:
    record = sqs_record(
        "hi",
        queue_arn="arn:aws:sqs:eu-west-1:111122223333:orders.fifo",
        approximate_receive_count=3,
        sent_timestamp_ms=1_700_000_000_000,
        attributes={"MessageGroupId": "g1"},
    )

    assert record["attributes"] == {
        "ApproximateReceiveCount": "3",
        "SentTimestamp": "1700000000000",
        "SenderId": record["attributes"]["SenderId"],
        "ApproximateFirstReceiveTimestamp": "1700000000000",
        "MessageGroupId": "g1",
    }
    assert record["awsRegion"] == "eu-west-1"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:eu-west-1:111122223333:orders.fifo"


def test_sqs_event_gives_each_record_its_own_ids() -> None:
    records = sqs_event(["a", "b", "c"])["Records"]

    assert [record["body"] for record in records] == ["a", "b", "c"]
    assert len({record["messageId"] for record in records}) == 3
    assert len({record["receiptHandle"] for record in records}) == 3


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: sqs_event([]), "at least one message"),
        (lambda: sqs_record("x", approximate_receive_count=0), "got 0"),
        (lambda: sqs_record("x", message_attributes={"flag": True}), "'flag'"),
        (lambda: sqs_record("x", message_attributes={"bad": {"StringValue": "v"}}), "DataType"),
        (lambda: sqs_record("x", queue_arn="my-queue"), "'my-queue'"),
    ],
)
def test_sqs_builders_reject_what_sqs_would_not_deliver(call: Any, fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(fragment)):
        call()


# --- SNS ---------------------------------------------------------------------------------------


def test_sns_record_fields() -> None:
    moment = datetime(2019, 1, 2, 12, 45, 7, tzinfo=UTC)
    topic = "arn:aws:sns:eu-west-1:111122223333:alerts"

    record = sns_event(
        "Hello from SNS!",
        topic_arn=topic,
        timestamp=moment,
        message_attributes={"blob": b"\x01", "tags": ["a", "b"], "n": Decimal("1.5")},
    )["Records"][0]

    sns = record["Sns"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventSubscriptionArn"].startswith(topic + ":")
    assert sns["Type"] == "Notification"
    assert sns["Timestamp"] == "2019-01-02T12:45:07.000Z"
    assert sns["Subject"] is None
    assert sns["Message"] == "Hello from SNS!"
    assert sns["SigningCertUrl"].startswith("https://sns.eu-west-1.amazonaws.com/")
    assert sns["MessageAttributes"] == {
        "blob": {"Type": "Binary", "Value": "AQ=="},
        "tags": {"Type": "String.Array", "Value": '["a", "b"]'},
        "n": {"Type": "Number", "Value": "1.5"},
    }


def test_sns_timestamp_has_milliseconds_and_z() -> None:
    record = sns_event("x")["Records"][0]

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["Sns"]["Timestamp"])


def test_sns_rejects_unknown_attribute_values() -> None:
    with pytest.raises(ConfigurationError, match="'when'"):
        sns_event("x", message_attributes={"when": {"no": "DataType"}})


# --- S3 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "encoded"),
    [
        ("red flower.jpg", "red+flower.jpg"),
        ("incoming/my file (1).txt", "incoming/my+file+%281%29.txt"),
        ("a+b=c&d.txt", "a%2Bb%3Dc%26d.txt"),
        ("café.png", "caf%C3%A9.png"),
    ],
)
def test_s3_key_is_url_encoded_like_s3(key: str, encoded: str) -> None:
    event_key = s3_event("bucket", key)["Records"][0]["s3"]["object"]["key"]

    assert event_key == encoded
    assert unquote_plus(event_key) == key


def test_s3_put_record_fields() -> None:
    record = s3_event("lab-uploads", "x.txt", size=5, region="eu-west-1", version_id="v1")["Records"][0]

    assert record["eventName"] == "ObjectCreated:Put"
    assert record["awsRegion"] == "eu-west-1"
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::lab-uploads"
    assert record["s3"]["object"]["size"] == 5
    assert record["s3"]["object"]["versionId"] == "v1"
    assert re.fullmatch(r"[0-9a-f]{32}", record["s3"]["object"]["eTag"])
    assert re.fullmatch(r"[0-9A-F]+", record["s3"]["object"]["sequencer"])


def test_s3_delete_record_has_no_size_or_etag() -> None:
    s3_object = s3_event("b", "k", event_name="ObjectRemoved:Delete")["Records"][0]["s3"]["object"]

    assert set(s3_object) == {"key", "sequencer"}


def test_s3_sequencers_grow_so_later_events_sort_later() -> None:
    first = s3_event("b", "k")["Records"][0]["s3"]["object"]["sequencer"]
    second = s3_event("b", "k")["Records"][0]["s3"]["object"]["sequencer"]

    assert int(second, 16) > int(first, 16)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"event_name": "s3:ObjectCreated:Put"}, "'s3:' prefix"), ({"size": -1}, "got -1")],
)
def test_s3_event_rejects_values_s3_never_sends(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(fragment)):
        s3_event("b", "k", **kwargs)


# --- EventBridge -------------------------------------------------------------------------------


def test_eventbridge_event_fields() -> None:
    detail = {"nested": {"n": 1}}
    event = eventbridge_event(detail, id="abc", time=datetime(2017, 12, 22, 18, 43, 48, 500000, tzinfo=UTC))
    detail["nested"]["n"] = 2

    assert event["id"] == "abc"
    assert event["time"] == "2017-12-22T18:43:48Z"
    assert event["detail"] == {"nested": {"n": 1}}, "the event holds a copy of detail"
    assert event["version"] == "0"
    assert event["account"] == "123456789012"
    assert event["region"] == "us-east-1"


@pytest.mark.parametrize("detail", [{"when": datetime(2024, 1, 1)}, ["not", "an", "object"]])
def test_eventbridge_detail_must_be_a_json_object(detail: Any) -> None:
    with pytest.raises(ConfigurationError, match="detail"):
        eventbridge_event(detail)


# --- DynamoDB Streams --------------------------------------------------------------------------


def test_dynamodb_images_round_trip_through_type_deserializer() -> None:
    item = {
        "pk": "order#42",
        "count": 3,
        "price": 19.99,
        "paid": True,
        "note": None,
        "tags": {"gift", "rush"},
        "sizes": {1, 2.5},
        "lines": [{"sku": "A", "qty": 2}, "free text"],
    }

    record = dynamodb_stream_record("INSERT", keys={"pk": "order#42"}, new_image=item)

    deserializer = TypeDeserializer()
    image = {name: deserializer.deserialize(value) for name, value in record["dynamodb"]["NewImage"].items()}
    assert image == {
        **item,
        "price": Decimal("19.99"),
        "sizes": {Decimal(1), Decimal("2.5")},
        "lines": [{"sku": "A", "qty": Decimal(2)}, "free text"],
    }
    assert record["dynamodb"]["NewImage"]["price"] == {"N": "19.99"}
    assert record["dynamodb"]["NewImage"]["note"] == {"NULL": True}


def test_dynamodb_json_base64_encodes_binary() -> None:
    assert dynamodb_json({"b": b"\x00\xff", "bs": {b"\x01"}}) == {"b": {"B": "AP8="}, "bs": {"BS": ["AQ=="]}}


def test_dynamodb_record_fields() -> None:
    table = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"

    record = dynamodb_stream_record(
        "MODIFY",
        keys={"pk": "a"},
        new_image={"v": 2},
        old_image={"v": 1},
        table_arn=table,
        approximate_creation_time=datetime(2024, 1, 1, 0, 0, 1, 900000, tzinfo=UTC),
        stream_label="2024-01-01T00:00:00.000",
    )

    change = record["dynamodb"]
    assert record["eventSourceARN"] == table + "/stream/2024-01-01T00:00:00.000"
    assert record["awsRegion"] == "eu-west-1"
    assert record["eventSource"] == "aws:dynamodb"
    assert change["ApproximateCreationDateTime"] == 1704067201.0, "whole seconds, rounded down"
    assert change["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "2"}}, "images include the key attributes"
    assert change["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert isinstance(change["SizeBytes"], int)
    assert change["SizeBytes"] > 0


@pytest.mark.parametrize(
    ("view", "images"),
    [
        ("KEYS_ONLY", set()),
        ("NEW_IMAGE", {"NewImage"}),
        ("OLD_IMAGE", {"OldImage"}),
        ("NEW_AND_OLD_IMAGES", {"NewImage", "OldImage"}),
    ],
)
def test_dynamodb_record_carries_the_images_its_view_type_asks_for(view: Any, images: set[str]) -> None:
    record = dynamodb_stream_record(
        "MODIFY", keys={"pk": "a"}, new_image={"v": 2}, old_image={"v": 1}, stream_view_type=view
    )

    assert {"NewImage", "OldImage"} & set(record["dynamodb"]) == images
    assert record["dynamodb"]["StreamViewType"] == view


def test_dynamodb_sequence_numbers_grow() -> None:
    records = dynamodb_stream_event(
        [DynamoDBStreamChange("INSERT", {"pk": n}, new_image={}) for n in range(3)]
    )

    numbers = [int(record["dynamodb"]["SequenceNumber"]) for record in records["Records"]]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"event_name": "UPSERT", "new_image": {}}, "'UPSERT'"),
        ({"event_name": "INSERT"}, "pass new_image"),
        ({"event_name": "REMOVE"}, "pass old_image"),
        ({"event_name": "INSERT", "new_image": {}, "old_image": {}}, "INSERT has no old image"),
        ({"event_name": "REMOVE", "new_image": {}, "old_image": {}}, "REMOVE has no new image"),
        ({"event_name": "INSERT", "new_image": {"pk": "other"}}, "disagrees with keys"),
        ({"event_name": "INSERT", "new_image": {"s": set()}}, "'s'"),
        ({"event_name": "INSERT", "new_image": {"x": object()}}, "'x'"),
        ({"event_name": "INSERT", "new_image": {}, "stream_view_type": "ALL"}, "'ALL'"),
    ],
)
def test_dynamodb_record_rejects_changes_a_stream_cannot_carry(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(fragment)):
        dynamodb_stream_record(keys={"pk": "a"}, **kwargs)


# --- Kinesis -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "raw"), [(b"\x00\x01", b"\x00\x01"), ("héllo", "héllo".encode()), ({"a": 1}, b'{"a": 1}')]
)
def test_kinesis_data_is_base64(data: bytes | str | dict[str, Any], raw: bytes) -> None:
    record = kinesis_record(data)

    assert base64.b64decode(record["kinesis"]["data"]) == raw


def test_kinesis_record_fields() -> None:
    stream = "arn:aws:kinesis:eu-west-1:111122223333:stream/clicks"

    record = kinesis_record(
        "x",
        partition_key="user-1",
        sequence_number="123",
        stream_arn=stream,
        approximate_arrival_timestamp=datetime(2018, 12, 17, 22, 10, 50, 987000, tzinfo=UTC),
        shard_id="shardId-000000000006",
    )

    assert record["eventID"] == "shardId-000000000006:123"
    assert record["kinesis"]["partitionKey"] == "user-1"
    assert record["kinesis"]["approximateArrivalTimestamp"] == pytest.approx(1545084650.987)
    assert record["awsRegion"] == "eu-west-1"
    assert record["eventSourceARN"] == stream
    assert record["eventName"] == "aws:kinesis:record"


def test_kinesis_sequence_numbers_grow_within_an_event() -> None:
    records = kinesis_event(["a", "b", "c"])["Records"]

    numbers = [int(record["kinesis"]["sequenceNumber"]) for record in records]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: kinesis_event([]), "at least one record"),
        (lambda: kinesis_record("x", partition_key=""), "partition_key"),
        (lambda: kinesis_record({"when": datetime(2024, 1, 1)}), "JSON-serialisable"),
    ],
)
def test_kinesis_builders_reject_bad_records(call: Any, fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(fragment)):
        call()
