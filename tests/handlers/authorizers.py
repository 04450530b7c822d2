"""Authorizer functions for the front door's authorizer tests: the token (or a header) decides."""

from __future__ import annotations

from typing import Any


def _policy(effect: str, resource: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": effect, "Action": "execute-api:Invoke", "Resource": resource}],
    }


def by_token(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``Bearer allow`` allows this methodArn only; ``Bearer all`` allows the API; ``Bearer deny`` denies;
    anything else is Unauthorized; ``Bearer crash`` fails; ``Bearer junk`` answers malformed."""
    token = str(event.get("authorizationToken", "")).removeprefix("Bearer ")
    arn = str(event["methodArn"])
    if token == "allow":
        return {
            "principalId": "alice",
            "policyDocument": _policy("Allow", arn),
            "context": {"tier": "gold", "n": 3},
        }
    if token == "all":
        return {"principalId": "bob", "policyDocument": _policy("Allow", "/".join(arn.split("/")[:2]) + "/*")}
    if token == "deny":
        return {"principalId": "eve", "policyDocument": _policy("Deny", arn)}
    if token == "crash":
        raise RuntimeError("the key server is down")
    if token == "junk":
        return {"principalId": 7}
    raise Exception("Unauthorized")


def by_request(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A REQUEST authorizer: allows when the ``X-Tenant`` header is ``acme``, for this methodArn only."""
    assert event["type"] == "REQUEST"
    assert event["httpMethod"] in {"GET", "POST"}
    tenant = (event.get("headers") or {}).get("X-Tenant")
    effect = "Allow" if tenant == "acme" else "Deny"
    return {
        "principalId": str(tenant),
        "policyDocument": _policy(effect, str(event["methodArn"])),
        "context": {"path": event["path"]},
    }


def whoami(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The route's function: answers with what the authorizer passed on."""
    import json

    return {"statusCode": 200, "body": json.dumps((event.get("requestContext") or {}).get("authorizer"))}


def by_header(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A REQUEST authorizer reading ``Authorization: Bearer allow``: allows this methodArn only."""
    token = str((event.get("headers") or {}).get("Authorization", "")).removeprefix("Bearer ")
    if token != "allow":
        raise Exception("Unauthorized")
    return {"principalId": "alice", "policyDocument": _policy("Allow", str(event["methodArn"]))}
