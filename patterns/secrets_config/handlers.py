"""The function of pattern 21: read the stage's settings (SSM) and the database secret (Secrets Manager),
then query the stand-in database. Thin: the rules are in :mod:`.service`, AWS access in :mod:`.adapters`.

Environment variables hold only what is not secret: ``STAGE`` (dev, prod...), ``SECRET_STRATEGY`` (one of
:data:`~patterns.secrets_config.service.STRATEGIES`), ``CACHE_MAX_AGE_S`` and ``LOG_LEVEL``. Everything the
function caches lives in this module's globals, so each execution environment has its own cache.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from patterns.secrets_config import adapters, service
from patterns.secrets_config.exceptions import AuthenticationFailedError
from patterns.secrets_config.service import FETCH, LRU, REFRESH, STRATEGIES, StageConfig

__all__ = ["query_orders"]

_clients: dict[str, Any] = {}  # per execution environment: made on first use, never at import


def _client(name: str) -> Any:
    """This environment's Powertools provider for ``"secretsmanager"`` or ``"ssm"`` (its ``.client`` is
    the boto3 client the fetch-every-time strategy uses)."""
    if name not in _clients:
        _clients[name] = adapters.secrets_provider() if name == "secretsmanager" else adapters.ssm_provider()
    return _clients[name]


def _downstream(secret_id: str) -> adapters.CurrentSecretDownstream:
    key = f"downstream:{secret_id}"
    if key not in _clients:
        _clients[key] = adapters.CurrentSecretDownstream(secret_id)
    downstream: adapters.CurrentSecretDownstream = _clients[key]
    return downstream


@functools.lru_cache(maxsize=8)
def _lru_config(stage: str) -> StageConfig:  # seed 000's way: cached for the environment's whole life
    return service.parse_stage_config(stage, adapters.fetch_stage_parameters(_client("ssm").client, stage))


@functools.lru_cache(maxsize=32)
def _lru_secret(name: str) -> dict[str, str]:
    return adapters.fetch_secret(_client("secretsmanager").client, name)


def _config(strategy: str, stage: str, max_age: int) -> StageConfig:
    if strategy == FETCH:
        return service.parse_stage_config(
            stage, adapters.fetch_stage_parameters(_client("ssm").client, stage)
        )
    if strategy == LRU:
        return _lru_config(stage)
    values = _client("ssm").get_multiple(service.stage_path(stage), max_age=max_age, recursive=True)
    return service.parse_stage_config(stage, values)


def _secret(strategy: str, name: str, max_age: int, force: bool) -> dict[str, str]:
    if strategy == FETCH:
        return adapters.fetch_secret(_client("secretsmanager").client, name)
    if strategy == LRU:
        return _lru_secret(name)
    value: dict[str, str] = _client("secretsmanager").get(
        name, max_age=max_age, transform="json", force_fetch=force
    )
    return value


def query_orders(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run ``event["sql"]`` against the stage's database with the stage's credentials.

    ``{"status": 200, ...}`` with ``refreshed`` (the secret was read again after a refusal), or
    ``{"status": 502, "error": ...}`` when the database refused the credentials.
    """
    stage = os.environ.get("STAGE", "dev")
    strategy = os.environ.get("SECRET_STRATEGY", REFRESH)
    if strategy not in STRATEGIES:
        return {
            "status": 500,
            "error": f"SECRET_STRATEGY must be one of {list(STRATEGIES)}, got {strategy!r}",
        }
    max_age = int(os.environ.get("CACHE_MAX_AGE_S", "300"))
    config = _config(strategy, stage, max_age)
    downstream = _downstream(config.db_secret_id)
    sql = str(event.get("sql", "select 1"))
    try:
        if strategy == REFRESH:
            attempt = service.call_with_refresh(
                lambda force: _secret(strategy, config.db_secret_id, max_age, force),
                lambda credentials: downstream.query(credentials, sql),
            )
            answer, refreshed = attempt.result, attempt.refreshed
        else:
            answer, refreshed = (
                downstream.query(_secret(strategy, config.db_secret_id, max_age, False), sql),
                False,
            )
    except AuthenticationFailedError as refused:
        return {"status": 502, "error": str(refused), "stage": stage}
    return {
        "status": 200,
        "answer": answer,
        "stage": stage,
        "table": config.table_name,
        "timeout_ms": config.timeout_ms,
        "feature_flags": list(config.feature_flags),
        "log_level": os.environ.get("LOG_LEVEL", "INFO"),
        "refreshed": refreshed,
    }
