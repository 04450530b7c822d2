"""The event-driven pattern against moto: routing by real put_events, the pipeline, seed 000's flow,
the failing consumer, and the accounting (every event processed or in a DLQ)."""

from __future__ import annotations

import json

import pytest

from patterns.event_driven.demo import (
    misspelt_operator,
    route_text,
    routing_rows,
    run_failure_and_replay,
    run_pipeline,
    run_seed_000,
    setup_routing,
)
from patterns.event_driven.exceptions import AccountingError
from patterns.event_driven.service import SAMPLE_EVENTS
from patterns.lab.sandbox import Sandbox

pytestmark = pytest.mark.integration

EXPECTED = {
    "EU order 250, coupon": ["orders-service", "eu-fulfilment", "audit", "review", "coupons"],
    "US order 40": ["orders-service", "audit"],
    'total "250" (a string)': ["orders-service", "audit"],
    "stock reserved": ["inventory-service", "audit"],
    "order fulfilled": ["notify-seed", "notifications", "audit"],
    "payment failed": ["notify-seed", "notifications", "audit"],
    "PaymentFailed from orders": ["notify-seed", "audit"],
    "test order 5000": [],
}


def test_each_sample_event_reaches_exactly_the_consumers_its_rules_name(sandbox: Sandbox) -> None:
    routing = setup_routing(sandbox)
    rows = routing_rows(sandbox, routing)
    assert {row["event"]: row["consumers"] for row in rows} == EXPECTED
    assert len(sandbox.lambdas.async_invocations) == sum(map(len, EXPECTED.values()))


def test_lambda_and_sqs_targets_agree_on_who_receives_what(sandbox: Sandbox) -> None:
    by_lambda = routing_rows(sandbox, setup_routing(sandbox, bus_name="by-lambda", via="lambda"))
    by_sqs = routing_rows(sandbox, setup_routing(sandbox, bus_name="by-sqs", via="sqs"))
    assert [row["consumers"] for row in by_lambda] == [row["consumers"] for row in by_sqs]


def test_the_widget_answers_with_receivers_or_a_clear_message(sandbox: Sandbox) -> None:
    routing = setup_routing(sandbox)
    text = json.dumps({"source": "payments", "detail-type": "PaymentFailed", "detail": {"coupon": "X"}})
    assert route_text(sandbox, routing, text).endswith(
        "received by notify-seed, notifications, audit, coupons."
    )
    assert "nobody received it" in route_text(sandbox, routing, '{"source": "test", "detail-type": "x"}')
    sent = len(sandbox.lambdas.async_invocations)
    answer = route_text(sandbox, routing, '{"source": "orders", ')
    assert answer.startswith("Invalid event: not valid JSON")
    assert "Nothing was sent" in answer
    assert len(sandbox.lambdas.async_invocations) == sent


def test_moto_accepts_a_misspelt_operator_that_aws_refuses(sandbox: Sandbox) -> None:
    gap = misspelt_operator(sandbox, setup_routing(sandbox, via="sqs"))
    assert (gap.accepted, gap.delivered) == (True, True)
    assert gap.aws_problems == ["detail.region: unknown operator 'prefx'"]
    rules = sandbox.client("events").list_rules(EventBusName="orders-bus")["Rules"]
    assert "misspelt" not in {rule["Name"] for rule in rules}


def test_the_pipeline_stores_every_order_and_sends_one_email_per_upload(sandbox: Sandbox) -> None:
    run = run_pipeline(sandbox, uploads=3, orders_per_upload=4)
    assert run is not None
    assert (run.orders_stored, run.emails) == (12, 3)
    assert [len(run.process_reports), len(run.email_reports)] == [3, 3]
    by_stage = {stage.stage: stage for stage in run.stages}
    assert by_stage["DynamoDB orders (WRU)"].requests == 12
    assert by_stage["SNS publish"].requests == 3
    assert all(stage.cost_usd > 0 for stage in run.stages)
    assert run.upload_times == [0.0, 2.0, 4.0]
    outbox = sandbox.client("dynamodb").scan(TableName="pipeline-outbox")["Items"]
    assert sorted(item["subject"]["S"] for item in outbox) == [
        f"4 orders imported from uploads/batch {n}.csv" for n in range(3)
    ]


