"""Pub/sub against moto: routing by filter policies, a late subscriber, costs counted, DLQs, SNS's retries
to Lambda on the virtual clock, FIFO order and deduplication, and moto's content-based deduplication."""

from __future__ import annotations

import json

import pytest

from patterns.lab import sns_delivery
from patterns.lab.resources import ensure_queue
from patterns.lab.sandbox import Sandbox
from patterns.pubsub.adapters import (
    CallRecorder,
    EffectStore,
    OrderPublisher,
    QueueReader,
    create_topic,
    subscribe_function,
    subscribe_queue,
)
from patterns.pubsub.demo import (
    Playground,
    cost_sweep,
    dead_letter_run,
    envelope_sizes,
    fifo_run,
    filtered_cost,
    lambda_failures,
    late_subscriber_run,
    moto_content_deduplication,
    routing_table,
)
from patterns.pubsub.exceptions import InvalidMessageError
from patterns.pubsub.service import SAMPLE_EVENTS, OrderEvent, Subscriber

pytestmark = pytest.mark.integration


def test_sns_delivers_each_event_to_exactly_the_subscribers_whose_policy_matches(sandbox: Sandbox) -> None:
    rows = routing_table(sandbox)
    received = [[name for name, got in row.received_by.items() if got] for row in rows]
    assert received == [
        ["billing", "warehouse-eu", "audit"],  # OrderPlaced FR 42.50
        ["billing", "fraud-review", "audit"],  # OrderPlaced US 1,299.00: body filter on the total
        ["audit"],  # OrderShipped
        ["billing", "audit"],  # OrderCancelled
        ["billing", "warehouse-eu", "fraud-review", "audit"],  # OrderPlaced DE 2,500.00
        ["audit"],
    ]


def test_raw_delivery_keeps_the_body_and_attributes_and_the_envelope_wraps_them(sandbox: Sandbox) -> None:
    sizes = envelope_sizes(sandbox)
    assert sizes["raw body (billing)"] == len(json.dumps(SAMPLE_EVENTS[0].body(), sort_keys=True))
    assert sizes["SNS envelope (audit)"] > 3 * sizes["raw body (billing)"]
    assert sizes["raw message attributes kept"] == 3


def test_a_new_subscriber_changes_nothing_in_the_publishers_code_or_calls(sandbox: Sandbox) -> None:
    run = late_subscriber_run(sandbox)
    assert run.publisher_unchanged
    assert len(run.calls_before) == len(SAMPLE_EVENTS)
    assert {operation for operation, _ in run.calls_before} == {"Publish"}
    assert run.late_received_before == 0  # SNS does not replay what was published before
    assert run.late_received_after == 1  # the one gold OrderShipped
    assert (
        run.others_before
        == run.others_after
        == {
            "billing": 4,
            "warehouse-eu": 2,
            "fraud-review": 2,
            "audit": 6,
        }
    )


def test_the_call_recorder_sees_a_changed_call(sandbox: Sandbox) -> None:
    topic = create_topic("recorded")
    publisher = OrderPublisher(topic, sandbox.client("sns", region_name=sandbox.region))
    first, second = CallRecorder(), CallRecorder()
    with first.recording(publisher.client):
        publisher.publish(SAMPLE_EVENTS[0])
    with second.recording(publisher.client):
        publisher.publish(SAMPLE_EVENTS[0], group_id=None, deduplication_id=None)
        publisher.publish(SAMPLE_EVENTS[1])
    assert first.calls == second.calls[:1]
    assert second.calls[1] != first.calls[0]
    publisher.publish(SAMPLE_EVENTS[2])  # outside any recording
    assert len(second.calls) == 2


def test_the_cost_grows_with_subscribers_and_shrinks_with_batched_receives(sandbox: Sandbox) -> None:
    rows = cost_sweep(sandbox, subscriber_counts=(1, 3), receive_batches=(1, 10), publishes=20)
    by_key = {(r.subscribers, r.receive_batch): r for r in rows}
    for (count, batch), row in by_key.items():
        assert row.deliveries == 20 * count
        assert row.sqs_requests == (2 * 20 * count if batch == 1 else 2 * 2 * count)
        assert row.delivery_usd == 0.0
    assert by_key[(1, 1)].sns_usd == by_key[(3, 1)].sns_usd
    assert by_key[(3, 1)].total_usd > by_key[(1, 1)].total_usd > by_key[(1, 10)].total_usd
    filtered = filtered_cost(sandbox, publishes=12)
    assert filtered.deliveries == 2 * 14  # the six sample events reach 14 subscriptions in all
    assert filtered.deliveries < 4 * filtered.publishes


