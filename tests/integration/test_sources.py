"""Event sources driving deployed handlers from moto: SQS, streams, EventBridge, SNS, S3, schedules."""

import inspect
import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

import pytest

from patterns.lab.exceptions import ConfigurationError, FunctionNotDeployedError
from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import (
    ScheduleSource,
    dynamodb_stream_source,
    kinesis_stream_source,
    schedule_source,
    sqs_event_source,
)

pytestmark = pytest.mark.integration

HANDLERS = "tests.handlers.event_sources"
EVENTBRIDGE_EVENT_KEYS = {
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
}


# ---- helpers --------------------------------------------------------------------------------------


def _queue(sandbox: Sandbox, name: str, **attributes: str) -> tuple[str, str]:
    """Create a queue; return its URL and ARN."""
    sqs = sandbox.client("sqs")
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _queue_with_dlq(sandbox: Sandbox, max_receive_count: int = 3) -> tuple[str, str]:
    """A queue (visibility timeout 30 s) redriving to a dead-letter queue; return both URLs."""
    dlq_url, dlq_arn = _queue(sandbox, "orders-dlq")
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)})
    url, _ = _queue(sandbox, "orders", VisibilityTimeout="30", RedrivePolicy=policy)
    return url, dlq_url


def _send(sandbox: Sandbox, url: str, bodies: list[str]) -> None:
    sqs = sandbox.client("sqs")
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + 10])]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


def _drain(sandbox: Sandbox, url: str) -> list[str]:
    """Every message body on the queue (received once, with a long visibility timeout)."""
    sqs = sandbox.client("sqs")
    bodies: list[str] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get(
        "Messages", []
    ):
        bodies.extend(message["Body"] for message in messages)
    return bodies


def _queue_depth(sandbox: Sandbox, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sandbox.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)


def _table(sandbox: Sandbox, name: str, *, stream: bool = False) -> str:
    """Create a table keyed by the string ``id``; return its stream ARN (or its name without a stream)."""
    settings: dict[str, Any] = {}
    if stream:
        settings["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    table = sandbox.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **settings,
    )["TableDescription"]
    return str(table.get("LatestStreamArn", name))


def _counters(sandbox: Sandbox, table: str) -> dict[str, dict[str, int]]:
    """{id: {counter: value}} for the counters ``consume_sqs`` keeps."""
    items = sandbox.client("dynamodb").scan(TableName=table)["Items"]
    return {
        item["id"]["S"]: {name: int(value["N"]) for name, value in item.items() if "N" in value}
        for item in items
    }


def _processed(sandbox: Sandbox, table: str) -> dict[str, list[str]]:
    """{shard key: items in the order ``consume_stream`` processed them}."""
    items = sandbox.client("dynamodb").scan(TableName=table)["Items"]
    return {item["id"]["S"]: [entry["S"] for entry in item["processed"]["L"]] for item in items}


def _recorder(sandbox: Sandbox) -> tuple[str, str]:
    """Deploy ``record_event`` writing to a fresh queue; return the function ARN and the queue URL."""
    url, _ = _queue(sandbox, "recorded-events")
    arn = sandbox.deploy("recorder", f"{HANDLERS}.record_event", environment={"RECORD_QUEUE_URL": url})
    return arn, url


def _recorded(sandbox: Sandbox, url: str) -> list[Any]:
    return [json.loads(body) for body in _drain(sandbox, url)]


def _reports(sandbox: Sandbox, function: str, status: str | None = None) -> int:
    return sum(
        1
        for report in sandbox.lambdas.reports
        if report.function_name == function and (status is None or report.status == status)
    )


def _fire_count(source: ScheduleSource) -> int:
    return len(source.fires)


def _sqs_consumer(sandbox: Sandbox, **environment: str) -> None:
    _table(sandbox, "deliveries")
    sandbox.deploy("consumer", f"{HANDLERS}.consume_sqs", environment={"TABLE": "deliveries", **environment})


# ---- SQS event source mapping ----------------------------------------------------------------------


def test_sqs_mapping_respects_the_batch_size_and_counts_its_calls(sandbox: Sandbox) -> None:
    url, _ = _queue(sandbox, "orders")
    bodies = [f"order-{i}" for i in range(25)]
    _send(sandbox, url, bodies)
    _sqs_consumer(sandbox)
    mapping = sqs_event_source(sandbox, url, "consumer", batch_size=10)

    sandbox.settle()

    stats = mapping.stats()
    assert sorted(stats.batch_sizes) == [5, 10, 10]
    assert (stats.invocations, stats.batches, stats.messages_delivered) == (3, 3, 25)
    assert (stats.deletes, stats.delete_calls) == (25, 3)
    # poll 1: three receives with messages and one empty; poll 2: one empty receive, and the sandbox is quiet
    assert (stats.receives, stats.empty_receives, stats.messages_received) == (5, 2, 25)
    assert (stats.lab_only_calls, stats.messages_returned, stats.throttles) == (1, 0, 0)
    assert {
        body: counts["processed"] for body, counts in _counters(sandbox, "deliveries").items()
    } == dict.fromkeys(bodies, 1)
    assert _queue_depth(sandbox, url) == 0
    assert mapping in sandbox.sources


