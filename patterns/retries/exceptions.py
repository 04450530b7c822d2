"""The retries pattern's errors."""

from __future__ import annotations

from typing import Any

__all__ = ["DependencyDownError", "DownstreamFailedError", "RetriesError", "RetriesExhaustedError"]


class RetriesError(Exception):
    """Base of this pattern's errors."""


class RetriesExhaustedError(RetriesError):
    """Every attempt failed with a transient error: the caller decides what happens now."""

    def __init__(self, attempts: int, last: Exception) -> None:
        super().__init__(f"gave up after {attempts} attempts: {type(last).__name__}: {last}")
        self.attempts = attempts
        self.last = last


class DependencyDownError(RetriesError):
    """The dependency at the bottom answered with an error (it is down)."""


class DownstreamFailedError(RetriesError):
    """The function called answered with a function error."""

    def __init__(self, function_name: str, payload: Any) -> None:
        message = payload.get("errorMessage") if isinstance(payload, dict) else payload
        super().__init__(f"{function_name} failed: {message}")
        self.function_name = function_name
        self.payload = payload
