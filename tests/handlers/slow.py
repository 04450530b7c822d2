"""Handlers that take their time: for timeouts and concurrency."""

import time
from typing import Any


def sleep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(event.get("seconds", 0))
    return {"slept": event.get("seconds", 0), "remaining_ms": context.get_remaining_time_in_millis()}