def test_sqs_event_has_the_lambda_shape_with_attributes(sandbox: Sandbox) -> None:
    url, arn = _queue(sandbox, "orders")
    sandbox.client("sqs").send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "greeting"}},
    )
    function_arn, record_url = _recorder(sandbox)
    sqs_event_source(sandbox, arn, function_arn)

    sandbox.settle()

    [event] = _recorded(sandbox, record_url)
    [record] = event["Records"]
    assert record["body"] == "hello"
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs",
        arn,
        "us-east-1",
    )
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["kind"]["stringValue"] == "greeting"


def test_sqs_batching_window_holds_a_partial_batch_until_virtual_time_passes(sandbox: Sandbox) -> None:
    url, _ = _queue(sandbox, "orders")
    _sqs_consumer(sandbox)
    mapping = sqs_event_source(sandbox, url, "consumer", batch_size=20, batching_window_s=30)
    _send(sandbox, url, [f"early-{i}" for i in range(5)])

    sandbox.settle()
    assert mapping.stats().invocations == 0
    assert mapping.in_flight == 5
    sandbox.advance(29)
    assert mapping.stats().invocations == 0

    sandbox.advance(1)
    assert mapping.stats().batch_sizes == (5,)
    assert mapping.stats().deletes == 5

    _send(sandbox, url, [f"full-{i}" for i in range(20)])
    sandbox.settle()  # a full batch does not wait for the window
    assert mapping.stats().batch_sizes == (5, 20)
    assert _queue_depth(sandbox, url) == 0


def test_sqs_poison_message_without_partial_responses_returns_the_whole_batch_to_the_dlq(
    sandbox: Sandbox,
) -> None:
    url, dlq_url = _queue_with_dlq(sandbox, max_receive_count=3)
    bodies = ["a", "b", "c", "d", "poison"]
    _send(sandbox, url, bodies)
    _sqs_consumer(sandbox, POISON="poison")
    mapping = sqs_event_source(sandbox, url, "consumer")

    sandbox.settle()
    assert (mapping.stats().failed_invocations, mapping.stats().deletes) == (1, 0)
    sandbox.advance(30)  # the virtual visibility timeout: the whole batch comes back
    assert mapping.stats().batch_sizes == (5, 5)

    sandbox.advance(120)

    stats = mapping.stats()
    assert stats.batch_sizes == (5, 5, 5)
    assert (stats.failed_invocations, stats.deletes, stats.messages_returned) == (3, 0, 15)
    counters = _counters(sandbox, "deliveries")
    assert {body: counters[body]["deliveries"] for body in bodies} == dict.fromkeys(bodies, 3)
    assert not any("processed" in counts for counts in counters.values())
    assert sorted(_drain(sandbox, dlq_url)) == sorted(bodies)  # received 3 times, then redriven: none lost
    assert _queue_depth(sandbox, url) == 0


def test_sqs_poison_message_with_partial_responses_returns_only_itself(sandbox: Sandbox) -> None:
    url, dlq_url = _queue_with_dlq(sandbox, max_receive_count=3)
    bodies = ["a", "b", "c", "d", "poison"]
    _send(sandbox, url, bodies)
    _sqs_consumer(sandbox, POISON="poison", REPORT="yes")
    mapping = sqs_event_source(sandbox, url, "consumer", report_batch_item_failures=True)

    sandbox.advance(150)

    stats = mapping.stats()
    assert stats.batch_sizes == (5, 1, 1)
    assert (stats.failed_invocations, stats.deletes, stats.messages_returned) == (0, 4, 3)
    counters = _counters(sandbox, "deliveries")
    assert {body: counters[body] for body in "abcd"} == {
        body: {"deliveries": 1, "processed": 1} for body in "abcd"
    }
    assert counters["poison"] == {"deliveries": 3}
    dead = _drain(sandbox, dlq_url)
    assert dead == ["poison"]
    processed = {body for body, counts in counters.items() if counts.get("processed") == 1}
    assert processed | set(dead) == set(bodies)  # every message processed exactly once or dead-lettered
    assert _queue_depth(sandbox, url) == 0


def test_sqs_batch_reaching_6_mb_is_invoked_without_waiting_for_the_window(sandbox: Sandbox) -> None:
    url, _ = _queue(sandbox, "uploads")
    sandbox.deploy("responder", f"{HANDLERS}.respond", environment={"RESPONSE": "null"})
    mapping = sqs_event_source(sandbox, url, "responder", batch_size=20, batching_window_s=60)
    big = "x" * 1_048_000  # near SQS's 1 MiB limit: six of them do not fit in a 6 MiB event
    for i in range(7):
        sandbox.client("sqs").send_message(QueueUrl=url, MessageBody=f"{i}{big}")

    sandbox.settle()
    assert mapping.stats().batch_sizes == (5,)  # full by payload, so not held for the window
    sandbox.advance(60)
    assert mapping.stats().batch_sizes == (5, 2)
    assert mapping.stats().deletes == 7


