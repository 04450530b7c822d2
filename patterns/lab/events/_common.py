"""Defaults and small helpers shared by the event builders (ARNs, timestamps, JSON bodies, ids)."""

from __future__ import annotations

import base64
import itertools
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from patterns.lab.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "epoch_millis",
    "epoch_seconds",
    "iso8601_millis",
    "json_text",
    "next_sequence_number",
    "random_token",
    "region_from_arn",
    "utc_moment",
]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"

_sequence_counter = itertools.count(1)


def region_from_arn(arn: str) -> str:
    """Return the region field of an ARN such as ``arn:aws:sqs:us-east-1:123456789012:queue``."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[3]:
        raise ConfigurationError(
            f"expected a regional ARN like 'arn:aws:sqs:us-east-1:123456789012:name', got {arn!r}"
        )
    return parts[3]


def utc_moment(moment: datetime | None) -> datetime:
    """Return ``moment`` in UTC (a naive datetime is taken to be UTC already), or now when it is None."""
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso8601_millis(moment: datetime | None) -> str:
    """Format as AWS does in SNS and S3 events: ``2019-01-02T12:45:07.000Z``."""
    utc = utc_moment(moment)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def epoch_millis(moment: datetime | None) -> int:
    """Milliseconds since the Unix epoch, as SQS and API Gateway report times."""
    return int(utc_moment(moment).timestamp() * 1000)


def epoch_seconds(moment: datetime | float | None) -> float:
    """Seconds since the Unix epoch as a float; a number is passed through unchanged."""
    if isinstance(moment, int | float):
        return float(moment)
    return utc_moment(moment).timestamp()


def json_text(body: str | Mapping[str, Any], what: str) -> str:
    """Return ``body`` unchanged if it is a string, else its JSON text (``what`` names it in errors)."""
    if isinstance(body, str):
        return body
    try:
        return json.dumps(body)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"{what} must be a string or a JSON-serialisable dict, got {body!r}: {exc}"
        ) from exc


def random_token(length_bytes: int) -> str:
    """A random base64 string, for opaque values such as receipt handles and request ids."""
    return base64.b64encode(os.urandom(length_bytes)).decode("ascii")


def next_sequence_number(base: int) -> str:
    """A sequence number above ``base`` that grows with every call, as stream sequence numbers do."""
    return str(base + next(_sequence_counter))
