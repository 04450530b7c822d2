"""AWS access for the anti-patterns (boto3): buckets, their notifications to Lambda, objects.

Clients come from the running sandbox (:func:`patterns.lab.sandbox.current_sandbox`), created on first
use, never at import time.
"""

from __future__ import annotations

from typing import Any

from patterns.lab.sandbox import current_sandbox

__all__ = ["count_objects", "create_bucket", "notify_function", "put_object", "read_object"]


def _s3() -> Any:
    return current_sandbox().client("s3")


def create_bucket(name: str) -> str:
    """Create ``name`` (or keep it) and empty it."""
    s3 = _s3()
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if name not in existing:
        s3.create_bucket(Bucket=name)
    for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=item["Key"])
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={})
    return name


def notify_function(bucket: str, function_arn: str, *, prefix: str | None = None) -> None:
    """Invoke ``function_arn`` for every object created in ``bucket`` (under ``prefix``, if given)."""
    configuration: dict[str, Any] = {"LambdaFunctionArn": function_arn, "Events": ["s3:ObjectCreated:*"]}
    if prefix:
        configuration["Filter"] = {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}
    _s3().put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [configuration]}
    )


def put_object(bucket: str, key: str, body: bytes) -> None:
    _s3().put_object(Bucket=bucket, Key=key, Body=body)


def read_object(bucket: str, key: str) -> bytes:
    body: bytes = _s3().get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def count_objects(bucket: str) -> int:
    return int(_s3().list_objects_v2(Bucket=bucket).get("KeyCount", 0))