def test_sqs_fifo_message_group_waits_behind_its_failing_message(sandbox: Sandbox) -> None:
    _, dlq_arn = _queue(sandbox, "orders-dlq.fifo", FifoQueue="true")
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})
    url, _ = _queue(sandbox, "orders.fifo", FifoQueue="true", VisibilityTimeout="30", RedrivePolicy=policy)
    sqs = sandbox.client("sqs")
    for body, group in [("poison", "a"), ("a2", "a"), ("b1", "b"), ("b2", "b")]:
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=body)
    _sqs_consumer(sandbox, POISON="poison")
    mapping = sqs_event_source(sandbox, url, "consumer", batch_size=1)

    sandbox.settle()
    counters = _counters(sandbox, "deliveries")
    assert "a2" not in counters  # group a is blocked while its first message is in flight
    assert counters["b1"] == counters["b2"] == {"deliveries": 1, "processed": 1}

    sandbox.advance(60)  # the poison message is received twice, then redriven; a2 follows it

    assert _counters(sandbox, "deliveries")["a2"] == {"deliveries": 1, "processed": 1}
    assert mapping.stats().batch_sizes == (1, 1, 1, 1, 1)
    assert _queue_depth(sandbox, url) == 0


@pytest.mark.parametrize(
    ("response", "deleted"),
    [
        ("null", 3),
        ("{}", 3),
        ('{"batchItemFailures": []}', 3),
        ('{"batchItemFailures": null}', 3),
        ('{"batchItemFailures": [{"itemIdentifier": "$FIRST"}]}', 2),
        ('{"batchItemFailures": [{"itemIdentifier": ""}]}', 0),
        ('{"batchItemFailures": [{"itemIdentifier": null}]}', 0),
        ('{"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}', 0),
        ('{"batchItemFailures": [{"id": "$FIRST"}]}', 0),
        ('"done"', 0),
    ],
)
def test_sqs_partial_batch_responses_follow_lambdas_rules(
    sandbox: Sandbox, response: str, deleted: int
) -> None:
    url, _ = _queue(sandbox, "orders", VisibilityTimeout="30")
    _send(sandbox, url, ["x", "y", "z"])
    sandbox.deploy("responder", f"{HANDLERS}.respond", environment={"RESPONSE": response})
    mapping = sqs_event_source(sandbox, url, "responder", report_batch_item_failures=True)

    sandbox.settle()

    assert mapping.stats().deletes == deleted
    assert mapping.in_flight == 3 - deleted


@pytest.mark.parametrize("maximum_concurrency", [None, 2])
def test_sqs_reserved_concurrency_throttles_batches_unless_maximum_concurrency_caps_them(
    sandbox: Sandbox, maximum_concurrency: int | None
) -> None:
    url, _ = _queue(sandbox, "orders", VisibilityTimeout="30")
    _send(sandbox, url, [f"order-{i}" for i in range(30)])
    _table(sandbox, "deliveries")
    sandbox.deploy(
        "consumer",
        f"{HANDLERS}.consume_sqs",
        reserved_concurrency=2,
        environment={"TABLE": "deliveries", "SLEEP_S": "0.1"},
    )
    mapping = sqs_event_source(sandbox, url, "consumer", maximum_concurrency=maximum_concurrency)

    sandbox.settle()

    stats = mapping.stats()
    if maximum_concurrency is None:  # five pollers, three batches at once: one is throttled
        assert (stats.throttles, stats.invocations, stats.deletes) == (1, 2, 20)
        assert mapping.in_flight == 10
        sandbox.advance(30)  # back after the visibility timeout, with one more receive counted
        stats = mapping.stats()
        assert (stats.messages_returned, stats.invocations, stats.deletes) == (10, 3, 30)
    else:
        assert (stats.throttles, stats.invocations, stats.deletes) == (0, 3, 30)
    assert _queue_depth(sandbox, url) == 0


