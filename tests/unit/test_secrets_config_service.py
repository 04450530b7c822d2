"""Pattern 21's rules without AWS: the secret cache's maximum age, refresh-once-on-refusal, per-stage
settings, the per-million arithmetic, the price rows, and the lab's Powertools clock shim."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab import pricing
from patterns.lab.clock import LabClock
from patterns.lab.powertools_clock import clock_datetime_class, clock_datetime_module, powertools_on_clock
from patterns.secrets_config.exceptions import AuthenticationFailedError, ConfigurationError
from patterns.secrets_config.service import (
    CONFIG_KEYS,
    SecretCache,
    StageConfig,
    call_with_refresh,
    parse_stage_config,
    per_million,
    stage_path,
)

pytestmark = pytest.mark.unit


class Store:
    """A secret store whose value can change, counting fetches."""

    def __init__(self) -> None:
        self.value = "v1"
        self.fetches = 0

    def fetch(self, name: str) -> str:
        self.fetches += 1
        return f"{name}={self.value}"


def test_the_cache_serves_until_max_age_then_fetches_again() -> None:
    now = [0.0]
    store = Store()
    cache = SecretCache(store.fetch, lambda: now[0], max_age_s=300)
    assert cache.get("db") == "db=v1"
    store.value = "v2"
    now[0] = 299.9
    assert cache.get("db") == "db=v1"  # stale, by design, until the entry ages out
    now[0] = 300.0
    assert cache.get("db") == "db=v2"
    assert store.fetches == cache.fetches == 2


def test_refresh_fetches_whatever_the_cache_holds_and_restarts_the_age() -> None:
    now = [0.0]
    store = Store()
    cache = SecretCache(store.fetch, lambda: now[0], max_age_s=60)
    cache.get("db")
    store.value = "v2"
    now[0] = 10
    assert cache.refresh("db") == "db=v2"
    now[0] = 69
    assert cache.get("db") == "db=v2"
    assert store.fetches == 2


def test_max_age_zero_fetches_every_time_and_negative_is_refused() -> None:
    store = Store()
    cache = SecretCache(store.fetch, lambda: 0.0, max_age_s=0)
    for _ in range(3):
        cache.get("db")
    assert store.fetches == 3
    with pytest.raises(ValueError, match="max_age_s"):
        SecretCache(store.fetch, lambda: 0.0, max_age_s=-1)


@given(st.lists(st.floats(min_value=0, max_value=1000), min_size=1, max_size=40), st.integers(1, 400))
def test_the_cache_never_fetches_more_than_once_per_max_age(gaps: list[float], max_age: int) -> None:
    now = [0.0]
    store = Store()
    cache = SecretCache(store.fetch, lambda: now[0], max_age_s=max_age)
    fetched_at: list[float] = []
    for gap in gaps:
        now[0] += gap
        before = store.fetches
        cache.get("db")
        if store.fetches > before:
            fetched_at.append(now[0])
    assert all(b - a >= max_age for a, b in itertools.pairwise(fetched_at))


def test_call_with_refresh_retries_once_with_a_fresh_secret() -> None:
    reads: list[bool] = []
    current = "new"

    def read(force: bool) -> str:
        reads.append(force)
        return current if force else "old"

    def call(secret: str) -> str:
        if secret != current:
            raise AuthenticationFailedError("refused")
        return f"ok with {secret}"

    attempt = call_with_refresh(read, call)
    assert (attempt.result, attempt.refreshed, reads) == ("ok with new", True, [False, True])


def test_call_with_refresh_does_not_refresh_when_accepted_and_gives_up_after_one_retry() -> None:
    reads: list[bool] = []

    def read(force: bool) -> str:
        reads.append(force)
        return "s"

    def double(secret: str) -> str:
        return secret * 2

    attempt = call_with_refresh(read, double)
    assert (attempt.result, attempt.refreshed, reads) == ("ss", False, [False])
    calls: list[str] = []

    def always_refused(secret: str) -> str:
        calls.append(secret)
        raise AuthenticationFailedError("wrong password")

    with pytest.raises(AuthenticationFailedError):
        call_with_refresh(lambda _force: "x", always_refused)
    assert len(calls) == 2


def test_other_errors_are_not_retried() -> None:
    calls: list[str] = []

    def broken(secret: str) -> str:
        calls.append(secret)
        raise TimeoutError("database down")

    with pytest.raises(TimeoutError):
        call_with_refresh(lambda _force: "x", broken)
    assert calls == ["x"]


def test_stage_config_from_full_or_relative_names() -> None:
    values = {
        "db_secret_id": "app/dev/db",
        "table_name": "orders-dev",
        "timeout_ms": "3000",
        "feature_flags": "a, b,",
    }
    expected = StageConfig("dev", "app/dev/db", "orders-dev", 3000, ("a", "b"))
    assert parse_stage_config("dev", values) == expected
    assert parse_stage_config("dev", {f"/app/dev/{k}": v for k, v in values.items()}) == expected


def test_stage_config_names_every_problem() -> None:
    with pytest.raises(ConfigurationError) as refused:
        parse_stage_config("prod", {"table_name": "t", "timeout_ms": "soon"})
    message = str(refused.value)
    for key in ("db_secret_id", "feature_flags"):
        assert f"/app/prod/{key} is missing" in message
    assert "timeout_ms must be a whole number" in message
    assert set(CONFIG_KEYS) == {"db_secret_id", "table_name", "timeout_ms", "feature_flags"}


@pytest.mark.parametrize("stage", ["", "Prod", "../prod", "a" * 17, "dev/x"])
def test_bad_stage_names_are_refused(stage: str) -> None:
    with pytest.raises(ConfigurationError, match="stage"):
        stage_path(stage)
    assert stage_path("prod") == "/app/prod/"


def test_per_million() -> None:
    assert per_million(6, 150) == 40_000
    assert per_million(150, 150) == 1_000_000
    with pytest.raises(ValueError, match="invocations"):
        per_million(1, 0)
    with pytest.raises(ValueError, match="calls"):
        per_million(-1, 10)


def test_secrets_manager_and_ssm_prices() -> None:
    assert pricing.secrets_manager_cost(10_000) == pytest.approx(0.05)
    assert pricing.secrets_manager_cost(1_000_000) == pytest.approx(5.00)
    assert pricing.secrets_manager_cost(0, secrets=2, months=1.5) == pytest.approx(1.20)
    assert pricing.ssm_parameter_cost(1_000_000) == 0.0
    assert pricing.ssm_parameter_cost(1_000_000, higher_throughput=True) == pytest.approx(5.00)
    rows = {(r.service, r.item): r for r in pricing.price_table()}
    assert rows[("Secrets Manager", "API calls")].unconfirmed is False
    assert all(r.unconfirmed for (service, _), r in rows.items() if service == "SSM Parameter Store")
    with pytest.raises(ValueError, match="api_calls"):
        pricing.secrets_manager_cost(-1)


def test_the_clock_shim_reads_the_lab_clock() -> None:
    clock = LabClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    klass = clock_datetime_class(clock.now)
    module = clock_datetime_module(clock.now)
    clock.advance_to(3600)
    assert klass.now(dt.UTC) == dt.datetime(2026, 1, 1, 1, tzinfo=dt.UTC)
    assert module.datetime.now(dt.UTC) == dt.datetime(2026, 1, 1, 1, tzinfo=dt.UTC)
    assert module.timedelta is dt.timedelta


def test_powertools_parameters_cache_follows_the_lab_clock_and_is_restored() -> None:
    from aws_lambda_powertools.utilities.parameters import base

    original = vars(base)["datetime"]
    clock = LabClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with powertools_on_clock(
        clock, ["aws_lambda_powertools.utilities.parameters.base"], attribute="datetime"
    ):
        assert vars(base)["datetime"] is not original
        assert vars(base)["datetime"].now(dt.UTC) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert vars(base)["datetime"] is original
