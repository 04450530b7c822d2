"""Pattern 20 against moto: bad tokens refused at the door, the authorizer cache's pitfall and its fix,
pattern 02's validation and CORS, policies generated from recorded calls and proven by moto's IAM."""

import json

import pytest

from patterns.lab.iam import evaluate
from patterns.security import BAD_TOKENS
from patterns.security.demo import (
    FUNCTIONS,
    WILDCARD_POLICY,
    WRITER,
    cache_run,
    candidate_requests,
    compare_policies,
    iam_proof,
    lint_policy,
    security_lab,
    seed_style_policy,
    token_results,
    validation_run,
)

pytestmark = pytest.mark.integration


def test_every_bad_token_is_refused_with_401_and_no_item_function_runs(sandbox, capsys):
    with security_lab(sandbox) as lab:
        results = {r.token: r for r in token_results(lab)}
        item_functions = {lab.function(role) for role in FUNCTIONS}
        ran = [r for r in sandbox.lambdas.reports if r.function_name in item_functions]
    assert results["good"].status == 200
    assert results["expired 30 s ago (within skew)"].status == 200
    for kind in BAD_TOKENS:
        assert results[kind].status == 401, kind
    assert results["no Authorization header"].status == 401
    assert len(ran) == 2  # the good token and the one within the skew
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert sorted(entry["reason"] for entry in logged) == sorted(
        [
            "expired",
            "audience",
            "issuer",
            "algorithm",
            "algorithm",
            "signature",
            "kid",
            "kid",
            "not yet valid",
        ]
    )
    naive = {kind for kind in BAD_TOKENS if results[kind].naive_accepts}
    assert naive == {"alg none", "HS256 with the public key", "missing kid", "unknown kid"}


def test_the_cache_pitfall_and_its_fix(sandbox):
    with security_lab(sandbox) as lab:
        seed = cache_run(lab, "method-arn")
        route_decided = cache_run(lab, "route-decided")
        fixed = cache_run(lab, "scopes")
        uncached = cache_run(lab, "method-arn", ttl_s=0)
        keyed = cache_run(lab, "route-decided", keyed_by_route=True)
    # the seed's policy names one methodArn: its cached answer denies the same token's next route
    assert ("reader", "GET /items", 403, 200) in seed.requests
    assert seed.wrongly_denied == 3
    # deciding by the route and allowing * lets the cached answer allow a reader to write
    assert ("reader", "POST /items", 201, 403) in route_decided.requests
    assert (route_decided.wrongly_denied, route_decided.wrongly_allowed) == (0, 1)
    # the policy from the scopes is right from the cache for every route
    assert fixed.wrong == 0
    for run in (seed, route_decided, fixed):
        assert (run.authorizer_invocations, run.cache_hits) == (2, 4)
    # no cache: six invocations, and the seed's policy still checks no scope
    assert (uncached.authorizer_invocations, uncached.cache_hits, uncached.wrongly_allowed) == (6, 0, 1)
    assert uncached.authorizer_usd_per_million > fixed.authorizer_usd_per_million > 0
    # a REQUEST authorizer keyed by token and route: right, but every new (token, route) runs it
    assert (keyed.wrong, keyed.authorizer_invocations, keyed.cache_hits) == (0, 6, 0)


def test_validation_and_cors_are_pattern_02s(sandbox):
    with security_lab(sandbox) as lab:
        rows = {row["request"]: row for row in validation_run(lab)}
    assert [rows[name]["status"] for name in rows] == [201, 400, 400, 415, 413, 204, 204]
    assert "name: Field required" in rows["missing name, negative price"]["detail"]
    assert "admin" in rows["an extra field"]["detail"]
    assert rows["preflight, allowed origin"]["detail"] == "Allow-Headers: Authorization,Content-Type"
    assert rows["preflight, other origin"]["detail"] == "Allow-Headers: (no CORS headers)"


def test_each_function_gets_a_policy_for_exactly_the_calls_it_made(sandbox):
    with security_lab(sandbox) as lab:
        cache_run(lab, "scopes")
        rows = {row.function: row for row in compare_policies(lab)}
        outside = [call for call in lab.recorder.calls if call.function == ""]
        bucket = lab.resources["bucket"]
        candidates = len(candidate_requests(lab))
        seed = seed_style_policy(lab)
    assert rows["list"].used == ("s3:ListBucket",)
    assert rows["get"].used == ("s3:GetObject",)
    assert rows["create"].used == ("s3:PutObject", "sqs:SendMessage")
    assert all(row.used_allowed_by_generated for row in rows.values())
    assert [rows[f].generated_allows for f in ("list", "get", "create")] == [1, 1, 2]
    assert all(row.seed_style_allows > row.generated_allows for row in rows.values())
    assert all(row.wildcard_allows == candidates for row in rows.values())
    assert not evaluate(
        [rows["list"].generated], "s3:PutObject", f"arn:aws:s3:::{bucket}/items/x.json"
    ).allowed
    assert not evaluate([rows["get"].generated], "s3:GetObject", f"arn:aws:s3:::{bucket}/private/k").allowed
    assert outside  # the set-up's own calls are recorded, but belong to no function
    assert lint_policy(rows["create"].generated) == []
    assert any("RESOURCE_STAR" in finding for finding in lint_policy(WILDCARD_POLICY))
    assert lint_policy(seed)  # parliament finds something in the shared role too


def _use_every_function(lab):
    writer = lab.token("walt", WRITER)
    created = lab.request("POST", "/items", writer, {"name": "lamp", "price_cents": 1})
    assert lab.request("GET", f"/items/{created.json()['id']}", writer).status == 200
    assert lab.request("GET", "/items", writer).status == 200


def test_moto_enforces_the_generated_policies_and_refuses_anothers(sandbox):
    with security_lab(sandbox) as lab:
        _use_every_function(lab)
        rows = compare_policies(lab)
        proof = iam_proof(lab, rows)
        after = lab.request(
            "POST",
            "/items",
            lab.token("walt", ("items:read", "items:write")),
            {"name": "a", "price_cents": 1},
        )
    assert proof.enforced
    assert proof.statuses == {"POST /items": 201, "GET /items/{id}": 200, "GET /items": 200}
    assert proof.swapped_status == 502
    assert "AccessDenied" in proof.swapped_error
    assert proof.lab_decision == "implicit deny"
    assert after.status == 201  # enforcement is off again and the functions have their old settings


def test_nothing_is_lost_every_created_item_is_stored_and_announced(sandbox):
    with security_lab(sandbox) as lab:
        run = cache_run(lab, "scopes")
        created = 1 + sum(
            1 for _, route, status, _ in run.requests if route == "POST /items" and status == 201
        )
        s3, sqs = sandbox.client("s3"), sandbox.client("sqs")
        stored = s3.list_objects_v2(Bucket=lab.resources["bucket"])["KeyCount"]
        queued = int(
            sqs.get_queue_attributes(
                QueueUrl=lab.resources["queue_url"], AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]["ApproximateNumberOfMessages"]
        )
    assert created == stored == queued == 2


def test_the_api_behind_its_authorizer_over_real_http_on_loopback(sandbox):
    import urllib.error
    import urllib.request

    from patterns.lab.gateway import serving
    from patterns.security.demo import READER

    with security_lab(sandbox) as lab, serving(lab.door) as server:
        request = urllib.request.Request(f"{server.url}/items")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        request.add_header("Authorization", f"Bearer {lab.token('rita', READER)}")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
            assert json.loads(answer.read()) == {"ids": []}