@pytest.mark.parametrize(
    ("settings", "fifo", "message"),
    [
        ({"batch_size": 0}, False, "batch_size must be 1-10000 for a standard queue, got 0"),
        ({"batch_size": 10_001, "batching_window_s": 1}, False, "batch_size must be 1-10000"),
        ({"batch_size": 11}, False, "above 10 .got 11. needs batching_window_s .* at least 1 second"),
        ({"batching_window_s": 301}, False, "must be 0-300, got 301"),
        ({"maximum_concurrency": 1}, False, "maximum_concurrency must be 2-1000 or None, got 1"),
        ({"batch_size": 11}, True, "batch_size must be 1-10 for a FIFO queue, got 11"),
        ({"batching_window_s": 5}, True, "not supported for FIFO queues"),
    ],
)
def test_sqs_mapping_rejects_what_aws_rejects(
    sandbox: Sandbox, settings: dict[str, Any], fifo: bool, message: str
) -> None:
    attributes = {"FifoQueue": "true"} if fifo else {}
    url, _ = _queue(sandbox, "orders.fifo" if fifo else "orders", **attributes)
    _sqs_consumer(sandbox)
    before = list(sandbox.sources)

    with pytest.raises(ConfigurationError, match=message):
        sqs_event_source(sandbox, url, "consumer", **settings)
    assert sandbox.sources == before, "a rejected mapping was attached anyway"


def test_sqs_mapping_checks_the_queue_and_the_function(sandbox: Sandbox) -> None:
    url, _ = _queue(sandbox, "orders", VisibilityTimeout="30")
    sandbox.deploy("slow", f"{HANDLERS}.consume_sqs", timeout_s=60)

    with pytest.raises(
        ConfigurationError, match=r"visibility timeout \(30 s\) is less than the function's timeout"
    ):
        sqs_event_source(sandbox, url, "slow")
    with pytest.raises(ConfigurationError, match="does not exist"):
        sqs_event_source(sandbox, "arn:aws:sqs:us-east-1:123456789012:missing", "slow")
    with pytest.raises(FunctionNotDeployedError):
        sqs_event_source(sandbox, url, "not-deployed")


def test_closing_a_mapping_gives_its_messages_back(sandbox: Sandbox) -> None:
    url, _ = _queue(sandbox, "orders")
    _sqs_consumer(sandbox)
    mapping = sqs_event_source(sandbox, url, "consumer", batch_size=20, batching_window_s=60)
    _send(sandbox, url, ["a", "b"])
    sandbox.settle()
    assert mapping.in_flight == 2

    mapping.close()

    assert mapping.poll() == 0
    assert sorted(_drain(sandbox, url)) == ["a", "b"]


# ---- stream pollers --------------------------------------------------------------------------------


def test_kinesis_source_keeps_the_order_of_each_shard(sandbox: Sandbox) -> None:
    kinesis = sandbox.client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    expected: dict[str, list[str]] = {}
    for i in range(12):
        data = f"click-{i}"
        shard = kinesis.put_record(StreamName="clicks", Data=data.encode(), PartitionKey=f"user-{i % 3}")[
            "ShardId"
        ]
        expected.setdefault(shard, []).append(data)
    _table(sandbox, "processed")
    sandbox.deploy("consumer", f"{HANDLERS}.consume_stream", environment={"TABLE": "processed"})
    source = kinesis_stream_source(sandbox, "clicks", "consumer", batch_size=4)

    sandbox.settle()

    assert len(expected) == 2
    assert _processed(sandbox, "processed") == expected
    stats = source.stats()
    assert max(stats.batch_sizes) == 4
    assert (stats.records_processed, stats.failed_invocations) == (12, 0)
    assert sorted(source.shard_ids) == sorted(expected)


def test_stream_shards_run_side_by_side_and_a_throttled_shard_waits_without_using_a_retry(
    sandbox: Sandbox,
) -> None:
    kinesis = sandbox.client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    for i in range(6):
        kinesis.put_record(StreamName="clicks", Data=f"click-{i}".encode(), PartitionKey=f"user-{i}")
    _table(sandbox, "processed")
    environment = {"TABLE": "processed", "SLEEP_S": "0.1"}
    sandbox.deploy("consumer", f"{HANDLERS}.consume_stream", reserved_concurrency=1, environment=environment)
    source = kinesis_stream_source(sandbox, "clicks", "consumer", maximum_retry_attempts=0)

    sandbox.settle()
    assert (source.stats().invocations, source.stats().throttles) == (1, 1)

    sandbox.advance(1)

    stats = source.stats()
    assert (stats.invocations, stats.throttles, stats.retries, stats.records_discarded) == (2, 1, 0, 0)
    assert sum(len(items) for items in _processed(sandbox, "processed").values()) == 6


def test_kinesis_failing_record_is_retried_then_sent_to_the_on_failure_destination(sandbox: Sandbox) -> None:
    kinesis = sandbox.client("kinesis")
    kinesis.create_stream(StreamName="payments", ShardCount=1)
    sequence = {}
    for data in ["r1", "poison", "r3"]:
        sequence[data] = kinesis.put_record(StreamName="payments", Data=data.encode(), PartitionKey="p")[
            "SequenceNumber"
        ]
    dlq_url, dlq_arn = _queue(sandbox, "payments-failures")
    _table(sandbox, "processed")
    sandbox.deploy(
        "consumer", f"{HANDLERS}.consume_stream", environment={"TABLE": "processed", "POISON": "poison"}
    )
    source = kinesis_stream_source(sandbox, "payments", "consumer", batch_size=1, on_failure=dlq_arn)

    sandbox.settle()
    assert source.maximum_retry_attempts == 3  # the lab's default when a destination is set
    assert _processed(sandbox, "processed") == {"shardId-000000000000": ["r1"]}  # r3 waits behind the poison

    sandbox.advance(10)  # retries after 1, 2 and 4 virtual seconds, then the record is given up

    assert _processed(sandbox, "processed") == {"shardId-000000000000": ["r1", "r3"]}
    assert _reports(sandbox, "consumer", "error") == 4
    stats = source.stats()
    assert (stats.retries, stats.records_discarded, stats.destination_messages) == (3, 1, 1)
    [failure] = _recorded(sandbox, dlq_url)
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 4
    assert failure["requestContext"]["functionArn"].endswith(":function:consumer")
    assert failure["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    info = failure["KinesisBatchInfo"]
    assert info["shardId"] == "shardId-000000000000"
    assert info["startSequenceNumber"] == info["endSequenceNumber"] == sequence["poison"]
    assert info["batchSize"] == 1
    assert info["streamArn"] == source.stream_arn


def test_dynamodb_stream_bisects_a_failing_batch_down_to_the_bad_record(sandbox: Sandbox) -> None:
    stream_arn = _table(sandbox, "orders", stream=True)
    dynamodb = sandbox.client("dynamodb")
    for i in range(8):
        dynamodb.put_item(TableName="orders", Item={"id": {"S": f"o{i}"}})
    dlq_url, dlq_arn = _queue(sandbox, "orders-failures")
    _table(sandbox, "processed")
    sandbox.deploy(
        "consumer", f"{HANDLERS}.consume_stream", environment={"TABLE": "processed", "POISON": "o5"}
    )
    source = dynamodb_stream_source(
        sandbox,
        "orders",
        "consumer",
        batch_size=8,
        bisect_batch_on_error=True,
        maximum_retry_attempts=0,
        on_failure=dlq_arn,
    )

    sandbox.settle()  # splits are retried at once; no virtual time needed

    assert source.stream_arn == stream_arn
    stats = source.stats()
    assert stats.batch_sizes == (8, 4, 4, 2, 1, 1, 2)
    assert (stats.bisections, stats.records_processed, stats.records_discarded) == (3, 7, 1)
    assert _processed(sandbox, "processed") == {"stream": ["o0", "o1", "o2", "o3", "o4", "o6", "o7"]}
    [failure] = _recorded(sandbox, dlq_url)
    info = failure["DDBStreamBatchInfo"]
    assert (info["batchSize"], info["streamArn"]) == (1, stream_arn)
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    assert failure["requestContext"]["approximateInvokeCount"] == 1


def test_stream_partial_batch_response_checkpoints_before_the_failed_record(sandbox: Sandbox) -> None:
    kinesis = sandbox.client("kinesis")
    kinesis.create_stream(StreamName="events", ShardCount=1)
    for data in ["a", "b", "poison", "d"]:
        kinesis.put_record(StreamName="events", Data=data.encode(), PartitionKey="p")
    dlq_url, dlq_arn = _queue(sandbox, "events-failures")
    _table(sandbox, "processed")
    environment = {"TABLE": "processed", "POISON": "poison", "REPORT": "yes"}
    sandbox.deploy("consumer", f"{HANDLERS}.consume_stream", environment=environment)
    source = kinesis_stream_source(
        sandbox,
        "events",
        "consumer",
        report_batch_item_failures=True,
        maximum_retry_attempts=1,
        on_failure=dlq_arn,
    )

    sandbox.advance(5)

    stats = source.stats()
    assert stats.batch_sizes == (4, 2)  # the retry starts at the reported record
    assert (stats.records_processed, stats.records_discarded) == (2, 2)
    assert _processed(sandbox, "processed") == {"shardId-000000000000": ["a", "b"]}
    [failure] = _recorded(sandbox, dlq_url)
    assert failure["KinesisBatchInfo"]["batchSize"] == 2
    assert "functionError" not in failure["responseContext"]  # the function succeeded, reporting a failure


def test_stream_record_older_than_the_maximum_age_is_discarded_to_a_topic(sandbox: Sandbox) -> None:
    kinesis = sandbox.client("kinesis")
    kinesis.create_stream(StreamName="events", ShardCount=1)
    kinesis.put_record(StreamName="events", Data=b"poison", PartitionKey="p")
    sns = sandbox.client("sns")
    topic_arn = sns.create_topic(Name="events-failures")["TopicArn"]
    dlq_url, dlq_arn = _queue(sandbox, "events-failures")
    sns.subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=dlq_arn, Attributes={"RawMessageDelivery": "true"}
    )
    _table(sandbox, "processed")
    sandbox.deploy(
        "consumer", f"{HANDLERS}.consume_stream", environment={"TABLE": "processed", "POISON": "poison"}
    )
    source = kinesis_stream_source(
        sandbox,
        "events",
        "consumer",
        maximum_retry_attempts=-1,
        maximum_record_age_s=60,
        on_failure=topic_arn,
    )

    sandbox.advance(120)  # attempts at 0, 1, 3, 7, 15, 31 s; at 63 s the record is too old

    assert source.stats().invocations == 6
    [failure] = _recorded(sandbox, dlq_url)
    assert failure["requestContext"]["condition"] == "RecordAgeExceeded"


