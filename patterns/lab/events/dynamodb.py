"""DynamoDB Streams events as Lambda receives them, built from plain Python items or from GetRecords."""

from __future__ import annotations

import base64
import json
import math
import uuid
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from boto3.dynamodb.types import TypeSerializer

from patterns.lab.events._common import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    epoch_seconds,
    next_sequence_number,
    region_from_arn,
)
from patterns.lab.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_STREAM_LABEL",
    "DEFAULT_TABLE_ARN",
    "DynamoDBStreamChange",
    "StreamEventName",
    "StreamViewType",
    "dynamodb_json",
    "dynamodb_stream_event",
    "dynamodb_stream_record",
    "dynamodb_stream_record_from_boto",
]

DEFAULT_TABLE_ARN = f"arn:aws:dynamodb:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:table/lab-table"
DEFAULT_STREAM_LABEL = "2024-01-01T00:00:00.000"

StreamEventName = Literal["INSERT", "MODIFY", "REMOVE"]
StreamViewType = Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]

_EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")
_VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
_SEQUENCE_BASE = 100_000_000_000_000_000_000
_SERIALIZER = TypeSerializer()


@dataclass(frozen=True)
class DynamoDBStreamChange:
    """One item change for :func:`dynamodb_stream_event` (arguments as in :func:`dynamodb_stream_record`)."""

    event_name: StreamEventName
    keys: Mapping[str, Any]
    new_image: Mapping[str, Any] | None = None
    old_image: Mapping[str, Any] | None = None
    sequence_number: str | None = None
    approximate_creation_time: datetime | float | None = None


def dynamodb_json(item: Mapping[str, Any]) -> dict[str, Any]:
    """Convert a plain Python item to DynamoDB attribute-value JSON as stream events carry it.

    Numbers become ``{"N": "..."}`` (floats via ``Decimal(str(x))``), bytes become base64 ``{"B": ...}``,
    sets become ``SS``/``NS``/``BS``, ``None`` becomes ``{"NULL": true}``.
    """
    converted: dict[str, Any] = {}
    for name, value in item.items():
        try:
            attribute = _SERIALIZER.serialize(_decimal_numbers(value))
        except (TypeError, ArithmeticError) as exc:
            raise ConfigurationError(
                f"attribute {name!r} = {value!r} cannot be stored in DynamoDB: {exc}"
            ) from exc
        converted[name] = _json_safe_attribute(attribute)
    return converted


def dynamodb_stream_record(
    event_name: StreamEventName,
    *,
    keys: Mapping[str, Any],
    new_image: Mapping[str, Any] | None = None,
    old_image: Mapping[str, Any] | None = None,
    sequence_number: str | None = None,
    table_arn: str = DEFAULT_TABLE_ARN,
    stream_view_type: StreamViewType = "NEW_AND_OLD_IMAGES",
    approximate_creation_time: datetime | float | None = None,
    stream_label: str = DEFAULT_STREAM_LABEL,
) -> dict[str, Any]:
    """One DynamoDB Streams record, with ``keys`` and images given as plain Python values.

    Images are whole items: key attributes missing from an image are filled in from ``keys``. As the
    stream does, the record carries only the images ``stream_view_type`` asks for (an INSERT has no old
    image, a REMOVE no new one); an image the record must carry but was not given is an error.
    ``sequence_number`` defaults to one that grows with every record built; ``SizeBytes`` approximates
    the record's size by the length of its compact JSON.
    """
    if event_name not in _EVENT_NAMES:
        raise ConfigurationError(f"event_name must be one of {list(_EVENT_NAMES)}, got {event_name!r}")
    if stream_view_type not in _VIEW_TYPES:
        raise ConfigurationError(
            f"stream_view_type must be one of {list(_VIEW_TYPES)}, got {stream_view_type!r}"
        )
    if not keys:
        raise ConfigurationError("keys must name the item's key attributes, got an empty mapping")
    if event_name == "INSERT" and old_image is not None:
        raise ConfigurationError("an INSERT has no old image; drop old_image or use event_name='MODIFY'")
    if event_name == "REMOVE" and new_image is not None:
        raise ConfigurationError("a REMOVE has no new image; drop new_image or use event_name='MODIFY'")
    carries_new = event_name != "REMOVE" and stream_view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    carries_old = event_name != "INSERT" and stream_view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
    change: dict[str, Any] = {
        "ApproximateCreationDateTime": float(math.floor(epoch_seconds(approximate_creation_time))),
        "Keys": dynamodb_json(keys),
    }
    if carries_new:
        change["NewImage"] = dynamodb_json(
            _whole_item(new_image, keys, event_name, "new_image", stream_view_type)
        )
    if carries_old:
        change["OldImage"] = dynamodb_json(
            _whole_item(old_image, keys, event_name, "old_image", stream_view_type)
        )
    change["SequenceNumber"] = sequence_number or next_sequence_number(_SEQUENCE_BASE)
    change["SizeBytes"] = len(json.dumps(change, separators=(",", ":")).encode("utf-8"))
    change["StreamViewType"] = stream_view_type
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region_from_arn(table_arn),
        "dynamodb": change,
        "eventSourceARN": f"{table_arn}/stream/{stream_label}",
    }


