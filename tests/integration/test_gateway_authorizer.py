"""The front door's Lambda authorizer: run before the route's function, its policy evaluated for the
methodArn, its answer cached under the identity source with a TTL on the virtual clock."""

import pytest

from patterns.lab.exceptions import ConfigurationError
from patterns.lab.gateway import FrontDoor, LambdaAuthorizer, method_arn

pytestmark = pytest.mark.integration

ROUTES = {"GET /a": "whoami", "GET /b/{id}": "whoami", "POST /a": "whoami", "OPTIONS /a": "whoami"}


@pytest.fixture
def deployed(sandbox):
    sandbox.deploy("by-token", "tests.handlers.authorizers.by_token")
    sandbox.deploy("by-request", "tests.handlers.authorizers.by_request")
    sandbox.deploy("whoami", "tests.handlers.authorizers.whoami")
    return sandbox


def door(sandbox, **settings):
    authorizer = LambdaAuthorizer("by-token", **settings)
    return FrontDoor(sandbox.lambdas, ROUTES, authorizer=authorizer), authorizer


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_an_allowed_request_reaches_the_function_with_the_authorizers_context(deployed):
    front, authorizer = door(deployed)
    answer = front.request("GET", "/a", headers=bearer("allow"))
    assert answer.status == 200
    assert answer.json() == {"principalId": "alice", "tier": "gold", "n": 3}
    assert authorizer.invocations == 1


def test_no_identity_source_is_401_and_no_function_runs(deployed):
    front, authorizer = door(deployed)
    before = len(deployed.lambdas.reports)
    answer = front.request("GET", "/a")
    assert (answer.status, answer.json()) == (401, {"message": "Unauthorized"})
    assert len(deployed.lambdas.reports) == before
    assert authorizer.invocations == 0


def test_unauthorized_is_401_a_deny_is_403_a_failure_or_malformed_answer_500(deployed):
    front, _ = door(deployed)
    assert front.request("GET", "/a", headers=bearer("nobody")).status == 401
    denied = front.request("GET", "/a", headers=bearer("deny"))
    assert denied.status == 403
    assert "explicit deny" in denied.json()["message"]
    assert front.request("GET", "/a", headers=bearer("crash")).status == 500
    malformed = front.request("GET", "/a", headers=bearer("junk"))
    assert malformed.status == 500
    assert "principalId" in (malformed.problem or "")


def test_the_cache_is_keyed_by_the_token_and_its_policy_applies_to_other_routes(deployed):
    front, authorizer = door(deployed)
    assert front.request("GET", "/a", headers=bearer("allow")).status == 200
    other_route = front.request("GET", "/b/1", headers=bearer("allow"))
    assert other_route.status == 403  # the cached policy names GET /a only
    assert (authorizer.invocations, authorizer.cache_hits) == (1, 1)
    assert front.authorizations[-1].cached
    assert not front.authorizations[-1].invoked


def test_an_unauthorized_answer_is_cached_too(deployed):
    front, authorizer = door(deployed)
    for _ in range(3):
        assert front.request("GET", "/a", headers=bearer("nobody")).status == 401
    assert authorizer.invocations == 1


def test_the_ttl_runs_on_the_virtual_clock(deployed):
    front, authorizer = door(deployed, ttl_s=60)
    front.request("GET", "/a", headers=bearer("allow"))
    deployed.advance(59)
    assert front.request("GET", "/b/1", headers=bearer("allow")).status == 403  # still the cached answer
    deployed.advance(2)
    assert front.request("GET", "/b/1", headers=bearer("allow")).status == 200  # expired: asked again
    assert authorizer.invocations == 2


def test_ttl_zero_asks_the_authorizer_every_time(deployed):
    front, authorizer = door(deployed, ttl_s=0)
    for path in ("/a", "/b/1", "/a"):
        assert front.request("GET", path, headers=bearer("allow")).status == 200
    assert (authorizer.invocations, authorizer.cache_hits) == (3, 0)


def test_flush_empties_the_cache(deployed):
    front, authorizer = door(deployed)
    front.request("GET", "/a", headers=bearer("allow"))
    authorizer.flush()
    assert front.request("GET", "/b/1", headers=bearer("allow")).status == 200


def test_a_preflight_passes_without_the_authorizer(deployed):
    front, authorizer = door(deployed)
    assert front.request("OPTIONS", "/a").status == 200
    assert authorizer.invocations == 0


def test_a_request_authorizer_gets_the_request_and_caches_by_its_sources(deployed):
    authorizer = LambdaAuthorizer("by-request", kind="REQUEST", identity_sources=("X-Tenant",))
    front = FrontDoor(deployed.lambdas, ROUTES, authorizer=authorizer)
    allowed = front.request("GET", "/a", headers={"X-Tenant": "acme"})
    assert allowed.status == 200
    assert allowed.json() == {"principalId": "acme", "path": "/a"}
    assert front.request("GET", "/a", headers={"X-Tenant": "other"}).status == 403
    assert front.request("GET", "/a").status == 401
    assert authorizer.invocations == 2


def test_a_request_authorizer_keyed_by_route_caches_per_route(deployed):
    deployed.deploy("by-header", "tests.handlers.authorizers.by_header")
    sources = ("Authorization", "context.httpMethod", "context.resourcePath")
    authorizer = LambdaAuthorizer("by-header", kind="REQUEST", identity_sources=sources)
    front = FrontDoor(deployed.lambdas, ROUTES, authorizer=authorizer)
    statuses = [
        front.request("GET", path, headers=bearer("allow")).status for path in ("/a", "/b/1", "/b/2", "/a")
    ]
    # /b/1 and /b/2 share the resource path /b/{id}: one cache entry, whose policy names /b/1 only
    assert statuses == [200, 200, 403, 200]
    assert (authorizer.invocations, authorizer.cache_hits) == (2, 2)
    assert front.request("POST", "/a", headers=bearer("allow")).status == 200  # another method: asked again
    assert authorizer.invocations == 3


def test_the_http_api_format_passes_the_context_under_lambda(deployed):
    front = FrontDoor(deployed.lambdas, ROUTES, payload_format="2.0", authorizer=LambdaAuthorizer("by-token"))
    assert front.request("GET", "/a", headers=bearer("all")).json() == {"lambda": {}}


def test_method_arns_and_settings_are_checked():
    assert (
        method_arn("us-east-1", "123456789012", api_id="api", stage="dev", method="GET", path="/b/1")
        == "arn:aws:execute-api:us-east-1:123456789012:api/dev/GET/b/1"
    )
    with pytest.raises(ConfigurationError, match="TOKEN"):
        LambdaAuthorizer("f", identity_sources=("A", "B"))
    with pytest.raises(ConfigurationError, match="ttl_s"):
        LambdaAuthorizer("f", ttl_s=3601)
