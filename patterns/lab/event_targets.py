"""EventBridge Lambda targets with their retry policy and dead-letter queue, and replays of a time window.

moto matches rules itself and delivers to SQS targets, but it raises for Lambda targets and knows
neither a target's ``RetryPolicy`` nor its ``DeadLetterConfig``; its ``StartReplay`` replays the whole
archive to every rule, whatever ``EventStartTime``, ``EventEndTime`` and ``Destination.FilterArns`` say.
The lab's hook (:mod:`patterns.lab.hooks`) hands each matched Lambda target to :func:`deliver`, and
replays go through :func:`replay_window`. What each side does:

* **Delivery** is an asynchronous ``Invoke`` (EventBridge invokes Lambda targets asynchronously). Once
  Lambda accepts the event, EventBridge is done: a *function error* is Lambda's business (its async
  retries and on-failure destination, :mod:`patterns.lab.lambda_runtime`), never the rule's.
* A **failed delivery** (the ``Invoke`` call itself fails) is retried on the virtual clock while the
  target's ``MaximumRetryAttempts`` and ``MaximumEventAgeInSeconds`` allow (AWS: 185 attempts, 24 hours
  by default), then sent to the target's dead-letter queue with AWS's message attributes (``RULE_ARN``,
  ``TARGET_ARN``, ``ERROR_CODE``, ``ERROR_MESSAGE``, ``RETRY_ATTEMPTS``, ``EXHAUSTED_RETRY_CONDITION``),
  or dropped when there is none. A missing function (``ResourceNotFoundException``) is not retried.
  Throttled ``Invoke`` calls are retried: :meth:`TargetRouter.throttle` makes a function's ``Invoke``
  answer 429 until a virtual instant, the lab's way to show the retry policy at work.

Every attempt is a :class:`TargetDelivery` in :func:`router` ``(sandbox.lambdas).deliveries``.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from patterns.lab import limits
from patterns.lab.exceptions import FunctionNotDeployedError, TooManyRequestsError

if TYPE_CHECKING:
    from patterns.lab.lambda_runtime import LocalLambdaRuntime

__all__ = [
    "DeliveryOutcome",
    "RetryPolicy",
    "TargetDelivery",
    "TargetRouter",
    "deliver",
    "replay_window",
    "retry_delay_s",
    "router",
]

DeliveryOutcome = Literal["pending", "delivered", "dead-lettered", "dropped"]
DeadLetterSender = Callable[[str, str, dict[str, str]], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """A target's ``RetryPolicy`` with AWS's defaults (185 attempts, 24 hours)."""

    maximum_retry_attempts: int = limits.EVENTBRIDGE_TARGET_MAX_RETRY_ATTEMPTS_DEFAULT
    maximum_event_age_s: int = limits.EVENTBRIDGE_TARGET_MAX_EVENT_AGE_DEFAULT_S

    @classmethod
    def of(cls, target: dict[str, Any]) -> RetryPolicy:
        """The policy a ``PutTargets`` target carries (defaults for what it leaves out)."""
        policy = target.get("RetryPolicy") or {}
        return cls(
            int(policy.get("MaximumRetryAttempts", limits.EVENTBRIDGE_TARGET_MAX_RETRY_ATTEMPTS_DEFAULT)),
            int(policy.get("MaximumEventAgeInSeconds", limits.EVENTBRIDGE_TARGET_MAX_EVENT_AGE_DEFAULT_S)),
        )


def retry_delay_s(retry: int) -> float:
    """The lab's wait before retry number ``retry`` (1-based): 1, 2, 4... s, capped (no jitter)."""
    if retry < 1:
        raise ValueError(f"retries are numbered from 1, got {retry}")
    return float(
        min(
            limits.EVENTBRIDGE_LAB_RETRY_BASE_DELAY_S * 2 ** min(retry - 1, 32),
            limits.EVENTBRIDGE_LAB_RETRY_MAX_DELAY_S,
        )
    )


@dataclass
class TargetDelivery:
    """One matched (event, Lambda target): its attempts and where it ended."""

    event_id: str
    rule_arn: str
    target_arn: str
    event: dict[str, Any]
    policy: RetryPolicy
    dead_letter_arn: str | None
    first_attempt_at: float
    attempts: int = 0
    outcome: DeliveryOutcome = "pending"
    error_code: str | None = None
    error_message: str | None = None
    exhausted: str | None = None
    attempt_times: list[float] = field(default_factory=list)


