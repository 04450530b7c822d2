"""The queue-batching pipeline against moto: counted requests, the mapping's rules, failure accounting."""

from __future__ import annotations

from dataclasses import replace

import pytest

from patterns.lab import pricing
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.sandbox import Sandbox
from patterns.queue_batching.adapters import SqsRequestCounter, create_resources
from patterns.queue_batching.pipeline import PipelineConfig, run_pipeline
from patterns.queue_batching.service import WorkModel

pytestmark = pytest.mark.integration


def test_batching_ten_cuts_invocations_and_deletes_tenfold_and_every_call_is_counted(
    sandbox: Sandbox,
) -> None:
    single = run_pipeline(sandbox, PipelineConfig(messages=30, batch_size=1))
    batched = run_pipeline(sandbox, PipelineConfig(messages=30, batch_size=10))
    for run in (single, batched):
        run.check_accounting()
        assert run.sqs_calls["SendMessageBatch"] == 3
        assert run.sqs_calls["DeleteMessageBatch"] == run.stats.delete_calls == run.invocations
        assert run.sqs_calls["ReceiveMessage"] == run.stats.receives
        assert run.sqs_billed["ReceiveMessage"] + run.empty_receives == run.stats.receives
        assert run.lab_only_sqs_calls == {}
    assert single.invocations == 30
    assert batched.invocations == 3
    assert batched.stats.batch_sizes == (10, 10, 10)
    assert batched.billed_ms == 3 * WorkModel().billed_ms(10)


def test_sends_and_receives_are_billed_per_64_kb_chunk(sandbox: Sandbox) -> None:
    run = run_pipeline(sandbox, PipelineConfig(messages=20, batch_size=10, message_bytes=20_000))
    # ten 20,000-byte bodies are 200,000 bytes: four 65,536-byte chunks per SendMessageBatch
    assert run.sqs_calls["SendMessageBatch"] == 2
    assert run.sqs_billed["SendMessageBatch"] == 2 * pricing.sqs_request_count(200_000) == 8
    assert run.sqs_billed["ReceiveMessage"] > run.sqs_calls["ReceiveMessage"] - run.empty_receives


def test_the_counter_stops_counting_when_its_block_ends(sandbox: Sandbox) -> None:
    resources = create_resources("counted", visibility_timeout_s=30, max_receive_count=2)
    sqs = sandbox.client("sqs")
    counter = SqsRequestCounter()
    with counter.counting(sqs):
        sqs.send_message(QueueUrl=resources.queue.url, MessageBody="x" * 70_000)
        sqs.receive_message(QueueUrl=resources.dead_letter_queue.url)
        sqs.get_queue_attributes(QueueUrl=resources.queue.url, AttributeNames=["All"])
    sqs.send_message(QueueUrl=resources.queue.url, MessageBody="after")
    assert dict(counter.calls) == {"SendMessage": 1, "ReceiveMessage": 1, "GetQueueAttributes": 1}
    assert counter.billed["SendMessage"] == 2
    assert counter.empty_receives == 1
    assert counter.other_calls == {"GetQueueAttributes": 1}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"batch_size": 11}, "batch_size above 10 \\(got 11\\) needs batching_window_s"),
        (
            {"batch_size": 10_001, "batching_window_s": 1, "work": WorkModel(per_message_ms=0)},
            "batch_size must be 1-10000 for a standard queue, got 10001",
        ),
        ({"batch_size": 11, "fifo": True}, "batch_size must be 1-10 for a FIFO queue, got 11"),
        ({"visibility_timeout_s": 10}, "visibility timeout \\(10 s\\) is less than the function's timeout"),
    ],
)
def test_the_mappings_own_rules_refuse_a_bad_configuration(
    sandbox: Sandbox, settings: dict[str, object], expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        run_pipeline(sandbox, PipelineConfig(messages=5, **settings))  # type: ignore[arg-type]


def test_a_large_batch_with_a_window_waits_for_the_window_or_fills_up(sandbox: Sandbox) -> None:
    run = run_pipeline(
        sandbox, PipelineConfig(messages=60, batch_size=50, batching_window_s=2, arrival_rate_per_s=100)
    )
    run.check_accounting()
    assert run.stats.batch_sizes == (50, 10)
    assert max(run.latencies_s) == pytest.approx(2.0 + WorkModel().duration_ms(10) / 1000, abs=0.15)


def test_without_partial_responses_a_poison_message_drags_its_batch_around(sandbox: Sandbox) -> None:
    base = PipelineConfig(messages=10, batch_size=10, failure_rate=0.1, max_receive_count=3)
    whole = run_pipeline(sandbox, replace(base, report_batch_item_failures=False))
    partial = run_pipeline(sandbox, base)
    for run in (whole, partial):
        run.check_accounting()
        assert run.poison == {run.sent[4]}
        assert set(run.poison) <= set(run.dead_lettered)
    assert partial.duplicate_deliveries == 2  # the poison message alone, received 3 times
    assert partial.good_messages_dead_lettered == 0
    assert whole.duplicate_deliveries == 20  # its whole batch of 10, received 3 times
    assert whole.repeats_refused == 2 * 4  # the 4 messages before the poison: applied once, refused twice
    assert whole.good_messages_dead_lettered == 9
    assert whole.good_messages_never_applied == 5  # the 5 after it never ran
    assert whole.billed_ms > partial.billed_ms


CONFIGURATIONS = [
    pytest.param(
        partial,
        batch,
        rate,
        fifo,
        id=f"{'partial' if partial else 'whole'}-b{batch}-f{rate}{'-fifo' if fifo else ''}",
    )
    for partial in (True, False)
    for batch, rate, fifo in (
        (1, 0.2, False),
        (4, 0.1, False),
        (10, 0.5, False),
        (25, 0.1, False),
        (5, 0.2, True),
    )
]


@pytest.mark.parametrize(("partial", "batch", "rate", "fifo"), CONFIGURATIONS)
def test_every_message_is_applied_exactly_once_or_sits_in_the_dlq(
    sandbox: Sandbox, partial: bool, batch: int, rate: float, fifo: bool
) -> None:
    config = PipelineConfig(
        messages=20,
        batch_size=batch,
        batching_window_s=1 if batch > 10 else 0,
        failure_rate=rate,
        report_batch_item_failures=partial,
        max_receive_count=2,
        fifo=fifo,
    )
    run = run_pipeline(sandbox, config)
    run.check_accounting()
    applied = {effect.message_id for effect in run.effects}
    assert applied | set(run.dead_lettered) == set(run.sent)
    assert not applied & run.poison
    assert run.stats.messages_delivered >= len(run.sent)
    if partial:
        assert set(run.dead_lettered) == run.poison
        assert applied == set(run.sent) - run.poison
