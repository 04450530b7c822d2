"""The AWS calls each local function made, as IAM actions on resources, and the policy they need.

IAM Access Analyzer generates a policy from a role's CloudTrail history: the actions the role called,
on the resources it called them on. :class:`CallRecorder` keeps that history for the lab: a botocore
``provide-client-params`` handler (added to botocore's built-in handlers, so every client created
afterwards has it, the functions' own ``boto3.client(...)`` included) records each call with the name of
the function whose execution environment made it (``AWS_LAMBDA_FUNCTION_NAME`` of the calling thread's
environment; calls made outside any function are recorded as ``""``).
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.handlers import BUILTIN_HANDLERS

__all__ = ["CallRecorder", "RecordedCall", "generate_policy", "iam_action", "resource_arn"]

_HANDLER_ID = "patterns.lab.iam.recorder"
_EVENT = "provide-client-params"
_recorders: list[CallRecorder] = []
_lock = threading.Lock()

# Operations whose IAM action is not "<prefix>:<operation>".
_ACTIONS = {
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("sqs", "GetQueueUrl"): "sqs:GetQueueUrl",
}


@dataclass(frozen=True)
class RecordedCall:
    """One call: which function made it, the IAM action, the resource ARN and the operation."""

    function: str
    action: str
    resource: str
    operation: str


def iam_action(prefix: str, operation: str) -> str:
    """The IAM action an API operation needs (``s3``, ``ListObjectsV2`` -> ``s3:ListBucket``)."""
    return _ACTIONS.get((prefix, operation), f"{prefix}:{operation}")


def resource_arn(prefix: str, params: Mapping[str, Any], *, region: str, account_id: str) -> str:
    """The ARN of the resource a call acts on, from its parameters; ``*`` when it names none."""
    if prefix == "s3":
        bucket, key = params.get("Bucket"), params.get("Key")
        if bucket and key:
            return f"arn:aws:s3:::{bucket}/{key}"
        return f"arn:aws:s3:::{bucket}" if bucket else "*"
    if prefix == "sqs" and params.get("QueueUrl"):
        name = str(params["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
        return f"arn:aws:sqs:{region}:{account_id}:{name}"
    if prefix == "sqs" and params.get("QueueName"):
        return f"arn:aws:sqs:{region}:{account_id}:{params['QueueName']}"
    if prefix == "dynamodb" and params.get("TableName"):
        return f"arn:aws:dynamodb:{region}:{account_id}:table/{params['TableName']}"
    if prefix == "sns" and params.get("TopicArn"):
        return str(params["TopicArn"])
    if prefix == "lambda" and params.get("FunctionName"):
        name = str(params["FunctionName"])
        return name if name.startswith("arn:") else f"arn:aws:lambda:{region}:{account_id}:function:{name}"
    if prefix == "events":
        bus = params.get("EventBusName") or "default"
        return bus if str(bus).startswith("arn:") else f"arn:aws:events:{region}:{account_id}:event-bus/{bus}"
    return "*"


class CallRecorder:
    """Records the AWS calls made while :meth:`recording`, per function."""

    def __init__(self, *, region: str = "us-east-1", account_id: str = "123456789012") -> None:
        self.region = region
        self.account_id = account_id
        self.calls: list[RecordedCall] = []
        self._lock = threading.Lock()

    @contextmanager
    def recording(self) -> Iterator[CallRecorder]:
        session = boto3.DEFAULT_SESSION
        if session is not None:
            session.events.register(_EVENT, _on_call, unique_id=_HANDLER_ID)
        with _lock:
            _recorders.append(self)
        try:
            yield self
        finally:
            with _lock:
                _recorders.remove(self)

    def _record(self, prefix: str, operation: str, params: Mapping[str, Any]) -> None:
        function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        call = RecordedCall(
            function,
            iam_action(prefix, operation),
            resource_arn(prefix, params, region=self.region, account_id=self.account_id),
            operation,
        )
        with self._lock:
            self.calls.append(call)

    def of(self, function: str) -> list[RecordedCall]:
        """The calls ``function`` made, in order."""
        with self._lock:
            return [call for call in self.calls if call.function == function]

    def by_function(self) -> dict[str, list[RecordedCall]]:
        """Every function's calls (calls made outside functions left out)."""
        grouped: dict[str, list[RecordedCall]] = defaultdict(list)
        with self._lock:
            for call in self.calls:
                if call.function:
                    grouped[call.function].append(call)
        return dict(sorted(grouped.items()))

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()


def _on_call(params: Any = None, model: Any = None, context: Any = None, **_: Any) -> None:
    """botocore ``provide-client-params`` handler; returns None so the parameters are unchanged."""
    if not _recorders or model is None or not isinstance(params, Mapping):
        return
    if isinstance(context, dict):  # registered twice on one client (built in, and on the default session)
        if context.get(_HANDLER_ID):
            return
        context[_HANDLER_ID] = True
    prefix = str(model.service_model.signing_name)
    with _lock:
        recorders = list(_recorders)
    for recorder in recorders:
        recorder._record(prefix, str(model.name), params)
    return


BUILTIN_HANDLERS.append((_EVENT, _on_call))


def _generalise(resource: str) -> str:
    """An S3 object ARN becomes its first-level prefix (``bucket/docs/a.json`` -> ``bucket/docs/*``), as
    Access Analyzer's generated policies leave object keys to a prefix; other ARNs stay as they are."""
    if resource.startswith("arn:aws:s3:::") and "/" in resource:
        bucket, _, key = resource.removeprefix("arn:aws:s3:::").partition("/")
        head = key.split("/", 1)[0] + "/*" if "/" in key else "*"
        return f"arn:aws:s3:::{bucket}/{head}"
    return resource


def generate_policy(calls: list[RecordedCall], *, generalise_keys: bool = True) -> dict[str, Any]:
    """A least-privilege identity policy allowing exactly the recorded actions on the recorded resources
    (S3 object keys generalised to their prefix unless ``generalise_keys`` is False): one statement per
    resource set that shares the same actions, sorted, so the same calls give the same document."""
    actions_by_resource: dict[str, set[str]] = defaultdict(set)
    for call in calls:
        resource = _generalise(call.resource) if generalise_keys else call.resource
        actions_by_resource[resource].add(call.action)
    resources_by_actions: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for resource, actions in sorted(actions_by_resource.items()):
        resources_by_actions[tuple(sorted(actions))].append(resource)
    statements = []
    for index, (names, resources) in enumerate(sorted(resources_by_actions.items())):
        statements.append(
            {
                "Sid": f"Used{index + 1}",
                "Effect": "Allow",
                "Action": list(names) if len(names) > 1 else names[0],
                "Resource": resources if len(resources) > 1 else resources[0],
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