def test_dynamodb_stream_latest_skips_the_records_written_before(sandbox: Sandbox) -> None:
    _table(sandbox, "orders", stream=True)
    dynamodb = sandbox.client("dynamodb")
    dynamodb.put_item(TableName="orders", Item={"id": {"S": "before"}})
    _table(sandbox, "processed")
    sandbox.deploy("consumer", f"{HANDLERS}.consume_stream", environment={"TABLE": "processed"})
    dynamodb_stream_source(sandbox, "orders", "consumer", starting_position="LATEST")
    dynamodb.put_item(TableName="orders", Item={"id": {"S": "after"}})

    sandbox.settle()

    assert _processed(sandbox, "processed") == {"stream": ["after"]}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"batch_size": 0}, "batch_size must be 1-10000, got 0"),
        ({"starting_position": "AT_TIMESTAMP"}, "starting_position must be 'TRIM_HORIZON' or 'LATEST'"),
        ({"maximum_retry_attempts": -2}, "maximum_retry_attempts must be -1"),
        ({"maximum_record_age_s": 30}, "maximum_record_age_s must be -1 .infinite. or 60-604800, got 30"),
        ({"on_failure": "arn:aws:lambda:us-east-1:123456789012:function:x"}, "SQS queue or SNS topic ARN"),
        ({"on_failure": "arn:aws:sqs:us-east-1:123456789012:missing"}, "does not exist: create it first"),
    ],
)
def test_stream_sources_reject_what_aws_rejects(
    sandbox: Sandbox, settings: dict[str, Any], message: str
) -> None:
    _table(sandbox, "orders", stream=True)
    sandbox.deploy("consumer", f"{HANDLERS}.consume_stream")
    before = list(sandbox.sources)

    with pytest.raises(ConfigurationError, match=message):
        dynamodb_stream_source(sandbox, "orders", "consumer", **settings)
    assert sandbox.sources == before, "a rejected stream source was attached anyway"


def test_stream_sources_need_a_stream(sandbox: Sandbox) -> None:
    _table(sandbox, "plain")
    sandbox.deploy("consumer", f"{HANDLERS}.consume_stream")

    with pytest.raises(ConfigurationError, match="table 'plain' has no stream"):
        dynamodb_stream_source(sandbox, "plain", "consumer")
    with pytest.raises(ConfigurationError, match="Kinesis stream 'missing' does not exist"):
        kinesis_stream_source(sandbox, "missing", "consumer")


# ---- pushes moto makes: EventBridge rules, SNS subscriptions, S3 notifications ---------------------------


def test_eventbridge_rule_invokes_the_function_with_the_event(sandbox: Sandbox) -> None:
    function_arn, record_url = _recorder(sandbox)
    events = sandbox.client("events")
    pattern = json.dumps({"source": ["shop"], "detail-type": ["OrderPlaced"]})
    events.put_rule(Name="orders", EventPattern=pattern)
    events.put_rule(Name="orders-off", EventPattern=pattern, State="DISABLED")
    events.put_rule(Name="nightly", ScheduleExpression="cron(0 3 * * ? *)")
    for rule in ("orders", "orders-off", "nightly"):
        events.put_targets(Rule=rule, Targets=[{"Id": "recorder", "Arn": function_arn}])

    events.put_events(
        Entries=[
            {"Source": "shop", "DetailType": "OrderPlaced", "Detail": json.dumps({"order": 7})},
            {"Source": "warehouse", "DetailType": "OrderPlaced", "Detail": json.dumps({"order": 8})},
        ]
    )
    sandbox.settle()

    assert _reports(sandbox, "recorder", "success") == 1  # not the disabled rule, not the schedule rule
    [event] = _recorded(sandbox, record_url)
    assert set(event) == EVENTBRIDGE_EVENT_KEYS
    assert (event["source"], event["detail-type"], event["detail"]) == ("shop", "OrderPlaced", {"order": 7})
    assert (event["account"], event["region"], event["resources"]) == ("123456789012", "us-east-1", [])
    datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ")


