"""Your state helpers. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def read_session(table_name: str, session_id: str, now: float) -> dict[str, Any] | None:
    """Task 1: the session {"session_id", "user", "expires_at"} if it exists and is live at ``now``."""
    raise NotImplementedError("Task 1: read_session is not written yet")


def count_visit(table_name: str, name: str) -> int:
    """Task 2: add one to the counter ``name`` atomically; return the new total."""
    raise NotImplementedError("Task 2: count_visit is not written yet")


def cached(
    cache: dict[str, Any], key: str, now: float, ttl_s: float, load: Callable[[str], Any]
) -> tuple[Any, bool]:
    """Task 3: the value for ``key`` and whether it came from ``cache`` (loaded at most ``ttl_s`` ago)."""
    raise NotImplementedError("Task 3: cached is not written yet")
