"""Your secret cache and its refresh rule. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class AuthenticationFailed(Exception):
    """The downstream refused the credentials (given: raise and catch this one, do not change it)."""


class SecretCache:
    """Secrets fetched by name and kept for ``max_age_s`` seconds of ``now()`` (see README.md)."""

    def __init__(self, fetch: Callable[[str], str], now: Callable[[], float], max_age_s: float) -> None:
        self.fetch = fetch
        self.now = now
        self.max_age_s = max_age_s
        self.entries: dict[str, tuple[str, float]] = {}  # name -> (value, expires_at): use it or not

    def get(self, name: str) -> str:
        """Task 1: the cached value while it is younger than ``max_age_s``, else a fresh one."""
        raise NotImplementedError("Task 1: SecretCache.get is not written yet")

    def refresh(self, name: str) -> str:
        """Task 1: fetch ``name`` now, whatever the cache holds, and keep it for ``max_age_s``."""
        raise NotImplementedError("Task 1: SecretCache.refresh is not written yet")


def call_with_refresh(read: Callable[[bool], str], call: Callable[[str], Any]) -> dict[str, Any]:
    """Task 2: ``call(read(False))``; when refused, ``call(read(True))`` once (see README.md)."""
    raise NotImplementedError("Task 2: call_with_refresh is not written yet")