def test_a_poison_order_ends_in_the_subscribers_dlq_after_max_receive_count(sandbox: Sandbox) -> None:
    run = dead_letter_run(sandbox, max_receive_count=3, visibility_timeout_s=30)
    assert run.processed == ["o-201", "o-202", "o-203"]
    assert run.dead_lettered == ["o-bad"]
    assert sorted(run.processed + run.dead_lettered) == run.published
    assert run.messages_received == 4 + 2  # the good ones once, the poison three times in all


def test_sns_to_lambda_failures_end_where_aws_puts_them(sandbox: Sandbox) -> None:
    raises, outage, deleted, long_outage = lambda_failures(sandbox, outage_s=90, long_outage_s=30 * 86_400)
    assert (raises.sns_attempts, raises.sns_outcome, raises.lambda_attempts) == (1, "delivered", 3)
    assert raises.ended_in == "on-failure destination (Lambda)"
    # 1 + 3 immediate + 2 pre-backoff + 10 backoff retries take about 70 s; one post-backoff retry at 90 s
    assert (outage.sns_attempts, outage.sns_outcome, outage.ended_in) == (17, "delivered", "receipt sent")
    assert 90 <= outage.sns_last_attempt_s < 91
    assert (deleted.sns_attempts, deleted.sns_outcome, deleted.lambda_attempts) == (1, "redriven", 0)
    assert deleted.ended_in == "subscription DLQ (SNS)"
    assert (long_outage.sns_attempts, long_outage.ended_in) == (100_016, "subscription DLQ (SNS)")
    assert 23 * 86_400 < long_outage.sns_last_attempt_s < 24 * 86_400


def test_without_a_redrive_policy_sns_discards_what_it_cannot_deliver(sandbox: Sandbox) -> None:
    topic = create_topic("no-dlq")
    missing = f"arn:aws:lambda:{sandbox.region}:{sandbox.account_id}:function:never-deployed"
    subscribe_function(topic, missing, Subscriber("gone"))
    message_id = OrderPublisher(topic, sandbox.client("sns")).publish(SAMPLE_EVENTS[0])
    sandbox.settle()
    [delivery] = [d for d in sns_delivery.deliveries(sandbox.lambdas) if d.message_id == message_id]
    assert delivery.outcome == "discarded"
    assert [a.result for a in delivery.attempts] == ["refused"]


def test_an_outage_that_ends_is_followed_by_one_delivery_and_one_receipt(sandbox: Sandbox) -> None:
    topic = create_topic("outage")
    store = EffectStore.create("outage-effects")
    arn = sandbox.deploy(
        "send-receipt",
        "patterns.pubsub.handlers.send_receipt",
        environment={"EFFECTS_TABLE": store.table_name},
    )
    subscribe_function(topic, arn, Subscriber("receipts"))
    sns_delivery.make_unavailable(sandbox.lambdas, "send-receipt", 5.0)
    OrderPublisher(topic, sandbox.client("sns")).publish(SAMPLE_EVENTS[0])
    sandbox.advance(4.0)
    assert store.keys("receipts") == []
    sandbox.advance(10.0)
    assert store.keys("receipts") == ["o-1001"]
    [delivery] = sns_delivery.deliveries(sandbox.lambdas)
    assert [a.result for a in delivery.attempts].count("accepted") == 1
    assert all(a.result == "unavailable" for a in delivery.attempts[:-1])
    with pytest.raises(ValueError, match="negative"):
        sns_delivery.make_unavailable(sandbox.lambdas, "send-receipt", -1)


def test_a_fifo_topic_keeps_each_group_in_order_and_drops_repeated_ids(sandbox: Sandbox) -> None:
    run = fifo_run(sandbox)
    assert run.published == 9
    assert run.repeats_published == 3
    assert run.received == {"billing": 9, "shipping": 9}
    assert run.in_group_order == {"billing": True, "shipping": True}
    assert run.duplicates == {"billing": 0, "shipping": 0}


