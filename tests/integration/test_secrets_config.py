"""Pattern 21 against moto, in ``sandbox.lambdas``: what each strategy costs in API calls, what a rotation
does to each, per-stage settings, the database's refusals, and detect-secrets on the samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from patterns.lab.sandbox import Sandbox
from patterns.secrets_config import adapters
from patterns.secrets_config.demo import (
    STAGES,
    SecretsLab,
    cost_run,
    rotation_run,
    scan_samples,
    scan_seed_articles,
    secrets_lab,
    stage_answers,
)
from patterns.secrets_config.exceptions import AuthenticationFailedError
from patterns.secrets_config.service import FETCH, LRU, MAX_AGE, REFRESH

pytestmark = pytest.mark.integration


@pytest.fixture
def lab(sandbox: Sandbox) -> Iterator[SecretsLab]:
    with secrets_lab(sandbox, "it") as deployed:
        yield deployed


def test_fetching_every_invocation_costs_one_call_each_and_a_cache_one_per_environment_per_max_age(
    lab: SecretsLab,
) -> None:
    fetch = cost_run(lab, FETCH, environments=2, duration_s=120, interval_s=4)
    cached = cost_run(lab, MAX_AGE, max_age_s=60, environments=2, duration_s=120, interval_s=4)
    assert fetch.invocations == cached.invocations == 30
    assert (fetch.secrets_calls, fetch.ssm_calls) == (30, 30)
    # 2 environments, each reads at 0 s and again once 60 s have passed: at most ceil(120/60) reads each
    assert 2 <= cached.secrets_calls <= 2 * 2
    assert cached.ssm_calls == cached.secrets_calls
    assert fetch.usd_per_million == pytest.approx(5.00)
    assert cached.usd_per_million == pytest.approx(cached.secrets_calls / 30 * 5.00, rel=1e-3)


def test_a_max_age_shorter_than_the_gap_between_an_environments_requests_caches_nothing(
    lab: SecretsLab,
) -> None:
    run = cost_run(
        lab, MAX_AGE, max_age_s=5, environments=3, duration_s=60, interval_s=4
    )  # 12 s per environment
    assert run.secrets_calls == run.invocations == 15


def test_rotation_moves_awscurrent_and_the_old_password_is_refused(lab: SecretsLab, sandbox: Sandbox) -> None:
    client = sandbox.client("secretsmanager")
    before = adapters.version_stages(client, lab.secrets["prod"])
    old = adapters.fetch_secret(client, lab.secrets["prod"])
    new_version = lab.rotate("prod")
    after = adapters.version_stages(client, lab.secrets["prod"])
    assert after[new_version] == ["AWSCURRENT"]
    (old_version,) = before
    assert after[old_version] == ["AWSPREVIOUS"]
    downstream = adapters.CurrentSecretDownstream(lab.secrets["prod"])
    with pytest.raises(AuthenticationFailedError, match="app_prod"):
        downstream.query(old, "select 1")
    assert downstream.query(adapters.fetch_secret(client, lab.secrets["prod"]), "select 1") == "ok: select 1"


@pytest.mark.parametrize(
    ("strategy", "refused"),
    [(FETCH, False), (LRU, True), (MAX_AGE, True), (REFRESH, False)],
)
def test_what_a_rotation_does_to_each_strategy(lab: SecretsLab, strategy: str, refused: bool) -> None:
    run = rotation_run(lab, strategy, max_age_s=120, environments=2, before_s=20, after_s=200, interval_s=10)
    before = [o for o in run.outcomes if o[0] < 0]
    assert before
    assert all(status == 200 for _, _, status, _ in before)
    assert (run.failures > 0) is refused
    if strategy == MAX_AGE:  # refused until each environment's entry ages out, never after max_age
        assert 0 < run.failing_for_s <= 120
        assert all(status == 200 for t, _, status, _ in run.outcomes if t > 120)
    if strategy == LRU:  # never ages out: refused to the end of the run
        assert run.failing_for_s >= 190
    if strategy == REFRESH:  # one refresh per environment, one extra call each
        assert run.refreshes == 2
    if strategy == FETCH:
        assert run.secrets_calls == run.invocations


def test_refresh_costs_one_call_per_environment_more_than_max_age_alone(lab: SecretsLab) -> None:
    settings = {"max_age_s": 300, "environments": 3, "before_s": 20, "after_s": 100, "interval_s": 5}
    plain = rotation_run(lab, MAX_AGE, **settings)
    fixed = rotation_run(lab, REFRESH, **settings)
    assert fixed.failures == 0
    assert plain.failures > 0
    assert fixed.secrets_calls == 3 + 3  # one read per environment at start, one refresh each
    assert fixed.invocations == plain.invocations


def test_each_stage_reads_its_own_path_and_plain_settings_come_from_the_environment(lab: SecretsLab) -> None:
    answers = stage_answers(lab)
    for stage, settings in STAGES.items():
        assert answers[stage]["status"] == 200
        assert answers[stage]["table"] == settings["table_name"]
        assert answers[stage]["timeout_ms"] == int(settings["timeout_ms"])
    assert (answers["dev"]["log_level"], answers["prod"]["log_level"]) == ("DEBUG", "INFO")


def test_a_missing_setting_fails_the_invocation_naming_it(lab: SecretsLab, sandbox: Sandbox) -> None:
    sandbox.client("ssm").delete_parameter(Name="/app/dev/timeout_ms")
    function = lab.deploy(FETCH, stage="dev", environments=1, name="it-broken")
    invocation = sandbox.lambdas.invoke(function, {})
    assert not invocation.ok
    assert "/app/dev/timeout_ms is missing" in str(invocation.payload)


def test_an_unknown_strategy_is_answered_500(lab: SecretsLab) -> None:
    function = lab.deploy("yolo", environments=1, name="it-yolo")
    answer, _ = lab.invoke(function)
    assert answer["status"] == 500
    assert "SECRET_STRATEGY" in answer["error"]


def test_detect_secrets_finds_the_hard_coded_secrets_and_none_in_the_fix() -> None:
    results = scan_samples()
    hard_coded = results["hard_coded_handler.py.txt"]
    assert {f.line for f in hard_coded} == {9, 10}
    assert {f.kind for f in hard_coded} == {"Secret Keyword"}
    assert results["fixed_handler.py.txt"] == []


def test_scanning_article_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text('Bad:\nAPI_KEY = "secret-key-12345"\nGood: read Secrets Manager\n')
    (tmp_path / "b.txt").write_text("No secrets here, only prose.\n")
    (tmp_path / "c.md").write_text('PASSWORD = "ignored-not-txt"\n')
    results = scan_seed_articles(tmp_path)
    assert sorted(results) == ["a.txt", "b.txt"]
    assert [(f.line, f.kind) for f in results["a.txt"]] == [(2, "Secret Keyword")]
    assert results["b.txt"] == []