def dynamodb_stream_event(
    records: Sequence[DynamoDBStreamChange],
    *,
    table_arn: str = DEFAULT_TABLE_ARN,
    stream_view_type: StreamViewType = "NEW_AND_OLD_IMAGES",
    stream_label: str = DEFAULT_STREAM_LABEL,
) -> dict[str, Any]:
    """A DynamoDB Streams event (``{"Records": [...]}``) with one record per change, in order."""
    if not records:
        raise ConfigurationError("a DynamoDB Streams event holds at least one record; got an empty sequence")
    return {
        "Records": [
            dynamodb_stream_record(
                change.event_name,
                keys=change.keys,
                new_image=change.new_image,
                old_image=change.old_image,
                sequence_number=change.sequence_number,
                table_arn=table_arn,
                stream_view_type=stream_view_type,
                approximate_creation_time=change.approximate_creation_time,
                stream_label=stream_label,
            )
            for change in records
        ]
    }


def dynamodb_stream_record_from_boto(
    record: Mapping[str, Any], *, stream_arn: str, region: str
) -> dict[str, Any]:
    """Convert one ``Records`` entry of boto3 ``dynamodbstreams.get_records`` into the Lambda record shape.

    The creation time (a datetime in boto3) becomes epoch seconds, binary attributes become base64 and
    ``eventSourceARN`` is added, as Lambda's event source mapping does.
    """
    missing = [key for key in ("eventID", "eventName", "eventVersion", "dynamodb") if key not in record]
    if missing:
        raise ConfigurationError(
            f"stream record lacks {missing}; expected a dynamodbstreams.get_records Record, "
            f"got keys {sorted(record)}"
        )
    change: dict[str, Any] = {}
    for field, value in record["dynamodb"].items():
        if field == "ApproximateCreationDateTime":
            change[field] = float(math.floor(epoch_seconds(value)))
        elif field in ("Keys", "NewImage", "OldImage"):
            change[field] = {name: _json_safe_attribute(attribute) for name, attribute in value.items()}
        else:
            change[field] = value
    converted = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record["eventVersion"],
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:
        converted["userIdentity"] = dict(record["userIdentity"])
    return converted


def _whole_item(
    image: Mapping[str, Any] | None,
    keys: Mapping[str, Any],
    event_name: str,
    argument: str,
    stream_view_type: str,
) -> dict[str, Any]:
    if image is None:
        raise ConfigurationError(
            f"a {event_name} record on a {stream_view_type} stream carries this image; pass {argument}=..."
        )
    conflicting = {name for name, value in keys.items() if name in image and image[name] != value}
    if conflicting:
        raise ConfigurationError(
            f"{argument} disagrees with keys on {sorted(conflicting)}: "
            f"keys={dict(keys)!r}, {argument}={dict(image)!r}"
        )
    return {**keys, **image}


def _decimal_numbers(value: Any) -> Any:
    """Turn floats into ``Decimal(str(x))`` at any depth (the serializer rejects floats); no empty sets."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {name: _decimal_numbers(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_decimal_numbers(item) for item in value]
    if isinstance(value, AbstractSet):
        if not value:
            raise TypeError("DynamoDB has no empty sets; leave the attribute out instead")
        return {_decimal_numbers(item) for item in value}
    return value


def _json_safe_attribute(attribute: Mapping[str, Any]) -> dict[str, Any]:
    """Base64-encode binary values (``B``/``BS``, at any depth) the way stream events carry them."""
    [(type_name, value)] = attribute.items()
    if type_name == "B":
        return {"B": _base64_text(value)}
    if type_name == "BS":
        return {"BS": sorted(_base64_text(item) for item in value)}
    if type_name == "M":
        return {"M": {name: _json_safe_attribute(item) for name, item in value.items()}}
    if type_name == "L":
        return {"L": [_json_safe_attribute(item) for item in value]}
    if type_name in ("SS", "NS"):
        return {type_name: sorted(value)}
    return {type_name: value}


def _base64_text(value: Any) -> str:
    """Base64 text of bytes, bytearray or boto3 ``Binary`` (which converts with ``bytes()``)."""
    return base64.b64encode(bytes(value)).decode("ascii")
