"""Where AWS calls reach the local Lambda runtime.

* ``lambda.Invoke`` through boto3 (learner code, handlers, and the Lambda tasks of state machines that
  moto executes, which call boto3 too) is answered by the runtime through botocore's public
  ``before-call.lambda.Invoke`` event, so the request never goes further.
* moto's backends are not thread-safe: requests to moto are applied one at a time, as AWS applies
  each request atomically, so concurrent execution environments see AWS's guarantees.
* moto's own pushes to Lambda (SNS subscriptions, S3 notifications) and EventBridge rules with Lambda
  targets (which moto does not deliver) are routed to the runtime by patching the three moto functions
  that do the delivery (SNS's through :mod:`patterns.lab.sns_delivery`, which adds SNS's retries and
  subscription redrive; EventBridge's through :mod:`patterns.lab.event_targets`, which adds the
  target's retry policy and dead-letter queue). They exist in moto 5.x; :func:`check_moto_seams` fails
  loudly if an upgrade moves them.
* moto's ``StartReplay`` replays a whole archive to every rule: the lab replays only the requested
  time window, to the rules in ``Destination.FilterArns`` (:func:`patterns.lab.event_targets.replay_window`).
"""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_plus

from botocore.awsrequest import AWSResponse
from botocore.handlers import BUILTIN_HANDLERS
from botocore.response import StreamingBody

from patterns.lab.event_targets import deliver as deliver_to_target
from patterns.lab.event_targets import replay_window
from patterns.lab.events import s3_object_key_in_event, sns_record
from patterns.lab.exceptions import FunctionNotDeployedError, TooManyRequestsError
from patterns.lab.sns_delivery import deliver_to_lambda

if TYPE_CHECKING:
    from patterns.lab.lambda_runtime import LocalLambdaRuntime

__all__ = ["check_moto_seams", "install_invoke_hook", "moto_push_seams"]

_active_runtimes: list[LocalLambdaRuntime] = []


def install_invoke_hook(runtime: LocalLambdaRuntime) -> Callable[[], None]:
    """Answer ``lambda.Invoke`` from ``runtime`` until the returned function is called."""
    _active_runtimes.append(runtime)

    def remove() -> None:
        if runtime in _active_runtimes:
            _active_runtimes.remove(runtime)

    return remove


def _response(status: int, parsed: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    http = AWSResponse("https://lambda.local", status, {}, None)  # type: ignore[arg-type]
    parsed.setdefault("ResponseMetadata", {})["HTTPStatusCode"] = status
    return http, parsed


def _error(status: int, code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    return _response(status, {"Error": {"Code": code, "Message": message}})


def _on_invoke(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """botocore ``before-call.lambda.Invoke`` handler: run the function locally."""
    if not _active_runtimes:
        return None
    runtime = _active_runtimes[-1]
    name = unquote(params["url_path"].split("/functions/")[1].split("/")[0])
    headers = {key.lower(): value for key, value in params.get("headers", {}).items()}
    body = params.get("body") or b"{}"
    raw = body if isinstance(body, bytes) else body.encode()
    try:
        event = json.loads(raw or b"{}")
    except json.JSONDecodeError:
        return _error(400, "InvalidRequestContentException", "Could not parse request body into json")
    try:
        if headers.get("x-amz-invocation-type") == "Event":
            runtime.invoke_async(name, event)
            return _response(202, {"StatusCode": 202, "Payload": StreamingBody(io.BytesIO(b""), 0)})
        if headers.get("x-amz-invocation-type") == "DryRun":
            runtime.function(name)
            return _response(204, {"StatusCode": 204, "Payload": StreamingBody(io.BytesIO(b""), 0)})
        result = runtime.invoke(name, event)
    except FunctionNotDeployedError as missing:
        return _error(404, "ResourceNotFoundException", str(missing))
    except TooManyRequestsError as throttled:
        return _error(429, "TooManyRequestsException", str(throttled))
    payload = result.payload_bytes()
    parsed: dict[str, Any] = {
        "StatusCode": 200,
        "ExecutedVersion": "$LATEST",
        "Payload": StreamingBody(io.BytesIO(payload), len(payload)),
    }
    if result.function_error:
        parsed["FunctionError"] = result.function_error
    if headers.get("x-amz-log-type") == "Tail":
        parsed["LogResult"] = base64.b64encode(result.report.line().encode()).decode()
    return _response(200, parsed)


BUILTIN_HANDLERS.append(("before-call.lambda.Invoke", _on_invoke))


def _runtime() -> LocalLambdaRuntime | None:
    return _active_runtimes[-1] if _active_runtimes else None


def _sns_publish(original: Callable[..., None]) -> Callable[..., None]:
    def publish(
        subscription: Any, message: str, message_id: str, subject: str | None = None, **kwargs: Any
    ) -> None:
        runtime = _runtime()
        if subscription.protocol != "lambda" or runtime is None:
            original(subscription, message, message_id, subject, **kwargs)
            return
        attributes = kwargs.get("message_attributes") or {}
        matcher = subscription._filter_policy_matcher
        if matcher is not None and not matcher.matches(attributes, message):
            return
        record = sns_record(
            message,
            topic_arn=subscription.topic.arn,
            subject=subject,
            message_id=message_id,
            message_attributes={name: _publish_attribute(value) for name, value in attributes.items()},
            subscription_arn=subscription.arn,
        )
        deliver_to_lambda(  # SNS's retry policy and subscription redrive, on the clock
            runtime,
            message_id=message_id,
            subscription_arn=subscription.arn,
            function=subscription.endpoint,
            event={"Records": [record]},
            redrive_policy=subscription.attributes.get("RedrivePolicy"),
        )

    return publish


def _publish_attribute(attribute: dict[str, str]) -> dict[str, Any]:
    """moto holds SNS attributes as Lambda receives them (``{"Type", "Value"}``, binary in base64); turn
    one back into the ``publish`` shape the event builder takes."""
    if attribute["Type"].startswith("Binary"):
        return {"DataType": attribute["Type"], "BinaryValue": base64.b64decode(attribute["Value"])}
    return {"DataType": attribute["Type"], "StringValue": attribute["Value"]}


def _s3_invoke(original: Callable[..., None]) -> Callable[..., None]:
    def invoke(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        runtime = _runtime()
        if runtime is None:
            original(account_id, event_body, fn_arn, region_name)
            return
        for record in event_body.get("Records", []):  # moto encodes "/" in keys too; S3 leaves it as is
            s3_object = record["s3"]["object"]
            s3_object["key"] = s3_object_key_in_event(unquote_plus(s3_object["key"]))
        runtime.invoke_async(fn_arn, event_body)

    return invoke


def _events_send(original: Callable[..., None]) -> Callable[..., None]:
    from moto.events.models import EventTemplateParser  # type: ignore[attr-defined]

    def send_to_targets(rule: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
        # As on AWS: a disabled rule delivers nothing, and a rule with a schedule but no pattern is fired
        # by its schedule (patterns.lab.sources.ScheduleSource), never by put_events.
        if rule.state != "ENABLED" or (rule.scheduled_expression and not rule.event_pattern.get_pattern()):
            return
        targets = rule.targets
        rule.targets = [target for target in targets if ":lambda:" not in target["Arn"]]
        try:  # moto raises NotImplementedError for Lambda targets: it delivers only the others
            original(rule, original_event, transform_input)
        finally:
            rule.targets = targets
        runtime = _runtime()
        if runtime is None or not rule.event_pattern.matches_event(original_event):
            return
        for target in rule.targets:
            if ":lambda:" not in target["Arn"]:
                continue
            event = {key: value for key, value in original_event.items() if key != "ingestion-time"}
            if isinstance(event.get("time"), int | float):
                from datetime import UTC, datetime

                event["time"] = datetime.fromtimestamp(event["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if "Input" in target:
                event = json.loads(target["Input"])
            elif transform_input and "InputTransformer" in target:
                transformer = target["InputTransformer"]
                rendered = EventTemplateParser.parse(
                    input_template=transformer.get("InputTemplate"),
                    input_paths_map=transformer.get("InputPathsMap", {}),
                    event=event,  # type: ignore[arg-type]
                )
                event = rendered if isinstance(rendered, dict) else {"value": rendered}
            deliver_to_target(runtime, rule.arn, target, event)  # its RetryPolicy and DeadLetterConfig

    return send_to_targets


def _replay_window(_original: Callable[..., None]) -> Callable[..., None]:
    def replay_events(replay: Any, archive: Any) -> None:  # moto replays the whole archive to every rule
        replay_window(replay, archive)

    return replay_events


_request_lock = threading.RLock()


def _one_request_at_a_time(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto's backends are not thread-safe; AWS applies each request atomically (a conditional write
    either sees the item or not). Serialising requests to moto gives handlers in concurrent execution
    environments that guarantee."""

    def call(stubber: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        with _request_lock:
            return original(stubber, event_name, request, **kwargs)

    return call


def _seams() -> list[tuple[Any, str, Callable[[Callable[..., Any]], Callable[..., Any]]]]:
    import moto.core.botocore_stubber
    import moto.events.models
    import moto.s3.notifications
    import moto.sns.models

    return [
        (moto.core.botocore_stubber.BotocoreStubber, "__call__", _one_request_at_a_time),
        (moto.sns.models.Subscription, "publish", _sns_publish),
        (moto.s3.notifications, "_invoke_awslambda", _s3_invoke),
        (moto.events.models.Rule, "send_to_targets", _events_send),
        (moto.events.models.Replay, "replay_events", _replay_window),
    ]


def check_moto_seams() -> None:
    """Fail with a clear message if this moto no longer has the functions the lab patches."""
    for owner, name, _ in _seams():
        if not callable(getattr(owner, name, None)):
            raise RuntimeError(
                f"moto {owner.__name__}.{name} is gone: this moto version is not supported by the lab runtime"
            )


@contextmanager
def moto_push_seams() -> Iterator[None]:
    """Serialise requests to moto and route its pushes to Lambda (SNS, S3, EventBridge) to the runtime."""
    check_moto_seams()
    with ExitStack() as stack:
        for owner, name, wrap in _seams():
            original = getattr(owner, name)
            setattr(owner, name, wrap(original))
            stack.callback(setattr, owner, name, original)
        yield
