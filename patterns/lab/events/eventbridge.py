"""EventBridge events as a rule target (such as a Lambda function) receives them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from patterns.lab.events._common import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, utc_moment
from patterns.lab.exceptions import ConfigurationError

__all__ = ["eventbridge_event"]


def eventbridge_event(
    detail: Mapping[str, Any],
    *,
    source: str = "lab.app",
    detail_type: str = "Example",
    resources: Sequence[str] = (),
    id: str | None = None,
    time: datetime | None = None,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> dict[str, Any]:
    """An EventBridge event. ``detail`` must be a JSON object; the event holds a deep copy of it.

    ``id`` is the event's own ``id`` field (a fresh UUID by default). The event bus is not part of a
    delivered event, so there is no bus argument. ``time`` has whole-second precision, as EventBridge
    writes it.
    """
    try:
        detail_copy = json.loads(json.dumps(detail))
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"EventBridge detail must be JSON-serialisable, got {detail!r}: {exc}"
        ) from exc
    if not isinstance(detail_copy, dict):
        raise ConfigurationError(f"EventBridge detail must be a JSON object (a dict), got {detail!r}")
    return {
        "version": "0",
        "id": id or str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account_id,
        "time": utc_moment(time).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": list(resources),
        "detail": detail_copy,
    }
