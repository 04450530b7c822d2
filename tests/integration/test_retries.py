"""The retries pattern against moto: error classes, botocore's modes, who retries what, amplification."""

from __future__ import annotations

import pytest

from patterns.lab.sandbox import Sandbox
from patterns.retries.demo import amplification, botocore_modes, error_classes, who_retries

pytestmark = pytest.mark.integration


def test_throttling_and_5xx_are_retried_validation_is_not(sandbox: Sandbox) -> None:
    rows = {row["error"]: row for row in error_classes(sandbox)}
    for error in ("400 ThrottlingException", "503 ServiceUnavailable", "500 InternalServerError"):
        assert rows[error]["calls sent"] == 3
        assert rows[error]["outcome"] == "succeeded"
    assert rows["400 ValidationException"]["calls sent"] == 1
    assert rows["400 ValidationException"]["outcome"] == "raised ValidationException at once"


def test_botocore_modes_make_their_default_attempts(sandbox: Sandbox) -> None:
    rows = {(r["service"], r["mode"], r["stand-in"]): r for r in botocore_modes(sandbox)}
    expected_always = {
        ("dynamodb", "legacy"): 10,
        ("dynamodb", "standard"): 4,
        ("dynamodb", "adaptive"): 4,
        ("sqs", "legacy"): 5,
        ("sqs", "standard"): 3,
        ("sqs", "adaptive"): 3,
    }
    for (service, mode), attempts in expected_always.items():
        always = rows[(service, mode, "throttled every time")]
        assert always["attempts"] == attempts
        assert always["outcome"] == "ThrottlingException"
        assert rows[(service, mode, "throttled 2 times")]["attempts"] == 3
        assert rows[(service, mode, "throttled 2 times")]["outcome"] == "ok"
        assert rows[(service, mode, "503 once")]["attempts"] == 2
        refused = rows[(service, mode, "validation error")]
        assert (refused["attempts"], refused["outcome"]) == (1, "ValidationException")


def test_each_platform_caller_retries_and_parks_the_event(sandbox: Sandbox) -> None:
    rows = {row["caller"]: row for row in who_retries(sandbox)}
    assert rows["Lambda async invoke"]["invocations"] == 3
    assert "approximateInvokeCount 3" in rows["Lambda async invoke"]["ended in"]
    assert rows["SQS event source"]["invocations"] == 3
    assert rows["SQS event source"]["ended in"] == "DLQ (1 message)"
    assert rows["Kinesis stream source"]["invocations"] == 3
    assert rows["Kinesis stream source"]["ended in"] == "on-failure destination (1 record)"
    eventbridge = rows["EventBridge rule target (throttled)"]
    assert eventbridge["invocations"] == 0
    assert eventbridge["ended in"] == "target DLQ after 5 Invoke attempts (1 message)"
    assert rows["Step Functions Task"]["invocations"] == 4  # MaxAttempts 3 counts retries
    assert rows["Step Functions Task"]["ended in"].startswith("execution FAILED")


def test_three_layers_of_three_attempts_call_the_bottom_27_times(sandbox: Sandbox) -> None:
    run = amplification(sandbox, attempts=(3, 3, 3))
    assert list(run.invocations.values()) == [3, 9, 27]
    single = amplification(sandbox, attempts=(3, 1, 1))
    assert list(single.invocations.values()) == [3, 3, 3]
    assert run.lambda_usd > single.lambda_usd > 0
    assert run.request_usd == pytest.approx(39 * 0.2 / 1_000_000)
    with pytest.raises(ValueError, match="one attempt count per layer"):
        amplification(sandbox, attempts=(3, 3))
