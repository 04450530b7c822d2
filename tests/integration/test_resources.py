"""Resource helpers are idempotent: creating twice returns the same resource; a queue drains whole."""

import pytest

from patterns.lab.resources import (
    drain_queue,
    ensure_queue,
    ensure_table,
    ensure_topic,
    message_bodies,
    subscribe_queue_to_topic,
)

pytestmark = pytest.mark.integration


def test_creating_twice_returns_the_same_resources(sandbox):
    first = ensure_table(
        "t", hash_key="pk", range_key="sk", attribute_types={"sk": "N"}, stream_view_type="NEW_IMAGE"
    )
    assert ensure_table("t", hash_key="pk", range_key="sk", attribute_types={"sk": "N"}) == first
    table = sandbox.client("dynamodb").describe_table(TableName="t")["Table"]
    assert [a["AttributeType"] for a in table["AttributeDefinitions"]] == ["S", "N"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    queue = ensure_queue("q")
    assert ensure_queue("q") == queue
    assert ensure_queue("q.fifo").arn.endswith(":q.fifo")
    topic = ensure_topic("topic")
    subscription = subscribe_queue_to_topic(topic, queue)
    assert subscribe_queue_to_topic(topic, queue) == subscription
    sandbox.client("sns").publish(TopicArn=topic, Message="hello")
    messages = sandbox.client("sqs").receive_message(QueueUrl=queue.url)["Messages"]
    assert [m["Body"] for m in messages] == ["hello"]


def test_a_queue_drains_whole_and_its_json_bodies_are_parsed(sandbox):
    sqs, queue = sandbox.client("sqs"), ensure_queue("drained")
    for index in range(23):  # more than two receives of 10
        sqs.send_message(QueueUrl=queue.url, MessageBody=f'{{"n": {index}}}')
    sqs.send_message(
        QueueUrl=queue.url,
        MessageBody="plain text",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "note"}},
    )
    drained = drain_queue(queue.url)
    assert len(drained) == 24
    assert drained[-1]["MessageAttributes"]["kind"]["StringValue"] == "note"
    assert drain_queue(queue.url) == []
    sqs.send_message(QueueUrl=queue.url, MessageBody='{"n": 1}')
    sqs.send_message(QueueUrl=queue.url, MessageBody="plain text")
    assert message_bodies(queue.url) == [{"n": 1}, "plain text"]
