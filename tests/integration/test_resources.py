"""Resource helpers are idempotent: creating twice returns the same resource."""

import pytest

from patterns.lab.resources import ensure_queue, ensure_table, ensure_topic, subscribe_queue_to_topic

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
