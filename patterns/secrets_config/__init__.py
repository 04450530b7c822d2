"""Pattern 21 - Secrets and configuration: secrets read through a cache, refreshed when refused.

**Intent.** Keep secrets out of code and out of environment variables, read them from Secrets Manager
(and per-stage settings from SSM Parameter Store) without paying for a call on every invocation, and
survive a rotation.

**Problem.** A handler that fetches its secret on every invocation pays one API call per invocation;
seed 000 caches with ``functools.lru_cache``, which never expires: after a rotation every warm environment
keeps presenting the old password until it dies. A cache with a maximum age fails the same way until the
entry ages out. A password written into the handler is in every copy of the code.

**Solution.**

* read through a cache with a maximum age (Powertools Parameters, ``max_age``): one ``GetSecretValue``
  per environment per ``max_age`` instead of one per invocation;
* when the downstream refuses the credentials, read the secret again bypassing the cache
  (``force_fetch=True``) and retry **once**: a rotation costs one extra call per environment, no errors;
* the same code in every stage: ``STAGE`` (an environment variable) selects ``/app/<stage>/`` in SSM,
  which names the stage's secret and holds its plain settings;
* a maintained scanner (detect-secrets) finds the password written into a handler; it moves to
  Secrets Manager.

**Limit.** Refresh-on-refusal needs a refusal you can recognise; a secret used to *sign* (not to log in)
fails silently elsewhere: rotate those with overlapping versions (the old one still accepted until every
cache has aged out).

**Layers.** :mod:`.handlers` (read the settings, call the database) -> :mod:`.service` (the cache, the
retry rule, the stage settings; no boto3) -> :mod:`.adapters` (Secrets Manager, SSM, Powertools,
detect-secrets).
"""

from patterns.secrets_config.exceptions import (
    AuthenticationFailedError,
    ConfigurationError,
    SecretsConfigError,
)
from patterns.secrets_config.service import (
    CONFIG_KEYS,
    FETCH,
    LABELS,
    LRU,
    MAX_AGE,
    REFRESH,
    STRATEGIES,
    Attempt,
    SecretCache,
    StageConfig,
    call_with_refresh,
    parse_stage_config,
    per_million,
    stage_path,
)

__all__ = [
    "CONFIG_KEYS",
    "FETCH",
    "LABELS",
    "LRU",
    "MAX_AGE",
    "REFRESH",
    "STRATEGIES",
    "Attempt",
    "AuthenticationFailedError",
    "ConfigurationError",
    "SecretCache",
    "SecretsConfigError",
    "StageConfig",
    "call_with_refresh",
    "parse_stage_config",
    "per_million",
    "stage_path",
]
