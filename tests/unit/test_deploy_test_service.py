"""Pattern 23's pure logic: templates checked before deploying, canary decisions, test tiers counted."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.deploy_test.demo import BROKEN_TEMPLATES
from patterns.deploy_test.exceptions import TemplateError
from patterns.deploy_test.service import (
    CanaryPolicy,
    decide,
    declared_resources,
    function_specs,
    parse_collected,
    parse_durations,
    parse_template,
    resolve,
    should_fail,
    tier_of,
)
from patterns.lab.aliases import AliasRouting, choose_version
from patterns.lab.exceptions import ConfigurationError

pytestmark = pytest.mark.unit

TEMPLATE = {
    "Parameters": {"Stage": {"Type": "String"}},
    "Resources": {
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": {"Fn::Sub": "items-${Stage}"}}},
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": "api",
                "Handler": "pkg.mod.handle",
                "MemorySize": 512,
                "Timeout": 7,
                "Environment": {"Variables": {"TABLE_NAME": {"Ref": "Table"}, "MODE": "x"}},
            },
        },
    },
}


def test_a_valid_template_is_read_and_its_resources_listed_in_order():
    template = parse_template(json.dumps(TEMPLATE))
    assert declared_resources(template) == {"Table": "AWS::DynamoDB::Table", "Fn": "AWS::Lambda::Function"}


@pytest.mark.parametrize(
    ("what", "phrase"),
    [
        ("a missing comma", "is not valid JSON: Expecting ',' delimiter at line 1, column 58"),
        ("a Ref to an undeclared resource", "refers to 'LambdaRole', which it does not declare"),
        ("no resources", "declares no Resources"),
    ],
)
def test_a_broken_template_gets_one_clear_message(what, phrase):
    with pytest.raises(TemplateError) as raised:
        parse_template(BROKEN_TEMPLATES[what], "t.json")
    assert phrase in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or raised.value.__suppress_context__  # no chained traceback


def test_a_sub_to_an_undeclared_name_and_an_untyped_resource_are_refused():
    with pytest.raises(TemplateError, match="'Nope'"):
        parse_template(
            json.dumps({"Resources": {"A": {"Type": "X", "Properties": {"N": {"Fn::Sub": "${Nope}"}}}}})
        )
    with pytest.raises(TemplateError, match="A have no Type"):
        parse_template(json.dumps({"Resources": {"A": {"Properties": {}}}}))
    with pytest.raises(TemplateError, match="must be a JSON object"):
        parse_template("[1]")


def test_function_specs_resolve_refs_and_subs_against_the_deployed_names():
    template = parse_template(json.dumps(TEMPLATE))
    assert resolve({"Fn::Sub": "items-${Stage}"}, {"Stage": "prod"}) == "items-prod"
    (spec,) = function_specs(template, {"Table": "items-prod", "Stage": "prod"})
    assert (spec.name, spec.handler, spec.memory_mb, spec.timeout_s) == ("api", "pkg.mod.handle", 512, 7.0)
    assert spec.environment == {"TABLE_NAME": "items-prod", "MODE": "x"}


@pytest.mark.parametrize(
    ("invocations", "errors", "minutes", "verdict"),
    [
        (30, 6, 2, "roll back"),
        (10, 9, 2, "bake"),
        (20, 1, 5, "promote"),
        (19, 0, 9, "bake"),
        (40, 3, 6, "roll back"),
    ],
)
def test_the_canary_is_rolled_back_above_the_threshold_and_promoted_after_baking(
    invocations, errors, minutes, verdict
):
    assert (
        decide(CanaryPolicy(threshold=0.05, min_invocations=20, bake_minutes=5), invocations, errors, minutes)
        == verdict
    )


@settings(max_examples=25)
@given(st.floats(min_value=0.0, max_value=1.0))
def test_should_fail_is_deterministic_and_fails_about_its_rate(rate):
    keys = [f"r-{i}" for i in range(500)]
    failed = sum(should_fail(key, rate) for key in keys)
    assert [should_fail(k, rate) for k in keys[:50]] == [should_fail(k, rate) for k in keys[:50]]
    assert abs(failed / 500 - rate) < 0.08  # a hash is close to uniform: sd at most 2.3 points at 500 keys


def test_choose_version_follows_the_weights_and_routing_is_checked():
    routing = AliasRouting("1", {"2": 0.1})
    assert choose_version(routing, 0.05) == "2"
    assert choose_version(routing, 0.1) == "1"
    assert choose_version(AliasRouting("1", {}), 0.0) == "1"
    assert AliasRouting.from_alias(
        {"FunctionVersion": "3", "RoutingConfig": {"AdditionalVersionWeights": {"4": 0.5}}}
    ) == AliasRouting("3", {"4": 0.5})
    with pytest.raises(ConfigurationError):
        AliasRouting("1", {"2": 1.5})


def test_tests_are_counted_per_tier_from_collect_only_output():
    output = "\n".join(
        [
            "tests/unit/test_a.py::test_x",
            "tests/unit/test_a.py::test_y[1]",
            "tests/integration/test_b.py::test_z",
            "tests/e2e/test_c.py::test_w",
            "tests/benchmarks/test_d.py::test_v",
            "",
            "5 tests collected in 0.1s",
        ]
    )
    assert parse_collected(output) == {"unit": 2, "integration": 1, "endpoint": 0, "e2e": 1}
    assert tier_of("tests/endpoint/test_x.py::t") == "endpoint"
    assert tier_of("patterns/x.py::t") is None


def test_durations_add_setup_call_and_teardown_per_test():
    output = "\n".join(
        [
            "0.50s call     tests/unit/a.py::t",
            "0.25s setup    tests/unit/a.py::t",
            "1.00s call     tests/e2e/b.py::u",
        ]
    )
    assert parse_durations(output) == {"tests/unit/a.py::t": 0.75, "tests/e2e/b.py::u": 1.0}