def test_moto_mishandles_a_topics_content_based_deduplication_and_explicit_ids_work(sandbox: Sandbox) -> None:
    """On AWS a content-based FIFO topic hashes the body: publishing without an id succeeds and a repeat is
    dropped. moto passes no id on, so the queue decides: it refuses the publish, or (content-based queue,
    enveloped delivery whose envelope differs every time) keeps both copies. Hence explicit ids."""
    check = moto_content_deduplication(sandbox)
    assert check.publish_error is not None
    assert "MessageDeduplicationId" in check.publish_error
    assert check.enveloped_copies == 2
    assert check.explicit_id_copies == 1


def test_the_playground_publishes_what_was_typed_and_explains_what_it_refuses(sandbox: Sandbox) -> None:
    playground = Playground(sandbox)
    rows = playground.route('{"event_type": "OrderPlaced", "country": "DE"}', '{"type": "OrderShipped"}')
    assert {r["subscriber"]: r["received"] for r in rows} == {
        "billing": "yes",
        "warehouse-eu": "yes",
        "fraud-review": "no",
        "audit": "yes",
    }
    not_json = playground.route("{}", "plain text, not JSON")
    assert [r["subscriber"] for r in not_json if r["received"] == "yes"] == ["audit"]
    with pytest.raises(InvalidMessageError, match="not valid JSON"):
        playground.route("{oops", "{}")
    assert playground.explain('{"flag": false}', "{}") == (
        "Not published: attribute 'flag' is false: SNS attributes are strings, numbers or lists of strings "
        '(write "true" as a string if you mean one)'
    )
    headline, answer = playground.explain_order(1_200, "OrderPlaced", "FR", "gold")
    assert headline.startswith("order total 1200 USD")
    assert "fraud-review" in str(answer)
    _, refused = playground.explain_order(10, "OrderPlaced", "FR", "gold", extra_attributes="[1]")
    assert refused == "Not published: attributes must be a JSON object of name: value, got a list"


def test_sns_refusing_a_message_becomes_a_clear_message(sandbox: Sandbox) -> None:
    playground = Playground(sandbox)
    with pytest.raises(InvalidMessageError, match=r"SNS refused the message: .*Message too long"):
        playground.route("{}", "x" * 300_000)  # above SNS's 256 KB message size
    answer = playground.explain("{}", "x" * 300_000)
    assert isinstance(answer, str)
    assert answer.startswith("Not published: SNS refused the message")


def test_a_subscriber_queue_gets_a_dlq_and_a_policy_naming_the_topic(sandbox: Sandbox) -> None:
    topic = create_topic("policy")
    subscribed = subscribe_queue(topic, Subscriber("billing"), prefix="p-", max_receive_count=2)
    attributes = sandbox.client("sqs").get_queue_attributes(
        QueueUrl=subscribed.queue.url, AttributeNames=["All"]
    )["Attributes"]
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] in (2, "2")
    assert topic in attributes["Policy"]
    assert subscribed.dead_letter_queue is not None
    queue = ensure_queue("p-plain")
    assert QueueReader().drain(queue.url) == []
    with pytest.raises(ValueError, match="1 to 10"):
        QueueReader(batch=11)
    fifo = OrderEvent("OrderPlaced", "o-1", 1, "FR")
    assert fifo.attributes()["total_cents"] == 1


def test_ending_an_outage_early_lets_the_next_retry_through(sandbox: Sandbox) -> None:
    topic = create_topic("outage-ended")
    store = EffectStore.create("outage-ended-effects")
    arn = sandbox.deploy(
        "send-receipt",
        "patterns.pubsub.handlers.send_receipt",
        environment={"EFFECTS_TABLE": store.table_name},
    )
    subscribe_function(topic, arn, Subscriber("receipts"))
    sns_delivery.make_unavailable(sandbox.lambdas, "send-receipt", 3_600.0)
    OrderPublisher(topic, sandbox.client("sns")).publish(SAMPLE_EVENTS[0])
    sandbox.advance(2.0)  # the first attempt, 3 immediate retries and 2 at one second: all refused
    sns_delivery.make_available(sandbox.lambdas, "send-receipt")
    sandbox.advance(1.0)  # the first backoff retry, 1 s later, gets through
    [delivery] = sns_delivery.deliveries(sandbox.lambdas)
    assert [a.result for a in delivery.attempts] == ["unavailable"] * 6 + ["accepted"]
    assert [a.phase for a in delivery.attempts][-1] == "backoff"
    assert store.keys("receipts") == ["o-1001"]
