"""SNS events as Lambda receives them from a topic subscription (always one record per invocation)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeAlias
from urllib.parse import quote

from patterns.lab.events._common import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    iso8601_millis,
    json_text,
    random_token,
    region_from_arn,
)
from patterns.lab.exceptions import ConfigurationError

__all__ = ["DEFAULT_TOPIC_ARN", "SnsAttributeInput", "sns_event", "sns_record"]

DEFAULT_TOPIC_ARN = f"arn:aws:sns:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:lab-topic"

SnsAttributeInput: TypeAlias = (
    str | bytes | int | float | Decimal | Sequence[str | int | float] | Mapping[str, Any]
)
"""A message attribute: str -> String, number -> Number, bytes -> Binary, list -> String.Array, or the
boto3 ``publish`` shape ``{"DataType": ..., "StringValue"/"BinaryValue": ...}``."""


def sns_record(
    message: str | Mapping[str, Any],
    *,
    topic_arn: str = DEFAULT_TOPIC_ARN,
    subject: str | None = None,
    message_attributes: Mapping[str, SnsAttributeInput] | None = None,
    message_id: str | None = None,
    timestamp: datetime | None = None,
    subscription_arn: str | None = None,
) -> dict[str, Any]:
    """One SNS notification record. A dict ``message`` is published as JSON text; the region comes
    from ``topic_arn`` and ``subscription_arn`` defaults to the topic ARN plus a fresh subscription id."""
    region = region_from_arn(topic_arn)
    resolved_subscription_arn = subscription_arn or f"{topic_arn}:{uuid.uuid4()}"
    return {
        "EventVersion": "1.0",
        "EventSubscriptionArn": resolved_subscription_arn,
        "EventSource": "aws:sns",
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id or str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": json_text(message, "SNS message"),
            "Timestamp": iso8601_millis(timestamp),
            "SignatureVersion": "1",
            "Signature": random_token(256),
            "SigningCertUrl": (
                f"https://sns.{region}.amazonaws.com/SimpleNotificationService-{uuid.uuid4().hex}.pem"
            ),
            "UnsubscribeUrl": (
                f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
                f"&SubscriptionArn={quote(resolved_subscription_arn, safe='')}"
            ),
            "MessageAttributes": {
                name: _lambda_attribute(name, value) for name, value in (message_attributes or {}).items()
            },
        },
    }


def sns_event(
    message: str | Mapping[str, Any],
    *,
    topic_arn: str = DEFAULT_TOPIC_ARN,
    subject: str | None = None,
    message_attributes: Mapping[str, SnsAttributeInput] | None = None,
    message_id: str | None = None,
    timestamp: datetime | None = None,
    subscription_arn: str | None = None,
) -> dict[str, Any]:
    """An SNS event: ``{"Records": [sns_record(...)]}`` (SNS invokes Lambda once per message)."""
    return {
        "Records": [
            sns_record(
                message,
                topic_arn=topic_arn,
                subject=subject,
                message_attributes=message_attributes,
                message_id=message_id,
                timestamp=timestamp,
                subscription_arn=subscription_arn,
            )
        ]
    }


def _lambda_attribute(name: str, value: object) -> dict[str, str]:
    """Lambda's SNS attribute shape ``{"Type": ..., "Value": ...}`` (binary values base64-encoded)."""
    if isinstance(value, Mapping):
        data_type = value.get("DataType")
        if isinstance(data_type, str) and "StringValue" in value:
            return {"Type": data_type, "Value": str(value["StringValue"])}
        if isinstance(data_type, str) and isinstance(value.get("BinaryValue"), bytes):
            return {"Type": data_type, "Value": base64.b64encode(value["BinaryValue"]).decode("ascii")}
    elif isinstance(value, str):
        return {"Type": "String", "Value": value}
    elif isinstance(value, bytes):
        return {"Type": "Binary", "Value": base64.b64encode(value).decode("ascii")}
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return {"Type": "Number", "Value": str(value)}
    elif isinstance(value, list | tuple):
        return {"Type": "String.Array", "Value": json.dumps(list(value))}
    raise ConfigurationError(
        f"SNS message attribute {name!r} must be a str, bytes, number, list or "
        f"{{'DataType': ..., 'StringValue': ...}} dict, got {value!r}"
    )
