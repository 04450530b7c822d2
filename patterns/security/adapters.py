"""AWS access for the security pattern: items in S3, "item created" messages on SQS, IAM users that
stand for the functions' execution roles, and moto's IAM enforcement switched on for a proof.

Clients are created on first use, inside the execution environment that uses them, never at import.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3

from patterns.api_crud.service import Item

__all__ = [
    "ITEM_PREFIX",
    "S3ItemStore",
    "create_resources",
    "enforced_iam",
    "function_client",
    "lab_now",
    "role_credentials",
    "send_created",
]

ITEM_PREFIX = "items/"


def function_client(service: str) -> Any:
    """A client signed with this execution environment's own credentials: a new session reads them from
    the environment (on Lambda, the function's role; in the lab, the variables its environment was given),
    where boto3's default session would keep the first credentials any environment of this process read."""
    return boto3.session.Session().client(service)  # type: ignore[call-overload]


def lab_now() -> float:
    """Seconds: the sandbox's virtual clock while one runs (the lab), else the wall clock (Lambda)."""
    try:
        from patterns.lab.sandbox import current_sandbox

        return current_sandbox().clock.timestamp()
    except Exception:
        return time.time()


class S3ItemStore:
    """Items as JSON objects ``items/<id>.json`` in one bucket."""

    def __init__(self, bucket: str, client: Any = None) -> None:
        self.bucket = bucket
        self.client = client or function_client("s3")

    def put(self, item: Item) -> None:
        body = json.dumps(item.to_dict()).encode()
        self.client.put_object(Bucket=self.bucket, Key=f"{ITEM_PREFIX}{item.id}.json", Body=body)

    def get(self, item_id: str) -> dict[str, Any] | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=f"{ITEM_PREFIX}{item_id}.json")
        except self.client.exceptions.NoSuchKey:
            return None
        data: dict[str, Any] = json.loads(answer["Body"].read())
        return data

    def ids(self, limit: int = 100) -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=ITEM_PREFIX, MaxKeys=limit)
        keys = [obj["Key"] for obj in answer.get("Contents", [])]
        return [key.removeprefix(ITEM_PREFIX).removesuffix(".json") for key in keys]


def send_created(queue_url: str, item: Item, client: Any = None) -> None:
    """Tell whoever listens that an item was created."""
    sqs = client or function_client("sqs")
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"type": "item-created", "id": item.id}))


def create_resources(prefix: str, s3: Any, sqs: Any) -> dict[str, str]:
    """The bucket and the queue of one run: ``{"bucket", "queue_url", "queue_arn"}``."""
    bucket = f"{prefix}-items"
    s3.create_bucket(Bucket=bucket)
    queue_url = sqs.create_queue(QueueName=f"{prefix}-created")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {"bucket": bucket, "queue_url": queue_url, "queue_arn": arn}


def role_credentials(iam: Any, name: str, policy: Mapping[str, Any]) -> dict[str, str]:
    """An IAM user holding ``policy`` (it stands for a function's execution role) and its access key, as
    the environment variables a function's clients sign with."""
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        "AWS_SESSION_TOKEN": "",  # a user's long-term key: no session token (the platform's fake one cleared)
        "AWS_SECURITY_TOKEN": "",
    }


@contextmanager
def enforced_iam(kind: str, endpoint_url: str | None) -> Iterator[bool]:
    """moto checks every request's signature and its caller's IAM policies while this is open (S3 and SQS
    with their resources; other services by action only). Yields False where it cannot be switched on
    (a LocalStack endpoint); real AWS always enforces (yields True)."""
    if kind == "aws":
        yield True
        return
    if kind == "moto":
        from moto.core.authorization import enable_iam_authentication

        with enable_iam_authentication():
            yield True
        return
    url = f"{(endpoint_url or '').rstrip('/')}/moto-api/reset-auth"
    try:
        previous = _post(url, b"0")["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]
    except (OSError, ValueError, KeyError, urllib.error.URLError):
        yield False
        return
    try:
        yield True
    finally:
        _post(url, str(previous).encode())


def _post(url: str, data: bytes) -> dict[str, Any]:
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer
