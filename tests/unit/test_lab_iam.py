"""The lab's IAM evaluator: explicit deny, allow, implicit deny, wildcards, conditions; generated policies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab.exceptions import ConfigurationError
from patterns.lab.iam import Decision, RecordedCall, evaluate, generate_policy, iam_action, resource_arn

BUCKET = "arn:aws:s3:::my-bucket"


def allow(action, resource, **extra):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}],
    }


def deny(action, resource, **extra):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": action, "Resource": resource, **extra}],
    }


def test_nothing_allows_is_an_implicit_deny():
    assert evaluate([], "s3:GetObject", f"{BUCKET}/a").decision is Decision.IMPLICIT_DENY
    assert (
        evaluate([allow("s3:PutObject", "*")], "s3:GetObject", f"{BUCKET}/a").decision
        is Decision.IMPLICIT_DENY
    )


def test_an_explicit_deny_beats_any_allow():
    policies = [allow("s3:*", "*"), deny("s3:DeleteObject", f"{BUCKET}/*")]
    assert evaluate(policies, "s3:DeleteObject", f"{BUCKET}/x").decision is Decision.EXPLICIT_DENY
    assert evaluate(policies, "s3:GetObject", f"{BUCKET}/x").decision is Decision.ALLOWED


def test_actions_match_case_insensitively_and_resources_case_sensitively():
    policy = allow("S3:getobject", f"{BUCKET}/Docs/*")
    assert evaluate([policy], "s3:GetObject", f"{BUCKET}/Docs/a").allowed
    assert not evaluate([policy], "s3:GetObject", f"{BUCKET}/docs/a").allowed


def test_wildcards_star_and_question_mark():
    assert evaluate([allow("s3:Get*", f"{BUCKET}/*")], "s3:GetObjectTagging", f"{BUCKET}/a/b/c").allowed
    assert not evaluate([allow("s3:Get*", f"{BUCKET}/*")], "s3:PutObject", f"{BUCKET}/a").allowed
    assert evaluate(
        [allow("sqs:SendMessage", "arn:aws:sqs:*:*:q?")], "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q1"
    ).allowed
    assert not evaluate(
        [allow("sqs:SendMessage", "arn:aws:sqs:*:*:q?")], "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q10"
    ).allowed
    assert not evaluate(
        [allow("s3:GetObject", f"{BUCKET}/*")], "s3:GetObject", "arn:aws:s3:::my-bucket-2/a"
    ).allowed


def test_not_action_and_not_resource():
    policy = {
        "Statement": [{"Effect": "Allow", "NotAction": "s3:Delete*", "NotResource": f"{BUCKET}/private/*"}]
    }
    assert evaluate([policy], "s3:GetObject", f"{BUCKET}/public/a").allowed
    assert not evaluate([policy], "s3:DeleteObject", f"{BUCKET}/public/a").allowed
    assert not evaluate([policy], "s3:GetObject", f"{BUCKET}/private/a").allowed


def test_seed_003s_source_ip_condition():
    policy = allow(
        "s3:GetObject", f"{BUCKET}/uploads/*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    )
    resource = f"{BUCKET}/uploads/a.png"
    assert evaluate([policy], "s3:GetObject", resource, {"aws:SourceIp": "10.1.2.3"}).allowed
    assert not evaluate([policy], "s3:GetObject", resource, {"aws:SourceIp": "192.168.0.1"}).allowed
    assert not evaluate([policy], "s3:GetObject", resource).allowed  # the key missing: the condition fails


def test_missing_keys_if_exists_and_negated_operators():
    if_exists = allow("s3:ListBucket", BUCKET, Condition={"StringLikeIfExists": {"s3:prefix": "items/*"}})
    assert evaluate([if_exists], "s3:ListBucket", BUCKET).allowed
    assert not evaluate([if_exists], "s3:ListBucket", BUCKET, {"s3:prefix": "private/"}).allowed
    negated = deny("s3:*", "*", Condition={"Bool": {"aws:SecureTransport": "false"}})
    assert (
        evaluate(
            [allow("s3:*", "*"), negated], "s3:GetObject", f"{BUCKET}/a", {"aws:SecureTransport": False}
        ).decision
        is Decision.EXPLICIT_DENY
    )
    assert evaluate(
        [allow("s3:*", "*"), negated], "s3:GetObject", f"{BUCKET}/a", {"aws:SecureTransport": True}
    ).allowed
    not_equals = allow("s3:*", "*", Condition={"StringNotEquals": {"aws:PrincipalTag/team": "other"}})
    assert evaluate(
        [not_equals], "s3:GetObject", f"{BUCKET}/a"
    ).allowed  # a negated operator: a missing key passes


def test_numeric_and_multi_valued_conditions():
    numeric = allow("sqs:SendMessage", "*", Condition={"NumericLessThanEquals": {"sqs:MaxMessages": "10"}})
    assert evaluate([numeric], "sqs:SendMessage", "q", {"sqs:MaxMessages": 10}).allowed
    assert not evaluate([numeric], "sqs:SendMessage", "q", {"sqs:MaxMessages": 11}).allowed
    all_values = allow(
        "dynamodb:GetItem",
        "*",
        Condition={"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "name"]}},
    )
    assert evaluate([all_values], "dynamodb:GetItem", "t", {"dynamodb:Attributes": ["id"]}).allowed
    assert not evaluate(
        [all_values], "dynamodb:GetItem", "t", {"dynamodb:Attributes": ["id", "secret"]}
    ).allowed


def test_a_malformed_policy_is_a_clear_error():
    with pytest.raises(ConfigurationError, match="Effect"):
        evaluate([{"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}], "s3:GetObject", "*")
    with pytest.raises(ConfigurationError, match="exactly one of Action"):
        evaluate([{"Statement": [{"Effect": "Allow", "Resource": "*"}]}], "s3:GetObject", "*")


def test_actions_and_resources_of_calls():
    assert iam_action("s3", "ListObjectsV2") == "s3:ListBucket"
    assert iam_action("s3", "HeadObject") == "s3:GetObject"
    assert iam_action("sqs", "SendMessage") == "sqs:SendMessage"
    kw = {"region": "us-east-1", "account_id": "123456789012"}
    assert resource_arn("s3", {"Bucket": "b", "Key": "k/1"}, **kw) == "arn:aws:s3:::b/k/1"
    assert (
        resource_arn("sqs", {"QueueUrl": "http://x/123456789012/q"}, **kw)
        == "arn:aws:sqs:us-east-1:123456789012:q"
    )
    assert (
        resource_arn("dynamodb", {"TableName": "t"}, **kw)
        == "arn:aws:dynamodb:us-east-1:123456789012:table/t"
    )
    assert resource_arn("sts", {}, **kw) == "*"


_actions = st.sampled_from(
    ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "sqs:SendMessage", "s3:ListBucket"]
)
_resources = st.sampled_from(
    ["arn:aws:s3:::b/items/1.json", "arn:aws:s3:::b/other/2", "arn:aws:s3:::b", "arn:aws:sqs:us-east-1:1:q"]
)


@given(st.lists(st.tuples(_actions, _resources), min_size=1, max_size=8), _actions, _resources)
def test_a_generated_policy_allows_every_recorded_call_and_no_unrecorded_action(calls, action, resource):
    recorded = [RecordedCall("f", a, r, a.split(":")[1]) for a, r in calls]
    policy = generate_policy(recorded)
    assert all(evaluate([policy], a, r).allowed for a, r in calls)
    if action not in {a for a, _ in calls}:
        assert not evaluate([policy], action, resource).allowed


@given(st.lists(st.tuples(_actions, _resources), min_size=1, max_size=5), _actions, _resources)
def test_adding_a_deny_never_allows_more(calls, action, resource):
    policy = generate_policy([RecordedCall("f", a, r, "") for a, r in calls])
    before = evaluate([policy], action, resource).allowed
    after = evaluate([policy, deny(action, "*")], action, resource)
    assert after.decision is Decision.EXPLICIT_DENY
    assert before or not after.allowed