def test_sns_subscription_delivers_one_record_with_the_message_attributes(sandbox: Sandbox) -> None:
    function_arn, record_url = _recorder(sandbox)
    sns = sandbox.client("sns")
    topic_arn = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=function_arn)

    sns.publish(
        TopicArn=topic_arn,
        Message="disk full",
        Subject="alert",
        MessageAttributes={
            "severity": {"DataType": "String", "StringValue": "high"},
            "host_count": {"DataType": "Number", "StringValue": "3"},
        },
    )
    sandbox.settle()

    [event] = _recorded(sandbox, record_url)
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns"
    notification = record["Sns"]
    assert (notification["TopicArn"], notification["Message"], notification["Subject"]) == (
        topic_arn,
        "disk full",
        "alert",
    )
    assert notification["MessageAttributes"] == {
        "severity": {"Type": "String", "Value": "high"},
        "host_count": {"Type": "Number", "Value": "3"},
    }


def test_sns_filter_policy_that_rejects_a_message_means_no_invocation(sandbox: Sandbox) -> None:
    function_arn, _ = _recorder(sandbox)
    sns = sandbox.client("sns")
    topic_arn = sns.create_topic(Name="alerts")["TopicArn"]
    policy = json.dumps({"severity": ["high"]})
    sns.subscribe(
        TopicArn=topic_arn, Protocol="lambda", Endpoint=function_arn, Attributes={"FilterPolicy": policy}
    )

    low = {"severity": {"DataType": "String", "StringValue": "low"}}
    sns.publish(TopicArn=topic_arn, Message="noise", MessageAttributes=low)
    sandbox.settle()
    assert _reports(sandbox, "recorder") == 0

    high = {"severity": {"DataType": "String", "StringValue": "high"}}
    sns.publish(TopicArn=topic_arn, Message="signal", MessageAttributes=high)
    sandbox.settle()
    assert _reports(sandbox, "recorder") == 1


def test_s3_notification_invokes_the_function_with_bucket_and_key(sandbox: Sandbox) -> None:
    function_arn, record_url = _recorder(sandbox)
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket="lab-uploads")
    s3.put_bucket_notification_configuration(
        Bucket="lab-uploads",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": function_arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )

    s3.put_object(Bucket="lab-uploads", Key="reports/2026 q1.csv", Body=b"a,b\n")
    sandbox.settle()

    [event] = _recorded(sandbox, record_url)
    [record] = event["Records"]
    assert (record["eventSource"], record["eventName"]) == ("aws:s3", "ObjectCreated:Put")
    assert record["s3"]["bucket"]["name"] == "lab-uploads"
    assert record["s3"]["object"]["key"] == "reports/2026+q1.csv"  # as S3 writes keys into events
    assert unquote_plus(record["s3"]["object"]["key"]) == "reports/2026 q1.csv"
    assert record["s3"]["object"]["size"] == 4


# ---- schedules -------------------------------------------------------------------------------------


def test_rate_rule_fires_once_an_hour_of_virtual_time(sandbox: Sandbox) -> None:
    function_arn = sandbox.deploy("tick", "tests.handlers.lifecycle.handler")
    events = sandbox.client("events")
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "tick", "Arn": function_arn}])
    source = schedule_source(sandbox)

    sandbox.advance(3599)
    assert _fire_count(source) == 0
    sandbox.advance(1)
    assert _fire_count(source) == 1
    sandbox.advance(86_400)
    assert _fire_count(source) == 25
    assert _reports(sandbox, "tick", "success") == 25
    times = [fire.scheduled_time for fire in source.fires]
    assert {later - earlier for earlier, later in itertools.pairwise(times)} == {timedelta(hours=1)}

    events.disable_rule(Name="hourly")
    sandbox.advance(7200)
    assert _fire_count(source) == 25


def test_cron_rule_fires_at_its_time_of_day_with_a_scheduled_event(sandbox: Sandbox) -> None:
    function_arn, record_url = _recorder(sandbox)
    events = sandbox.client("events")
    rule_arn = events.put_rule(Name="morning-report", ScheduleExpression="cron(30 9 * * ? *)")["RuleArn"]
    events.put_targets(Rule="morning-report", Targets=[{"Id": "recorder", "Arn": function_arn}])
    source = schedule_source(sandbox)
    now = sandbox.clock.now()
    next_fire = now.replace(hour=9, minute=30, second=0)
    if next_fire <= now:
        next_fire += timedelta(days=1)
    seconds = (next_fire - now).total_seconds()

    sandbox.advance(seconds - 1)
    assert _fire_count(source) == 0
    sandbox.advance(1)
    sandbox.advance(86_400)

    assert [fire.scheduled_time for fire in source.fires] == [next_fire, next_fire + timedelta(days=1)]
    first, _ = _recorded(sandbox, record_url)
    assert set(first) == EVENTBRIDGE_EVENT_KEYS
    assert (first["detail-type"], first["source"], first["detail"]) == ("Scheduled Event", "aws.events", {})
    assert first["resources"] == [rule_arn]
    assert first["time"] == next_fire.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_schedule_rules_created_after_the_source_are_picked_up(sandbox: Sandbox) -> None:
    function_arn = sandbox.deploy("tick", "tests.handlers.lifecycle.handler")
    source = schedule_source(sandbox)
    events = sandbox.client("events")
    events.put_rule(Name="every-five", ScheduleExpression="rate(5 minutes)")
    sandbox.settle()  # the source sees the rule before it has a target
    events.put_targets(Rule="every-five", Targets=[{"Id": "tick", "Arn": function_arn, "Input": '{"n": 1}'}])

    sandbox.advance(600)

    assert [fire.payload for fire in source.fires] == [{"n": 1}, {"n": 1}]
    events.remove_targets(Rule="every-five", Ids=["tick"])
    events.delete_rule(Name="every-five")
    sandbox.advance(600)
    assert len(source.fires) == 2


