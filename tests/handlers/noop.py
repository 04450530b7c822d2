"""A handler that does nothing: what the runtime itself costs per invocation."""

from typing import Any


def handler(event: Any, context: Any) -> None:
    return None
