"""The rules of pattern 21, without boto3: a secret cache with a maximum age, refresh-once-on-refusal,
per-stage configuration parsed from SSM parameters, and the arithmetic of API calls per million.

The handlers use Powertools Parameters (``max_age``, ``force_fetch``) for the cache itself; the
:class:`SecretCache` here is the same mechanism written out, so it can be read, tested and rebuilt in
the exercise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from patterns.secrets_config.exceptions import AuthenticationFailedError, ConfigurationError

__all__ = [
    "CONFIG_KEYS",
    "FETCH",
    "LABELS",
    "LRU",
    "MAX_AGE",
    "REFRESH",
    "STRATEGIES",
    "Attempt",
    "SecretCache",
    "StageConfig",
    "call_with_refresh",
    "parse_stage_config",
    "per_million",
    "stage_path",
]

FETCH, LRU, MAX_AGE, REFRESH = "fetch", "lru", "max_age", "refresh"
STRATEGIES: tuple[str, ...] = (FETCH, LRU, MAX_AGE, REFRESH)
"""How a function gets its secret and settings (its ``SECRET_STRATEGY`` environment variable)."""
LABELS: dict[str, str] = {
    FETCH: "fetch every invocation",
    LRU: "lru_cache (seed 000)",
    MAX_AGE: "Powertools max_age",
    REFRESH: "max_age + refresh on refusal",
}

CONFIG_KEYS: tuple[str, ...] = ("db_secret_id", "table_name", "timeout_ms", "feature_flags")
"""The settings every stage keeps under ``/app/<stage>/`` in SSM Parameter Store."""

_STAGE = re.compile(r"[a-z][a-z0-9-]{0,15}")
T = TypeVar("T")
S = TypeVar("S")


def stage_path(stage: str) -> str:
    """The SSM path holding ``stage``'s settings: ``/app/<stage>/``."""
    if not isinstance(stage, str) or not _STAGE.fullmatch(stage):
        raise ConfigurationError(f"a stage is 1-16 lower-case letters, digits or '-', got {stage!r}")
    return f"/app/{stage}/"


@dataclass(frozen=True, slots=True)
class StageConfig:
    """One stage's settings: where its secret is and the plain settings beside it."""

    stage: str
    db_secret_id: str
    table_name: str
    timeout_ms: int
    feature_flags: tuple[str, ...]


def parse_stage_config(stage: str, parameters: Mapping[str, str]) -> StageConfig:
    """The settings under ``/app/<stage>/``: keys as full names (``/app/dev/table_name``) or relative to
    the path (``table_name``, what Powertools' ``get_multiple`` returns). Every missing or bad setting is
    named in one :class:`ConfigurationError`."""
    prefix = stage_path(stage)
    values = {(k[len(prefix) :] if k.startswith(prefix) else k): v for k, v in parameters.items()}
    problems = [f"{prefix}{key} is missing" for key in CONFIG_KEYS if key not in values]
    timeout = values.get("timeout_ms", "0")
    if "timeout_ms" in values and not (timeout.isdigit() and 0 < int(timeout) <= 900_000):
        problems.append(f"{prefix}timeout_ms must be a whole number of ms in 1..900000, got {timeout!r}")
    if problems:
        raise ConfigurationError("; ".join(problems))
    flags = tuple(flag.strip() for flag in values["feature_flags"].split(",") if flag.strip())
    return StageConfig(stage, values["db_secret_id"], values["table_name"], int(timeout), flags)


@dataclass
class SecretCache:
    """Values fetched by name and kept for ``max_age_s`` seconds of ``now()``; ``refresh`` fetches again.

    ``max_age_s == 0`` keeps nothing (a fetch every time), as Powertools does.
    """

    fetch: Callable[[str], str]
    now: Callable[[], float]
    max_age_s: float
    fetches: int = 0
    _entries: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.max_age_s < 0:
            raise ValueError(f"max_age_s must be >= 0, got {self.max_age_s}")

    def get(self, name: str) -> str:
        """The cached value while it is younger than ``max_age_s``, else a fresh one."""
        entry = self._entries.get(name)
        if entry is not None and self.now() < entry[1]:
            return entry[0]
        return self.refresh(name)

    def refresh(self, name: str) -> str:
        """Fetch ``name`` now, whatever the cache holds, and keep it for ``max_age_s``."""
        value = self.fetch(name)
        self.fetches += 1
        if self.max_age_s > 0:
            self._entries[name] = (value, self.now() + self.max_age_s)
        else:
            self._entries.pop(name, None)
        return value


@dataclass(frozen=True, slots=True)
class Attempt:
    """What :func:`call_with_refresh` did: the result and whether it had to refresh the secret."""

    result: object
    refreshed: bool


def call_with_refresh(read: Callable[[bool], S], call: Callable[[S], T]) -> Attempt:
    """``call(read(False))``; if the downstream refuses it (:class:`AuthenticationFailedError`), read the
    secret again bypassing the cache (``read(True)``) and call once more. A second refusal propagates:
    the secret really is wrong, and retrying further would only hammer both services."""
    try:
        return Attempt(call(read(False)), refreshed=False)
    except AuthenticationFailedError:
        return Attempt(call(read(True)), refreshed=True)


def per_million(calls: int, invocations: int) -> float:
    """API calls per million invocations, scaled from a run's counts (at that run's request rate)."""
    if invocations <= 0:
        raise ValueError(f"invocations must be positive, got {invocations}")
    if calls < 0:
        raise ValueError(f"calls must be >= 0, got {calls}")
    return calls * 1_000_000 / invocations
