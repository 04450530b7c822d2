"""S3 event notifications as Lambda receives them."""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from patterns.lab.events._common import DEFAULT_REGION, iso8601_millis, random_token
from patterns.lab.exceptions import ConfigurationError

__all__ = ["s3_event", "s3_object_key_in_event"]

_EMPTY_OBJECT_ETAG = "d41d8cd98f00b204e9800998ecf8427e"


def s3_object_key_in_event(key: str) -> str:
    """The object key as S3 writes it into events: form-URL-encoded (``red flower.jpg`` ->
    ``red+flower.jpg``) with ``/`` left as is. Handlers decode it with ``urllib.parse.unquote_plus``."""
    return quote_plus(key, safe="/")


def s3_event(
    bucket: str,
    key: str,
    *,
    event_name: str = "ObjectCreated:Put",
    size: int = 0,
    etag: str | None = None,
    sequencer: str | None = None,
    version_id: str | None = None,
    region: str = DEFAULT_REGION,
    event_time: datetime | None = None,
    configuration_id: str = "lab-notification",
) -> dict[str, Any]:
    """An S3 event with one record for ``key`` in ``bucket``.

    ``event_name`` has no ``s3:`` prefix, as in real events. ``ObjectRemoved:*`` records carry no
    ``size`` or ``eTag``; ``versionId`` appears only when given (versioned buckets). ``sequencer``
    defaults to an upper-case hex value that grows with time, so later events sort later.
    """
    if event_name.startswith("s3:"):
        raise ConfigurationError(
            f"eventName in S3 events has no 's3:' prefix; got {event_name!r}, "
            "expected e.g. 'ObjectCreated:Put'"
        )
    if size < 0:
        raise ConfigurationError(f"object size is a byte count, so it is at least 0; got {size}")
    s3_object: dict[str, Any] = {"key": s3_object_key_in_event(key)}
    if not event_name.startswith("ObjectRemoved:"):
        s3_object["size"] = size
        s3_object["eTag"] = etag or _placeholder_etag(bucket, key, size)
    if version_id is not None:
        s3_object["versionId"] = version_id
    s3_object["sequencer"] = sequencer or f"{time.time_ns():018X}"
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": iso8601_millis(event_time),
                "eventName": event_name,
                "userIdentity": {"principalId": "AWS:AIDAINPONIXQXHT3IKHL2"},
                "requestParameters": {"sourceIPAddress": "198.51.100.7"},
                "responseElements": {
                    "x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                    "x-amz-id-2": random_token(56),
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3I5XTEXAMAI3E"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": s3_object,
                },
            }
        ]
    }


def _placeholder_etag(bucket: str, key: str, size: int) -> str:
    """The real ETag of an empty object, else a stable MD5-shaped value derived from the object's identity."""
    if size == 0:
        return _EMPTY_OBJECT_ETAG
    return hashlib.md5(f"{bucket}/{key}/{size}".encode(), usedforsecurity=False).hexdigest()
