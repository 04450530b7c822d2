"""SNS deliveries to Lambda endpoints: SNS's retry policy and subscription redrive, on the virtual clock.

moto hands a message to a Lambda subscription once (the lab's hook routes it to the local runtime,
:mod:`patterns.lab.hooks`) and never retries. On AWS, SNS's delivery to Lambda is an asynchronous
invoke: it succeeds as soon as Lambda *accepts* the event. What happens next depends on who failed:

* **the function raises** - SNS delivered; Lambda's own asynchronous retries (2 by default) and the
  function's on-failure destination take over (the lab runtime does that). The subscription's
  dead-letter queue stays empty.
* **the endpoint is unavailable** (a server-side error: the Lambda service cannot take the event) - SNS
  retries with its policy for AWS-managed endpoints
  (:data:`patterns.lab.limits.SNS_MANAGED_ENDPOINT_RETRY_PHASES`), here on the sandbox's clock; when
  every retry fails, the message goes to the subscription's ``RedrivePolicy`` dead-letter queue, or is
  discarded without one. AWS offers no way to make Lambda unavailable on purpose: the lab injects the
  outage with :func:`make_unavailable`.
* **the endpoint refuses** (a client-side error: the function was deleted, SNS lost permission) - no
  retry at all: straight to the dead-letter queue.

Every delivery is recorded (:func:`deliveries`) with its attempts, so a demonstration can show the
schedule it followed.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from patterns.lab import limits
from patterns.lab.exceptions import FunctionNotDeployedError, LabError

if TYPE_CHECKING:
    from patterns.lab.lambda_runtime import LocalLambdaRuntime

__all__ = [
    "DeliveryAttempt",
    "LambdaDelivery",
    "deliver_to_lambda",
    "deliveries",
    "make_available",
    "make_unavailable",
    "retry_schedule",
]

Outcome = Literal["pending", "delivered", "redriven", "discarded"]


@dataclass(frozen=True)
class DeliveryAttempt:
    """One try of SNS to hand a message to Lambda, at a virtual instant (seconds since the clock started)."""

    at_s: float
    phase: str
    result: Literal["accepted", "unavailable", "refused"]


@dataclass
class LambdaDelivery:
    """One message's delivery to one Lambda subscription, with every attempt it took."""

    message_id: str
    subscription_arn: str
    function: str
    dead_letter_arn: str | None
    event: dict[str, Any] = field(repr=False)
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    outcome: Outcome = "pending"


class _Unavailable(LabError):
    """The lab's injected server-side error: the Lambda service does not take the event now."""


@dataclass
class _RuntimeState:
    outages: dict[str, float] = field(default_factory=dict)  # function name -> unavailable until (s)
    deliveries: list[LambdaDelivery] = field(default_factory=list)


_state: weakref.WeakKeyDictionary[LocalLambdaRuntime, _RuntimeState] = weakref.WeakKeyDictionary()


def _of(runtime: LocalLambdaRuntime) -> _RuntimeState:
    state = _state.get(runtime)
    if state is None:
        state = _state[runtime] = _RuntimeState()
    return state


def retry_schedule(
    phases: tuple[tuple[str, int, float, float], ...] = limits.SNS_MANAGED_ENDPOINT_RETRY_PHASES,
) -> Iterator[tuple[str, float]]:
    """The retries after the first attempt, as ``(phase, delay before it in seconds)``.

    A phase of ``n`` retries from ``first`` to ``last`` seconds spaces them evenly on a log scale
    (exponential backoff); a phase whose two delays are equal waits the same before each retry.
    """
    for name, count, first, last in phases:
        for index in range(count):
            same = count == 1 or first == last
            yield name, first if same else first * (last / first) ** (index / (count - 1))


def make_unavailable(runtime: LocalLambdaRuntime, function: str, seconds: float) -> None:
    """Inject an outage: SNS's deliveries to ``function`` fail with a server-side error for ``seconds``
    of virtual time from now."""
    if seconds < 0:
        raise ValueError(f"an outage cannot last a negative time, got {seconds}")
    _of(runtime).outages[runtime.function(function).config.name] = runtime.clock.elapsed + seconds


def make_available(runtime: LocalLambdaRuntime, function: str) -> None:
    """End an injected outage now."""
    _of(runtime).outages.pop(runtime.function(function).config.name, None)


def deliveries(runtime: LocalLambdaRuntime) -> list[LambdaDelivery]:
    """Every SNS-to-Lambda delivery ``runtime`` has seen, in the order they were published."""
    return list(_of(runtime).deliveries)


def deliver_to_lambda(
    runtime: LocalLambdaRuntime,
    *,
    message_id: str,
    subscription_arn: str,
    function: str,
    event: dict[str, Any],
    redrive_policy: str | None,
) -> LambdaDelivery:
    """Hand ``event`` to ``function`` as SNS does: retried on the clock while the endpoint is unavailable,
    redriven to the subscription's dead-letter queue when it refuses or every retry failed."""
    dead_letter = json.loads(redrive_policy).get("deadLetterTargetArn") if redrive_policy else None
    delivery = LambdaDelivery(message_id, subscription_arn, function, dead_letter, event)
    _of(runtime).deliveries.append(delivery)
    _attempt(runtime, delivery, "first", retry_schedule())
    return delivery


def _attempt(
    runtime: LocalLambdaRuntime,
    delivery: LambdaDelivery,
    phase: str,
    schedule: Iterator[tuple[str, float]],
) -> None:
    at = runtime.clock.elapsed
    try:
        name = runtime.function(delivery.function).config.name
        if _of(runtime).outages.get(name, float("-inf")) > at:
            raise _Unavailable(f"{name} is unavailable (injected outage)")
        runtime.invoke_async(delivery.function, delivery.event)
    except FunctionNotDeployedError:
        delivery.attempts.append(DeliveryAttempt(at, phase, "refused"))
        runtime.clock.call_later(0, lambda: _redrive(delivery), "sns redrive")
        return
    except _Unavailable:
        delivery.attempts.append(DeliveryAttempt(at, phase, "unavailable"))
        following = next(schedule, None)
        if following is None:
            runtime.clock.call_later(0, lambda: _redrive(delivery), "sns redrive")
            return
        next_phase, delay = following
        runtime.clock.call_later(
            delay, lambda: _attempt(runtime, delivery, next_phase, schedule), f"sns retry ({next_phase})"
        )
        return
    delivery.attempts.append(DeliveryAttempt(at, phase, "accepted"))
    delivery.outcome = "delivered"


def _redrive(delivery: LambdaDelivery) -> None:
    """Send the notification to the subscription's dead-letter queue (an SQS ARN), or discard it."""
    if delivery.dead_letter_arn is None:
        delivery.outcome = "discarded"
        return
    import boto3  # the sandbox's patched environment and session are in force when the clock runs this

    parts = delivery.dead_letter_arn.split(":")
    sqs = boto3.client("sqs", region_name=parts[3])
    url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
    notification = delivery.event["Records"][0]["Sns"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(notification))
    delivery.outcome = "redriven"
