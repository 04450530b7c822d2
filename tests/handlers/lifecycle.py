"""A handler whose module globals show which execution environment served a request."""

import os
import time
import uuid
from typing import Any

ENVIRONMENT_ID = uuid.uuid4().hex  # init code: runs once per execution environment
INIT_COUNT = 0
INIT_COUNT += 1
served = 0


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global served
    served += 1
    if event.get("sleep_s"):
        time.sleep(event["sleep_s"])
    if event.get("fail"):
        raise ValueError(f"asked to fail: {event['fail']}")
    return {
        "environment": ENVIRONMENT_ID,
        "served": served,
        "init_count": INIT_COUNT,
        "greeting": os.environ.get("GREETING"),
        "function": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }


def unserialisable(event: dict[str, Any], context: Any) -> Any:
    return {"when": object()}
