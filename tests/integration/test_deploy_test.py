"""Pattern 23 against moto: a stack deployed and every resource checked, wired functions, weighted aliases,
automatic rollback; nothing lost (every canary call is one report of the version that ran)."""

from __future__ import annotations

import json
import math

import pytest

from patterns.api_crud.demo import walkthrough
from patterns.deploy_test.adapters import deploy_stack, read_template
from patterns.deploy_test.demo import deploy_items_api, measure_split, run_canary, run_integration_checks
from patterns.deploy_test.exceptions import TemplateError
from patterns.deploy_test.service import CanaryPolicy
from patterns.lab.aliases import WeightedAlias, publish_version
from patterns.lab.gateway import FrontDoor

pytestmark = pytest.mark.integration

WALKTHROUGH_STATUSES = [201, 200, 404, 200, 412, 428, 400, 415, 413, 204, 204, 204, 404]


def test_every_declared_resource_exists_after_the_deploy_and_who_made_it_is_said(sandbox):
    deployment = deploy_items_api(sandbox, "it")
    made_by = {check.logical_id: check.made_by for check in deployment.checks}
    assert deployment.missing == []
    assert deployment.dropped_by_moto == ["AWS::CloudWatch::Alarm", "AWS::Lambda::Alias"]
    assert made_by["ItemsTable"] == made_by["ItemsFunction"] == "CloudFormation (moto)"
    assert made_by["LiveAlias"] == made_by["ErrorsAlarm"] == "the lab"
    alias = sandbox.client("lambda").get_alias(FunctionName="items-api-it", Name="live")
    assert alias["FunctionVersion"] == "1"


def test_without_the_labs_gap_filling_the_dropped_resources_are_reported_missing(sandbox):
    deployment = deploy_stack(sandbox, "bare", read_template(), {"Stage": "bare"}, fill_gaps=False)
    assert [(c.logical_id, c.listed, c.exists) for c in deployment.missing] == [
        ("LiveAlias", False, False),
        ("ErrorsAlarm", False, False),
    ]
    assert sandbox.client("cloudformation").describe_stacks(StackName="bare")["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE"
    )


def test_a_template_cloudformation_refuses_gets_a_message_not_a_traceback(sandbox):
    template = json.loads(read_template())
    template["Parameters"]["Stage"].pop("Default")
    with pytest.raises(TemplateError, match=r"parameter\(s\) Stage have no Default and were given no value"):
        deploy_stack(sandbox, "broken", json.dumps(template))
    with pytest.raises(TemplateError, match="not valid JSON"):
        deploy_stack(sandbox, "broken", read_template()[:-20])
    assert sandbox.client("cloudformation").list_stacks()["StackSummaries"] == []


def test_the_wired_function_has_the_templates_settings_and_passes_pattern_02s_checks(sandbox):
    deployment = deploy_items_api(sandbox, "wired")
    config = sandbox.lambdas.function("items-api-wired").config
    assert (config.handler, config.memory_mb, config.timeout_s) == (
        "patterns.api_crud.handlers.handle",
        256,
        10.0,
    )
    assert config.environment["TABLE_NAME"] == "items-wired"
    assert [step.status for step in run_integration_checks(deployment, sandbox)] == WALKTHROUGH_STATUSES
    assert sandbox.client("dynamodb").scan(TableName="items-wired")["Count"] == 0  # created, then deleted
    version_1 = FrontDoor(
        sandbox.lambdas, {"ANY /items": "items-api-wired--v1", "ANY /items/{id}": "items-api-wired--v1"}
    )
    assert [step.status for step in walkthrough(version_1)] == WALKTHROUGH_STATUSES


def test_the_measured_split_is_within_four_standard_deviations_of_the_weight(sandbox):
    n, weight = 600, 0.2
    split = measure_split(sandbox, weight, n, seed=11)
    assert split["1"] + split["2"] == n
    assert abs(split["2"] - n * weight) < 4 * math.sqrt(n * weight * (1 - weight))
    reports = [r for r in sandbox.lambdas.reports if r.function_name.startswith("quote--v")]
    assert len(reports) == n


def test_an_alias_update_applies_to_the_next_invocation(sandbox):
    publish_version(sandbox, "f", "patterns.deploy_test.handlers.quote")
    publish_version(sandbox, "f", "patterns.deploy_test.handlers.quote_canary")
    lam = sandbox.client("lambda")
    lam.create_alias(
        FunctionName="f",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}},
    )
    alias = WeightedAlias(sandbox, "f", "live")
    assert {alias.invoke({"id": str(i)})[0] for i in range(5)} == {"2"}
    lam.update_alias(FunctionName="f", Name="live", RoutingConfig={"AdditionalVersionWeights": {}})
    assert {alias.invoke({"id": str(i)})[0] for i in range(5)} == {"1"}


def test_a_faulty_canary_is_rolled_back_and_a_healthy_one_promoted_on_the_virtual_clock(sandbox):
    policy = CanaryPolicy(weight=0.1, threshold=0.05, min_invocations=20, bake_minutes=5)
    start = sandbox.clock.elapsed
    faulty = run_canary(sandbox, policy, 0.25, per_minute=60, minutes=6, name="bad")
    rolled = next(m for m in faulty if m.verdict != "bake")
    assert rolled.verdict == "roll back"
    assert rolled.error_rate > 0.05
    assert faulty[-1].weight == 0.0
    assert sandbox.clock.elapsed - start == 6 * 60
    canary_reports = [r for r in sandbox.lambdas.reports if r.function_name == "bad--v2"]
    assert len(canary_reports) == rolled.canary_invocations  # after rollback no request reaches version 2
    assert sum(r.status != "success" for r in canary_reports) == rolled.canary_errors
    healthy = run_canary(sandbox, policy, 0.0, per_minute=60, minutes=6, name="good")
    assert [m.verdict for m in healthy][:5] == ["bake"] * 4 + ["promote"]
    assert healthy[-1].weight == 1.0