def test_scheduler_schedule_invokes_its_target_with_its_input(sandbox: Sandbox) -> None:
    function_arn = sandbox.deploy("tick", "tests.handlers.lifecycle.handler")
    source = schedule_source(sandbox)
    scheduler = sandbox.client("scheduler")
    target = {
        "Arn": function_arn,
        "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
        "Input": json.dumps({"job": "report", "at": "<aws.scheduler.scheduled-time>"}),
    }
    scheduler.create_schedule(
        Name="reports",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target,
    )
    scheduler.create_schedule(
        Name="paused",
        ScheduleExpression="rate(1 minute)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=target,
        State="DISABLED",
    )
    start = sandbox.clock.now()

    sandbox.advance(900)

    fires = source.fires
    assert [fire.name for fire in fires] == ["default/reports"] * 3
    assert [fire.scheduled_time for fire in fires] == [start + timedelta(minutes=5 * k) for k in (1, 2, 3)]
    assert fires[0].payload == {"job": "report", "at": fires[0].scheduled_time.strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert _reports(sandbox, "tick", "success") == 3


def test_one_time_schedule_fires_once_and_deletes_itself(sandbox: Sandbox) -> None:
    function_arn = sandbox.deploy("tick", "tests.handlers.lifecycle.handler")
    source = schedule_source(sandbox)
    when = sandbox.clock.now() + timedelta(minutes=10)
    scheduler = sandbox.client("scheduler")
    scheduler.create_schedule(
        Name="once",
        ScheduleExpression=f"at({when:%Y-%m-%dT%H:%M:%S})",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function_arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler"},
        ActionAfterCompletion="DELETE",
    )

    sandbox.advance(3600)

    assert [(fire.scheduled_time, fire.payload) for fire in source.fires] == [(when, {})]
    assert scheduler.list_schedules()["Schedules"] == []


def test_scheduler_cron_follows_its_time_zone(sandbox: Sandbox) -> None:
    function_arn = sandbox.deploy("tick", "tests.handlers.lifecycle.handler")
    source = schedule_source(sandbox)
    sandbox.client("scheduler").create_schedule(
        Name="tokyo-morning",
        ScheduleExpression="cron(0 9 * * ? *)",
        ScheduleExpressionTimezone="Asia/Tokyo",  # UTC+9 all year: 09:00 there is 00:00 UTC
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function_arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler"},
    )

    sandbox.advance(86_400)

    assert _fire_count(source) == 1
    assert source.fires[0].scheduled_time.astimezone(UTC).time() == datetime.min.time()


def test_a_sandbox_has_one_schedule_source(sandbox: Sandbox) -> None:
    schedule_source(sandbox)
    with pytest.raises(ConfigurationError, match="already has a ScheduleSource"):
        schedule_source(sandbox)


def test_scheduler_time_zone_must_be_known(sandbox: Sandbox) -> None:
    function_arn = sandbox.deploy("tick", "tests.handlers.lifecycle.handler")
    sandbox.client("scheduler").create_schedule(
        Name="nowhere",
        ScheduleExpression="cron(0 9 * * ? *)",
        ScheduleExpressionTimezone="Mars/Olympus_Mons",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": function_arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler"},
    )

    with pytest.raises(ConfigurationError, match="'Mars/Olympus_Mons' is not a time zone name"):
        schedule_source(sandbox)


def test_the_constructor_functions_show_their_class_signature() -> None:
    factories: list[tuple[Callable[..., Any], str, str]] = [
        (sqs_event_source, "batching_window_s", "SqsEventSourceMapping"),
        (dynamodb_stream_source, "bisect_batch_on_error", "DynamoDBStreamSource"),
        (kinesis_stream_source, "starting_position", "KinesisStreamSource"),
    ]
    for factory, parameter, returned in factories:
        signature = inspect.signature(factory)
        names = list(signature.parameters)
        assert (names[0], names[2]) == ("sandbox", "function_name"), names
        assert parameter in signature.parameters
        assert signature.return_annotation == returned
        assert returned in (factory.__doc__ or "")