class TargetRouter:
    """Delivers matched events to Lambda targets for one local runtime, retrying on its clock."""

    def __init__(self, runtime: LocalLambdaRuntime, send_dead_letter: DeadLetterSender | None = None) -> None:
        self.runtime = runtime
        self.deliveries: list[TargetDelivery] = []
        self._throttled_until: dict[str, float] = {}
        self._send_dead_letter = send_dead_letter or _send_to_sqs

    def throttle(self, function: str, *, until_s: float) -> None:
        """Make ``Invoke`` of ``function`` answer 429 (throttled) until virtual second ``until_s``."""
        self._throttled_until[function.rsplit(":", maxsplit=1)[-1]] = until_s

    def deliver(self, rule_arn: str, target: dict[str, Any], event: dict[str, Any]) -> TargetDelivery:
        """Start delivering ``event`` to the Lambda ``target`` of ``rule_arn`` (first attempt now)."""
        dead_letter = (target.get("DeadLetterConfig") or {}).get("Arn")
        delivery = TargetDelivery(
            event_id=str(event.get("id", "")),
            rule_arn=rule_arn,
            target_arn=target["Arn"],
            event=event,
            policy=RetryPolicy.of(target),
            dead_letter_arn=dead_letter,
            first_attempt_at=self.runtime.clock.elapsed,
        )
        self.deliveries.append(delivery)
        self._attempt(delivery)
        return delivery

    def _attempt(self, delivery: TargetDelivery) -> None:
        clock = self.runtime.clock
        delivery.attempts += 1
        delivery.attempt_times.append(clock.elapsed)
        name = delivery.target_arn.split(":")[-1]
        try:
            if clock.elapsed < self._throttled_until.get(name, float("-inf")):
                raise TooManyRequestsError(f"Rate Exceeded: Invoke of {name} is throttled")
            self.runtime.invoke_async(delivery.target_arn, delivery.event)
        except FunctionNotDeployedError as missing:
            self._fail(delivery, "ResourceNotFoundException", str(missing), exhausted=None)
            return
        except TooManyRequestsError as throttled:
            delivery.error_code, delivery.error_message = "TooManyRequestsException", str(throttled)
            retries_done = delivery.attempts - 1
            delay = retry_delay_s(retries_done + 1)
            age_then = clock.elapsed + delay - delivery.first_attempt_at
            if retries_done >= delivery.policy.maximum_retry_attempts:
                self._fail(delivery, delivery.error_code, str(throttled), exhausted="MaximumRetryAttempts")
            elif age_then > delivery.policy.maximum_event_age_s:
                self._fail(
                    delivery, delivery.error_code, str(throttled), exhausted="MaximumEventAgeInSeconds"
                )
            else:
                clock.call_later(delay, lambda: self._attempt(delivery), f"eventbridge retry {name}")
            return
        delivery.outcome = "delivered"

    def _fail(self, delivery: TargetDelivery, code: str, message: str, *, exhausted: str | None) -> None:
        delivery.error_code, delivery.error_message, delivery.exhausted = code, message, exhausted
        if delivery.dead_letter_arn is None:
            delivery.outcome = "dropped"
            return
        delivery.outcome = "dead-lettered"
        attributes = {
            "RULE_ARN": delivery.rule_arn,
            "TARGET_ARN": delivery.target_arn,
            "ERROR_CODE": code,
            "ERROR_MESSAGE": message[:256],
            "RETRY_ATTEMPTS": str(delivery.attempts - 1),
        }
        if exhausted:
            attributes["EXHAUSTED_RETRY_CONDITION"] = exhausted
        arn, body = delivery.dead_letter_arn, json.dumps(delivery.event)
        # Sent when the clock next settles: this may run inside moto's handling of PutEvents.
        self.runtime.clock.call_later(0, lambda: self._send_dead_letter(arn, body, attributes), "target DLQ")


def _send_to_sqs(queue_arn: str, body: str, attributes: dict[str, str]) -> None:
    import boto3  # the sandbox's patched environment and session are in force when the clock runs this

    parts = queue_arn.split(":")
    sqs = boto3.client("sqs", region_name=parts[3])
    url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
    sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


_routers: weakref.WeakKeyDictionary[LocalLambdaRuntime, TargetRouter] = weakref.WeakKeyDictionary()


def router(runtime: LocalLambdaRuntime) -> TargetRouter:
    """The target router of ``runtime`` (``sandbox.lambdas``), created on first use."""
    found = _routers.get(runtime)
    if found is None:
        found = _routers[runtime] = TargetRouter(runtime)
    return found


def deliver(
    runtime: LocalLambdaRuntime, rule_arn: str, target: dict[str, Any], event: dict[str, Any]
) -> None:
    """The hook's entry point: deliver ``event`` to a Lambda ``target`` with its retry policy and DLQ."""
    router(runtime).deliver(rule_arn, target, event)


def replay_window(replay: Any, archive: Any) -> None:
    """moto ``Replay.replay_events`` as AWS does it: only the archived events whose ``time`` falls in
    [EventStartTime, EventEndTime), only to the rules in ``Destination.FilterArns`` when given."""
    from moto.core.utils import unix_time
    from moto.events.models import ReplayState, events_backends
    from moto.moto_api._internal import mock_random

    start, end = float(replay.event_start_time), float(replay.event_end_time)
    backend = events_backends[replay.account_id][replay.region]
    bus = backend.describe_event_bus(replay.destination["Arn"].split("/")[-1])
    only = set(replay.destination.get("FilterArns") or [])
    for event in list(archive.events):
        if not start <= float(event["time"]) < end:
            continue
        for rule in list(bus.rules.values()):
            if only and rule.arn not in only:
                continue
            rule.send_to_targets(
                dict(event, **{"id": str(mock_random.uuid4()), "replay-name": replay.name}),  # type: ignore[arg-type]
                transform_input=False,  # as moto does: a replay skips input transformers
            )
    replay.state = ReplayState.COMPLETED
    replay.end_time = unix_time()
