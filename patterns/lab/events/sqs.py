"""SQS events as Lambda's event source mapping delivers them, built from scratch or from ReceiveMessage."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

from patterns.lab.events._common import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    epoch_millis,
    json_text,
    random_token,
    region_from_arn,
)
from patterns.lab.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_QUEUE_ARN",
    "DEFAULT_SENDER_ID",
    "MessageAttributeInput",
    "SqsMessageSpec",
    "sqs_event",
    "sqs_record",
    "sqs_record_from_message",
]

DEFAULT_QUEUE_ARN = f"arn:aws:sqs:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:lab-queue"
DEFAULT_SENDER_ID = "AIDAIENQZJOLO23YVJ4VO"

MessageAttributeInput: TypeAlias = str | bytes | int | float | Decimal | Mapping[str, Any]
"""A message attribute: a plain value (str -> String, number -> Number, bytes -> Binary) or the
boto3 ``MessageAttributeValue`` shape ``{"DataType": ..., "StringValue"/"BinaryValue": ...}``."""

_REQUIRED_SYSTEM_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
)


@dataclass(frozen=True)
class SqsMessageSpec:
    """One message for :func:`sqs_event` when more than its body matters (see :func:`sqs_record`)."""

    body: str | Mapping[str, Any]
    message_id: str | None = None
    receipt_handle: str | None = None
    attributes: Mapping[str, str] | None = None
    message_attributes: Mapping[str, MessageAttributeInput] | None = None
    approximate_receive_count: int = 1
    sent_timestamp_ms: int | None = None


def sqs_record(
    body: str | Mapping[str, Any],
    *,
    message_id: str | None = None,
    receipt_handle: str | None = None,
    attributes: Mapping[str, str] | None = None,
    message_attributes: Mapping[str, MessageAttributeInput] | None = None,
    queue_arn: str = DEFAULT_QUEUE_ARN,
    approximate_receive_count: int = 1,
    sent_timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """One record of an SQS event. A dict ``body`` is sent as JSON; ``md5OfBody`` is its real MD5.

    ``attributes`` adds or overrides system attributes (``MessageGroupId`` for FIFO queues, say);
    the region comes from ``queue_arn``.
    """
    if approximate_receive_count < 1:
        raise ConfigurationError(
            "approximate_receive_count counts deliveries, so it is at least 1; "
            f"got {approximate_receive_count}"
        )
    body_text = json_text(body, "SQS message body")
    sent_ms = sent_timestamp_ms if sent_timestamp_ms is not None else epoch_millis(None)
    system_attributes = {
        "ApproximateReceiveCount": str(approximate_receive_count),
        "SentTimestamp": str(sent_ms),
        "SenderId": DEFAULT_SENDER_ID,
        "ApproximateFirstReceiveTimestamp": str(sent_ms),
        **(attributes or {}),
    }
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": receipt_handle or "AQEB" + random_token(96),
        "body": body_text,
        "attributes": system_attributes,
        "messageAttributes": _lambda_message_attributes(message_attributes or {}),
        "md5OfBody": _md5_hex(body_text),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region_from_arn(queue_arn),
    }


def sqs_event(
    messages: Sequence[str | Mapping[str, Any] | SqsMessageSpec], *, queue_arn: str = DEFAULT_QUEUE_ARN
) -> dict[str, Any]:
    """An SQS event (``{"Records": [...]}``) with one record per message body or :class:`SqsMessageSpec`."""
    if not messages:
        raise ConfigurationError("an SQS event holds at least one message; got an empty sequence")
    records = []
    for message in messages:
        if isinstance(message, SqsMessageSpec):
            records.append(
                sqs_record(
                    message.body,
                    message_id=message.message_id,
                    receipt_handle=message.receipt_handle,
                    attributes=message.attributes,
                    message_attributes=message.message_attributes,
                    queue_arn=queue_arn,
                    approximate_receive_count=message.approximate_receive_count,
                    sent_timestamp_ms=message.sent_timestamp_ms,
                )
            )
        else:
            records.append(sqs_record(message, queue_arn=queue_arn))
    return {"Records": records}


def sqs_record_from_message(message: Mapping[str, Any], *, queue_arn: str, region: str) -> dict[str, Any]:
    """Convert one ``Messages`` entry of boto3 ``sqs.receive_message`` into a Lambda SQS record.

    Receive with ``AttributeNames=["All"]`` and ``MessageAttributeNames=["All"]``, as Lambda does.
    """
    missing = [key for key in ("MessageId", "ReceiptHandle", "Body") if key not in message]
    system_attributes = dict(message.get("Attributes", {}))
    missing += [f"Attributes.{name}" for name in _REQUIRED_SYSTEM_ATTRIBUTES if name not in system_attributes]
    if missing:
        raise ConfigurationError(
            f"SQS message lacks {missing}; expected a receive_message result fetched with "
            f"AttributeNames=['All'], got keys {sorted(message)}"
        )
    body_text = str(message["Body"])
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": body_text,
        "attributes": system_attributes,
        "messageAttributes": _lambda_message_attributes(message.get("MessageAttributes", {})),
        "md5OfBody": message.get("MD5OfBody", _md5_hex(body_text)),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _md5_hex(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _lambda_message_attributes(attributes: Mapping[str, MessageAttributeInput]) -> dict[str, Any]:
    return {name: _lambda_message_attribute(name, value) for name, value in attributes.items()}


def _lambda_message_attribute(name: str, value: MessageAttributeInput) -> dict[str, Any]:
    """Lambda's camelCase attribute shape: stringValue/binaryValue (base64), the two lists, dataType."""
    boto_shape = value if isinstance(value, Mapping) else _boto_message_attribute(name, value)
    data_type = boto_shape.get("DataType")
    if not isinstance(data_type, str) or not ({"StringValue", "BinaryValue"} & boto_shape.keys()):
        raise ConfigurationError(
            f"message attribute {name!r} must look like {{'DataType': 'String', 'StringValue': '...'}} "
            f"(or BinaryValue), got {value!r}"
        )
    converted: dict[str, Any] = {}
    if "StringValue" in boto_shape:
        converted["stringValue"] = str(boto_shape["StringValue"])
    if "BinaryValue" in boto_shape:
        converted["binaryValue"] = _base64_text(boto_shape["BinaryValue"])
    converted["stringListValues"] = [str(item) for item in boto_shape.get("StringListValues", [])]
    converted["binaryListValues"] = [_base64_text(item) for item in boto_shape.get("BinaryListValues", [])]
    converted["dataType"] = data_type
    return converted


def _boto_message_attribute(name: str, value: object) -> dict[str, Any]:
    if isinstance(value, str):
        return {"DataType": "String", "StringValue": value}
    if isinstance(value, bytes):
        return {"DataType": "Binary", "BinaryValue": value}
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return {"DataType": "Number", "StringValue": str(value)}
    raise ConfigurationError(
        f"message attribute {name!r} must be a str, bytes, number or boto3 MessageAttributeValue dict, "
        f"got {value!r}"
    )


def _base64_text(value: bytes | bytearray | str) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(raw).decode("ascii")
