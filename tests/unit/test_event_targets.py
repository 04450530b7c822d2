"""The lab's EventBridge target delivery: retry policy defaults, the back-off schedule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.lab import limits
from patterns.lab.clock import LabClock
from patterns.lab.event_targets import RetryPolicy, TargetRouter, retry_delay_s
from patterns.lab.lambda_runtime import LocalLambdaRuntime

pytestmark = pytest.mark.unit


def test_a_target_without_a_policy_gets_aws_defaults() -> None:
    assert RetryPolicy.of({"Arn": "x"}) == RetryPolicy(185, 86_400)
    assert RetryPolicy.of({"RetryPolicy": {"MaximumRetryAttempts": 3}}) == RetryPolicy(3, 86_400)
    assert RetryPolicy.of({"RetryPolicy": {"MaximumEventAgeInSeconds": 60}}) == RetryPolicy(185, 60)


def test_back_off_doubles_to_its_cap_and_185_attempts_take_about_a_day() -> None:
    assert [retry_delay_s(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert retry_delay_s(10) == limits.EVENTBRIDGE_LAB_RETRY_MAX_DELAY_S
    assert retry_delay_s(10_000) == limits.EVENTBRIDGE_LAB_RETRY_MAX_DELAY_S
    total = sum(retry_delay_s(n) for n in range(1, limits.EVENTBRIDGE_TARGET_MAX_RETRY_ATTEMPTS_DEFAULT))
    day = limits.EVENTBRIDGE_TARGET_MAX_EVENT_AGE_DEFAULT_S
    assert 0.9 * day < total <= day
    with pytest.raises(ValueError, match="numbered from 1"):
        retry_delay_s(0)


@settings(max_examples=40, deadline=None)
@given(
    throttled_for=st.floats(min_value=0, max_value=3_000),
    max_attempts=st.integers(min_value=0, max_value=185),
    max_age=st.integers(min_value=60, max_value=86_400),
    dead_letter=st.booleans(),
)
def test_every_delivery_ends_delivered_or_dead_lettered_within_its_policy(
    throttled_for: float, max_attempts: int, max_age: int, dead_letter: bool
) -> None:
    runtime = LocalLambdaRuntime(LabClock())
    runtime.deploy("f", "tests.handlers.noop.handler")
    sent: list[tuple[str, dict[str, str]]] = []
    targets = TargetRouter(runtime, lambda _arn, body, attributes: sent.append((body, attributes)))
    targets.throttle("f", until_s=throttled_for)
    target = {
        "Id": "f",
        "Arn": runtime.function("f").arn,
        "RetryPolicy": {"MaximumRetryAttempts": max_attempts, "MaximumEventAgeInSeconds": max_age},
        **({"DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}} if dead_letter else {}),
    }
    try:
        delivery = targets.deliver("rule", target, {"id": "e-1", "detail": {}})
        while (due := runtime.clock.next_due()) is not None:
            runtime.clock.advance_to(due)
        runtime.clock.run_due()
    finally:
        runtime.shutdown()
    assert delivery.outcome in ("delivered", "dead-lettered", "dropped")
    assert delivery.attempts <= max_attempts + 1
    assert delivery.attempt_times[-1] - delivery.first_attempt_at <= max_age
    if delivery.outcome == "delivered":
        assert delivery.attempt_times[-1] >= throttled_for
        assert [i.outcome for i in runtime.async_invocations] == ["succeeded"]
        assert sent == []
    else:
        assert delivery.attempt_times[-1] < throttled_for
        assert runtime.async_invocations == []
        assert len(sent) == (1 if dead_letter else 0)
        assert delivery.outcome == ("dead-lettered" if dead_letter else "dropped")
