"""Kinesis Data Streams events as Lambda receives them, built from payloads or from GetRecords."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from patterns.lab.events._common import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    epoch_seconds,
    next_sequence_number,
    region_from_arn,
)
from patterns.lab.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_INVOKE_IDENTITY_ARN",
    "DEFAULT_SHARD_ID",
    "DEFAULT_STREAM_ARN",
    "KinesisRecordSpec",
    "kinesis_event",
    "kinesis_record",
    "kinesis_record_from_boto",
]

DEFAULT_STREAM_ARN = f"arn:aws:kinesis:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:stream/lab-stream"
DEFAULT_SHARD_ID = "shardId-000000000000"
DEFAULT_INVOKE_IDENTITY_ARN = f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/lab-lambda-role"

_SEQUENCE_BASE = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898


@dataclass(frozen=True)
class KinesisRecordSpec:
    """One record for :func:`kinesis_event` when more than its data matters (see :func:`kinesis_record`)."""

    data: bytes | str | Mapping[str, Any]
    partition_key: str = "pk"
    sequence_number: str | None = None
    approximate_arrival_timestamp: datetime | float | None = None


def kinesis_record(
    data: bytes | str | Mapping[str, Any],
    *,
    partition_key: str = "pk",
    sequence_number: str | None = None,
    stream_arn: str = DEFAULT_STREAM_ARN,
    approximate_arrival_timestamp: datetime | float | None = None,
    shard_id: str = DEFAULT_SHARD_ID,
    invoke_identity_arn: str = DEFAULT_INVOKE_IDENTITY_ARN,
) -> dict[str, Any]:
    """One Kinesis record. ``data`` is base64-encoded (a str as UTF-8, a dict as JSON text first).

    ``sequence_number`` defaults to one that grows with every record built; the region comes from
    ``stream_arn``; ``approximate_arrival_timestamp`` (default now) becomes float epoch seconds.
    """
    if not partition_key:
        raise ConfigurationError("partition_key must be a non-empty string, got ''")
    return _lambda_record(
        raw_data=_data_bytes(data),
        partition_key=partition_key,
        sequence_number=sequence_number or next_sequence_number(_SEQUENCE_BASE),
        arrival_seconds=epoch_seconds(approximate_arrival_timestamp),
        shard_id=shard_id,
        stream_arn=stream_arn,
        region=region_from_arn(stream_arn),
        invoke_identity_arn=invoke_identity_arn,
    )


def kinesis_event(
    records: Sequence[bytes | str | Mapping[str, Any] | KinesisRecordSpec],
    *,
    stream_arn: str = DEFAULT_STREAM_ARN,
    shard_id: str = DEFAULT_SHARD_ID,
    invoke_identity_arn: str = DEFAULT_INVOKE_IDENTITY_ARN,
) -> dict[str, Any]:
    """A Kinesis event (``{"Records": [...]}``) with one record per payload or :class:`KinesisRecordSpec`."""
    if not records:
        raise ConfigurationError("a Kinesis event holds at least one record; got an empty sequence")
    built = []
    for record in records:
        spec = record if isinstance(record, KinesisRecordSpec) else KinesisRecordSpec(record)
        built.append(
            kinesis_record(
                spec.data,
                partition_key=spec.partition_key,
                sequence_number=spec.sequence_number,
                stream_arn=stream_arn,
                approximate_arrival_timestamp=spec.approximate_arrival_timestamp,
                shard_id=shard_id,
                invoke_identity_arn=invoke_identity_arn,
            )
        )
    return {"Records": built}


def kinesis_record_from_boto(
    record: Mapping[str, Any],
    *,
    shard_id: str,
    stream_arn: str,
    region: str,
    invoke_identity_arn: str = DEFAULT_INVOKE_IDENTITY_ARN,
) -> dict[str, Any]:
    """Convert one ``Records`` entry of boto3 ``kinesis.get_records`` (``Data`` bytes, arrival time a
    datetime) into the Lambda record shape."""
    missing = [
        key
        for key in ("Data", "PartitionKey", "SequenceNumber", "ApproximateArrivalTimestamp")
        if key not in record
    ]
    if missing:
        raise ConfigurationError(
            f"Kinesis record lacks {missing}; expected a kinesis.get_records Record, "
            f"got keys {sorted(record)}"
        )
    return _lambda_record(
        raw_data=bytes(record["Data"]),
        partition_key=record["PartitionKey"],
        sequence_number=record["SequenceNumber"],
        arrival_seconds=epoch_seconds(record["ApproximateArrivalTimestamp"]),
        shard_id=shard_id,
        stream_arn=stream_arn,
        region=region,
        invoke_identity_arn=invoke_identity_arn,
    )


def _lambda_record(
    *,
    raw_data: bytes,
    partition_key: str,
    sequence_number: str,
    arrival_seconds: float,
    shard_id: str,
    stream_arn: str,
    region: str,
    invoke_identity_arn: str,
) -> dict[str, Any]:
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": sequence_number,
            "data": base64.b64encode(raw_data).decode("ascii"),
            "approximateArrivalTimestamp": round(arrival_seconds, 3),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": invoke_identity_arn,
        "awsRegion": region,
        "eventSourceARN": stream_arn,
    }


def _data_bytes(data: bytes | str | Mapping[str, Any]) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    try:
        return json.dumps(data).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"Kinesis data must be bytes, str or a JSON-serialisable dict, got {data!r}"
        ) from exc
