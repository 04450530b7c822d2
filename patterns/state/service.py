"""Where state lives, without boto3: sessions with an expiry, a per-environment TTL cache, and the
seeds' per-container stores, each a few lines so the notebook can show exactly what goes wrong.

Everything that needs the time takes ``now`` (Unix seconds) as an argument: handlers pass the request's
own time (API Gateway's ``requestTimeEpoch``), so on the lab's virtual clock a cache entry ages, and a
session expires, as fast as the demonstration moves the clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from patterns.state.exceptions import InvalidSessionRequestError

__all__ = ["Session", "TtlCache", "is_live", "parse_session_request", "request_time"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class Session:
    """A login session: who, and until when (Unix seconds, the table's TTL attribute)."""

    session_id: str
    user: str
    expires_at: int

    def to_dict(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "user": self.user, "expires_at": self.expires_at}


def is_live(session: Session, now: float) -> bool:
    """A session is usable until its expiry, whether or not DynamoDB has deleted it yet."""
    return now < session.expires_at


def parse_session_request(body: str | None) -> str:
    """The user named by a ``{"user": "..."}`` body."""
    try:
        data = json.loads(body or "")
    except ValueError:
        raise InvalidSessionRequestError('send a JSON body such as {"user": "ada"}') from None
    user = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user, str) or not user.strip():
        raise InvalidSessionRequestError(f"user must be a non-empty string, got {user!r}")
    return user.strip()


def request_time(event: dict[str, Any]) -> float:
    """The request's time in Unix seconds, from an API Gateway event (REST or HTTP API)."""
    context = event.get("requestContext") or {}
    millis = context.get("requestTimeEpoch", context.get("timeEpoch"))
    if not isinstance(millis, int):
        raise ValueError("the event carries no requestTimeEpoch / timeEpoch")
    return millis / 1000


@dataclass
class TtlCache(Generic[K, V]):
    """Values kept for ``ttl_s`` seconds after they were loaded; one per execution environment.

    ``ttl_s = 0`` caches nothing. A value changed at the source is served stale until the entry expires.
    """

    ttl_s: float
    entries: dict[K, tuple[V, float]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def get(self, key: K, now: float, load: Callable[[K], V]) -> tuple[V, bool]:
        """The value for ``key`` and whether it came from the cache."""
        entry = self.entries.get(key)
        if entry is not None and now - entry[1] < self.ttl_s:
            self.hits += 1
            return entry[0], True
        value = load(key)
        self.misses += 1
        self.entries[key] = (value, now)
        return value, False