def test_only_uploads_csv_files_trigger_the_processor(sandbox: Sandbox) -> None:
    run_pipeline(sandbox, uploads=1, orders_per_upload=1)
    before = len(sandbox.lambdas.reports)
    s3 = sandbox.client("s3")
    s3.put_object(Bucket="orders-uploads", Key="processed/batch 0.csv", Body=b"x")
    s3.put_object(Bucket="orders-uploads", Key="uploads/notes.txt", Body=b"x")
    sandbox.settle()
    assert len(sandbox.lambdas.reports) == before


def test_a_malformed_upload_fails_the_processor_and_no_email_is_sent(sandbox: Sandbox) -> None:
    run_pipeline(sandbox, uploads=1, orders_per_upload=1)
    sandbox.client("s3").put_object(Bucket="orders-uploads", Key="uploads/bad.csv", Body=b"id,total\n1,2\n")
    sandbox.advance(400)
    [failed] = [inv for inv in sandbox.lambdas.async_invocations if inv.outcome == "failed"]
    assert failed.function_name == "process-upload"
    assert len(failed.attempts) == 3
    assert failed.attempts[0].payload["errorType"] == "MalformedOrdersError"
    assert int(sandbox.client("dynamodb").scan(TableName="pipeline-outbox", Select="COUNT")["Count"]) == 1


def test_seed_000s_random_ids_defeat_deduplication_and_an_idempotency_key_restores_it(
    sandbox: Sandbox,
) -> None:
    seed = run_seed_000(sandbox, ids="random")
    fixed = run_seed_000(sandbox, ids="idempotency-key")
    assert (seed.orders_stored, seed.messages_in_queue) == (2, 6)
    assert seed.order_ids[0] != seed.order_ids[1]
    assert (fixed.orders_stored, fixed.messages_in_queue) == (1, 3)
    assert fixed.order_ids[0] == fixed.order_ids[1]


def test_nothing_is_lost_every_order_is_invoiced_or_in_a_dlq_then_invoiced_once(sandbox: Sandbox) -> None:
    run = run_failure_and_replay(sandbox)
    assert run is not None
    run.check_nothing_lost()
    sent = set(run.sent)
    assert len(sent) == 10
    # counted one by one: processed, or in one of the two dead-letter queues, never two places
    for order_id in sent:
        places = [
            order_id in run.invoiced_before,
            order_id in run.function_failures,
            order_id in run.target_dlq,
        ]
        assert places.count(True) == 1, order_id
    assert run.function_failures == {"o-05", "o-06", "o-07", "o-08"}
    assert run.target_dlq == {"o-09"}
    assert {len(run.lambda_attempts[o]) for o in run.function_failures} == {3}
    assert len(run.target_attempts["o-10"]) > 1
    assert "o-10" in run.invoiced_before
    assert run.target_dlq_attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumEventAgeInSeconds"
    assert run.replay_state == "COMPLETED"
    assert run.replayed == {"o-05", "o-06", "o-07", "o-08", "o-09", "o-10"}
    assert run.invoiced_after == sent
    assert run.invoices_stored == 10


def test_the_books_catch_a_lost_event(sandbox: Sandbox) -> None:
    run = run_failure_and_replay(sandbox)
    assert run is not None
    run.target_dlq.clear()
    with pytest.raises(AccountingError, match="lost \\['o-09'\\]"):
        run.check_nothing_lost()


def test_sample_events_cover_every_consumer_at_least_once_and_one_reaches_nobody() -> None:
    received = {c for consumers in EXPECTED.values() for c in consumers}
    assert len(received) == 8
    assert [] in EXPECTED.values()
    assert [event.label for event in SAMPLE_EVENTS] == list(EXPECTED)


def test_running_each_part_again_counts_the_same(sandbox: Sandbox) -> None:
    """A notebook cell run twice: the second run's figures are its own, not added to the first's."""
    for _ in range(2):
        pipeline = run_pipeline(sandbox, uploads=2, orders_per_upload=3)
        assert pipeline is not None
        assert (pipeline.orders_stored, pipeline.emails) == (6, 2)
        fixed = run_seed_000(sandbox, ids="idempotency-key")
        assert (fixed.orders_stored, fixed.messages_in_queue) == (1, 3)
        failure = run_failure_and_replay(sandbox)
        assert failure is not None
        failure.check_nothing_lost()
        assert (failure.function_failures, failure.target_dlq) == ({"o-05", "o-06", "o-07", "o-08"}, {"o-09"})
