"""The recursive loop's handlers: parse the S3 event, delegate, write the thumbnail.

``thumbnail_in_place`` is the anti-pattern: it writes its output into the bucket whose notifications
invoke it, so every output invokes it again. ``thumbnail_to_output`` is the fix: it writes to the bucket
named by ``OUTPUT_BUCKET``, which triggers nothing.
"""

from __future__ import annotations

import os
from typing import Any

from patterns.anti_patterns import adapters, service

__all__ = ["thumbnail_in_place", "thumbnail_to_output"]


def _thumbnail(data: bytes) -> bytes:
    return data[:64]  # the lab's "resize": the first bytes


def thumbnail_in_place(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Anti-pattern: write each thumbnail back into the bucket that triggered the function."""
    written = []
    for bucket, key in service.s3_objects(event):
        target = service.output_key(key)
        adapters.put_object(bucket, target, _thumbnail(adapters.read_object(bucket, key)))
        written.append(f"{bucket}/{target}")
    return {"written": written}


def thumbnail_to_output(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The fix: write each thumbnail to ``OUTPUT_BUCKET``, a bucket with no trigger."""
    output = os.environ["OUTPUT_BUCKET"]
    written = []
    for bucket, key in service.s3_objects(event):
        target = service.output_key(key)
        adapters.put_object(output, target, _thumbnail(adapters.read_object(bucket, key)))
        written.append(f"{output}/{target}")
    return {"written": written}
