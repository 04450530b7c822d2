"""EventBridge Lambda targets through the lab: the target's retry policy and DLQ, replays of a window.

moto matches the rules (real put_events); the lab delivers to Lambda targets, retries failed deliveries
on the virtual clock and replays only an archive's time window, to the chosen rules.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from patterns.lab.event_targets import retry_delay_s, router
from patterns.lab.resources import ensure_queue
from patterns.lab.sandbox import Sandbox

pytestmark = pytest.mark.integration

NOOP = "tests.handlers.noop.handler"
FAILS = "tests.handlers.gateway.fails"


def _rule(sandbox: Sandbox, target: dict[str, Any], name: str = "r", bus: str = "b") -> str:
    events = sandbox.client("events")
    arn: str = events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"source": ["shop"]}))[
        "RuleArn"
    ]
    events.put_targets(Rule=name, EventBusName=bus, Targets=[target])
    return arn


def _put(sandbox: Sandbox, n: int = 1, bus: str = "b") -> None:
    sandbox.client("events").put_events(
        Entries=[
            {
                "EventBusName": bus,
                "Source": "shop",
                "DetailType": "T",
                "Detail": json.dumps({"n": i}),
                "Time": sandbox.clock.now(),
            }
            for i in range(n)
        ]
    )


def _messages(sandbox: Sandbox, url: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = (
        sandbox.client("sqs")
        .receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        .get("Messages", [])
    )
    return got


@pytest.fixture
def bus(sandbox: Sandbox) -> str:
    sandbox.client("events").create_event_bus(Name="b")
    return "b"


def test_a_throttled_target_is_retried_until_max_retry_attempts_then_dead_lettered(
    sandbox: Sandbox, bus: str
) -> None:
    arn = sandbox.deploy("f", NOOP)
    dlq = ensure_queue("dlq")
    rule_arn = _rule(
        sandbox,
        {
            "Id": "f",
            "Arn": arn,
            "RetryPolicy": {"MaximumRetryAttempts": 3},
            "DeadLetterConfig": {"Arn": dlq.arn},
        },
    )
    targets = router(sandbox.lambdas)
    targets.throttle("f", until_s=10_000)
    _put(sandbox)
    sandbox.advance(60)
    [delivery] = targets.deliveries
    assert delivery.attempt_times == [0.0, retry_delay_s(1), retry_delay_s(1) + retry_delay_s(2), 7.0]
    assert (delivery.outcome, delivery.exhausted) == ("dead-lettered", "MaximumRetryAttempts")
    assert sandbox.lambdas.async_invocations == []
    [message] = _messages(sandbox, dlq.url)
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["RETRY_ATTEMPTS"] == "3"
    assert attributes["RULE_ARN"] == rule_arn
    assert attributes["TARGET_ARN"] == arn
    assert attributes["ERROR_CODE"] == "TooManyRequestsException"
    assert json.loads(message["Body"])["detail"] == {"n": 0}


def test_the_maximum_event_age_ends_retries_before_the_attempts_do(sandbox: Sandbox, bus: str) -> None:
    arn = sandbox.deploy("f", NOOP)
    dlq = ensure_queue("dlq")
    _rule(
        sandbox,
        {
            "Id": "f",
            "Arn": arn,
            "RetryPolicy": {"MaximumEventAgeInSeconds": 60},
            "DeadLetterConfig": {"Arn": dlq.arn},
        },
    )
    targets = router(sandbox.lambdas)
    targets.throttle("f", until_s=10_000)
    _put(sandbox)
    sandbox.advance(600)
    [delivery] = targets.deliveries
    assert delivery.exhausted == "MaximumEventAgeInSeconds"
    assert delivery.attempt_times[-1] <= 60 < delivery.attempt_times[-1] + retry_delay_s(delivery.attempts)
    assert len(_messages(sandbox, dlq.url)) == 1


def test_delivery_resumes_when_the_throttling_ends(sandbox: Sandbox, bus: str) -> None:
    arn = sandbox.deploy("f", NOOP)
    _rule(sandbox, {"Id": "f", "Arn": arn})
    targets = router(sandbox.lambdas)
    targets.throttle("f", until_s=5)
    _put(sandbox)
    sandbox.advance(60)
    [delivery] = targets.deliveries
    assert delivery.outcome == "delivered"
    assert delivery.attempt_times == [0.0, 1.0, 3.0, 7.0]
    assert [inv.outcome for inv in sandbox.lambdas.async_invocations] == ["succeeded"]


def test_a_missing_function_is_dead_lettered_at_once_and_without_a_dlq_dropped(
    sandbox: Sandbox, bus: str
) -> None:
    dlq = ensure_queue("dlq")
    missing = f"arn:aws:lambda:{sandbox.region}:{sandbox.account_id}:function:gone"
    _rule(sandbox, {"Id": "g", "Arn": missing, "DeadLetterConfig": {"Arn": dlq.arn}}, name="with-dlq")
    _rule(sandbox, {"Id": "g", "Arn": missing}, name="without")
    _put(sandbox)
    sandbox.advance(60)
    outcomes = sorted((d.outcome, d.attempts, d.error_code) for d in router(sandbox.lambdas).deliveries)
    assert outcomes == [
        ("dead-lettered", 1, "ResourceNotFoundException"),
        ("dropped", 1, "ResourceNotFoundException"),
    ]
    [message] = _messages(sandbox, dlq.url)
    assert message["MessageAttributes"]["RETRY_ATTEMPTS"]["StringValue"] == "0"
    assert "EXHAUSTED_RETRY_CONDITION" not in message["MessageAttributes"]


def test_a_function_error_is_lambdas_to_retry_not_the_rules(sandbox: Sandbox, bus: str) -> None:
    failures = ensure_queue("failures")
    dlq = ensure_queue("dlq")
    arn = sandbox.deploy("f", FAILS, on_failure=failures.arn)
    _rule(sandbox, {"Id": "f", "Arn": arn, "DeadLetterConfig": {"Arn": dlq.arn}})
    _put(sandbox)
    sandbox.advance(400)
    [delivery] = router(sandbox.lambdas).deliveries
    assert (delivery.outcome, delivery.attempts) == ("delivered", 1)
    [invocation] = sandbox.lambdas.async_invocations
    assert (invocation.outcome, len(invocation.attempts)) == ("failed", 3)
    assert len(_messages(sandbox, failures.url)) == 1
    assert _messages(sandbox, dlq.url) == []


def test_a_replay_sends_only_the_window_and_only_to_the_chosen_rules(sandbox: Sandbox, bus: str) -> None:
    events = sandbox.client("events")
    bus_arn = events.describe_event_bus(Name=bus)["Arn"]
    archive = events.create_archive(
        ArchiveName="a", EventSourceArn=bus_arn, EventPattern=json.dumps({"source": ["shop"]})
    )
    chosen = _rule(sandbox, {"Id": "f", "Arn": sandbox.deploy("f", NOOP)}, name="chosen")
    _rule(sandbox, {"Id": "g", "Arn": sandbox.deploy("g", NOOP)}, name="other")
    origin = sandbox.clock.now()
    for _ in range(6):  # one event every 10 s: at 0, 10, ..., 50
        _put(sandbox)
        sandbox.advance(10)
    first = len(sandbox.lambdas.async_invocations)
    events.start_replay(
        ReplayName="fix",
        EventSourceArn=archive["ArchiveArn"],
        EventStartTime=origin + timedelta(seconds=10),
        EventEndTime=origin + timedelta(seconds=30),
        Destination={"Arn": bus_arn, "FilterArns": [chosen]},
    )
    sandbox.settle()
    replayed = sandbox.lambdas.async_invocations[first:]
    assert [inv.function_name for inv in replayed] == ["f", "f"]  # the events of 10 s and 20 s
    assert all(inv.event.get("replay-name") == "fix" for inv in replayed)
    assert events.describe_replay(ReplayName="fix")["State"] == "COMPLETED"
