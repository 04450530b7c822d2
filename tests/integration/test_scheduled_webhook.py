"""The scheduled job and the webhooks against moto: every attack refused with nothing processed, the
nightly job's duplicates, overlaps and take-overs counted, the sender through an outage, nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import schedule_source
from patterns.scheduled_webhook.demo import (
    SECRET,
    attack_results,
    deploy_webhooks,
    flexible_window_delays,
    run_nights,
    send_through_outage,
)
from patterns.scheduled_webhook.service import signed_headers

pytestmark = pytest.mark.integration


def _post(stack, headers, body: bytes) -> tuple[int, str]:
    response = stack.door.request("POST", "/webhooks", headers=dict(headers), body=body)
    return response.status, str(response.json().get("check", "")) if response.status >= 400 else "accepted"


@pytest.fixture
def stack(sandbox: Sandbox):
    return deploy_webhooks(sandbox, suffix="t")


def _body(event_id: str, **extra: object) -> bytes:
    return json.dumps({"id": event_id, "type": "payment.succeeded", **extra}).encode()


def test_genuine_webhook_is_accepted_quickly_and_processed_once(stack) -> None:
    now = int(stack.sandbox.clock.timestamp())
    body = _body("evt_1")
    response = stack.door.request(
        "POST", "/webhooks", headers=signed_headers(SECRET, "evt_1", now, body), body=body
    )
    assert response.status == 202
    assert response.invocation is not None
    processed_table = stack.processed_table
    dynamodb = stack.sandbox.client("dynamodb")
    assert dynamodb.scan(TableName=processed_table)["Count"] == 0  # answered before any processing
    assert stack.processed() == 1  # processed behind the queue, once it was polled


@pytest.mark.parametrize(
    ("name", "status", "check"),
    [
        ("missing signature", 401, "missing-signature"),
        ("bad signature", 401, "bad-signature"),
        ("tampered body", 401, "bad-signature"),
        ("stale timestamp", 400, "stale-timestamp"),
        ("replay", 400, "replay"),
        ("oversized body", 400, "oversized-body"),
    ],
)
def test_each_attack_is_refused_and_nothing_is_processed(stack, name: str, status: int, check: str) -> None:
    now = int(stack.sandbox.clock.timestamp())
    body = _body("evt_a", amount_cents=100)
    headers = signed_headers(SECRET, "evt_a", now, body)
    if name == "missing signature":
        headers.pop("Webhook-Signature")
    elif name == "bad signature":
        headers = signed_headers(b"guess", "evt_a", now, body)
    elif name == "tampered body":
        body = body.replace(b"100", b"100000")
    elif name == "stale timestamp":
        headers = signed_headers(SECRET, "evt_a", now - 301, body)
    elif name == "replay":
        assert _post(stack, headers, body) == (202, "accepted")
        assert stack.processed() == 1
    elif name == "oversized body":
        body = _body("evt_a", padding="x" * 66_000)
        headers = signed_headers(SECRET, "evt_a", now, body)
    expected_processed = 1 if name == "replay" else 0

    assert _post(stack, headers, body) == (status, check)
    assert stack.processed() == expected_processed
    stack.sandbox.settle()
    assert (
        stack.sandbox.client("sqs").get_queue_attributes(
            QueueUrl=stack.sandbox.client("sqs").get_queue_url(QueueName="webhook-events-t")["QueueUrl"],
            AttributeNames=["ApproximateNumberOfMessages"],
        )["Attributes"]["ApproximateNumberOfMessages"]
        == "0"
    )


def test_demo_attack_table_refuses_all_and_processes_only_the_genuine(stack) -> None:
    results = attack_results(stack)
    assert results[0].status == 202
    assert all(r.status in (400, 401) for r in results[1:])
    assert {r.processed_after for r in results} == {1}


def test_sender_through_an_outage_delivers_everything_once(stack) -> None:
    run = send_through_outage(stack, events=8, outage_s=60.0)
    assert run.delivered == 8
    assert any(429 in d.statuses for d in run.deliveries)  # the outage was felt
    assert sum(d.attempts for d in run.deliveries) > 8
    assert run.processed == 8  # nothing lost, nothing twice
    assert run.seen_before_sweep == 8
    assert run.seen_after_sweep == 0  # TTL swept the ids once their window had passed


def test_nightly_job_counts_duplicates_overlaps_and_takeovers(sandbox: Sandbox) -> None:
    run = run_nights(sandbox, nights=8, lease_hours=30.0)
    counts = run.counts
    assert counts["fires"] == 8
    assert counts["deliveries"] == 9
    assert counts["duplicate"] == 1
    assert counts["crashed"] == 1
    assert counts["overlap"] == 2  # the night after the 30-hour run, the night after the crash
    assert counts["took-over"] == 1
    assert counts["released"] == counts["started"] + counts["took-over"]
    assert counts["lost lock"] == 0
    assert run.overlapping_runs() == 0


def test_a_lease_shorter_than_a_run_lets_two_runs_overlap(sandbox: Sandbox) -> None:
    run = run_nights(sandbox, nights=5, lease_hours=12.0, crash_nights=())
    assert run.counts["took-over"] == 1
    assert run.counts["lost lock"] == 1
    assert run.overlapping_runs() == 1


def test_flexible_window_delays_stay_inside_the_window(sandbox: Sandbox) -> None:
    delays = flexible_window_delays(sandbox, fires=12, window_minutes=10)
    assert len(delays) == 12
    assert all(0 <= d <= 600 for d in delays)
    assert len(set(delays)) > 1


def test_duplicate_deliveries_carry_the_same_scheduled_time(sandbox: Sandbox) -> None:
    arn = sandbox.deploy("target", "patterns.scheduled_webhook.handlers.noop")
    source = schedule_source(sandbox, duplicates=lambda _name, _when: 2)
    sandbox.client("scheduler").create_schedule(
        Name="every-hour",
        ScheduleExpression="rate(1 hour)",
        StartDate=sandbox.clock.now() + timedelta(minutes=1),
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler"},
    )
    sandbox.settle()
    sandbox.advance(3600)
    assert [f.duplicate for f in source.fires] == [False, True, True]
    assert len({f.scheduled_time for f in source.fires}) == 1


def test_scheduler_skips_the_missing_hour_on_the_virtual_clock() -> None:
    from patterns.lab.clock import LabClock
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox(clock=LabClock(datetime(2024, 3, 9, 12, tzinfo=UTC))) as sandbox:
        arn = sandbox.deploy("target", "patterns.scheduled_webhook.handlers.noop")
        source = schedule_source(sandbox)
        sandbox.client("scheduler").create_schedule(
            Name="nightly",
            ScheduleExpression="cron(30 2 * * ? *)",
            ScheduleExpressionTimezone="America/New_York",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler"},
        )
        sandbox.advance(3 * 86_400)
        # 02:30 did not exist in New York on 2024-03-10: no fire that night
        assert [f.scheduled_time for f in source.fires] == [
            datetime(2024, 3, 11, 6, 30, tzinfo=UTC),
            datetime(2024, 3, 12, 6, 30, tzinfo=UTC),
        ]
