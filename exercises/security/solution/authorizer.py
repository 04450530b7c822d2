"""Your JWT authorizer and policies. Replace each ``raise NotImplementedError`` with your code.

PyJWT (``import jwt``) with ``cryptography`` is installed; use it.
"""

from __future__ import annotations

from typing import Any

import jwt

# The API's routes and the scope each needs (given: use it, do not change it).
ROUTE_SCOPES: dict[str, str] = {
    "GET /items": "items:read",
    "GET /items/{id}": "items:read",
    "POST /items": "items:write",
}


class Rejected(Exception):
    """A refused token (given). ``reason`` is one of: "malformed", "algorithm", "kid", "signature",
    "issuer", "audience", "expired", "not yet valid"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify(
    token: str, jwks: dict[str, Any], *, issuer: str, audience: str, now: float, leeway_s: float = 60.0
) -> dict[str, Any]:
    """Task 1: the token's claims (a dict), or raise ``Rejected(reason)`` (see README.md)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise Rejected("malformed") from None
    if header.get("alg") != "RS256":
        raise Rejected("algorithm")
    keys = {k.get("kid"): k for k in jwks.get("keys", [])}
    if not header.get("kid") or header["kid"] not in keys:
        raise Rejected("kid")
    key = jwt.PyJWK(keys[header["kid"]], "RS256").key
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            issuer=issuer,
            audience=audience,
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "require": ["exp", "iat"],
            },
        )
    except jwt.InvalidSignatureError:
        raise Rejected("signature") from None
    except jwt.InvalidIssuerError:
        raise Rejected("issuer") from None
    except jwt.InvalidAudienceError:
        raise Rejected("audience") from None
    except jwt.InvalidTokenError:
        raise Rejected("malformed") from None
    if now > claims["exp"] + leeway_s:
        raise Rejected("expired")
    if now + leeway_s < max(claims.get("nbf", 0), claims["iat"]):
        raise Rejected("not yet valid")
    return claims


def _arn(api_stage: str, route: str) -> str:
    method, _, path = route.partition(" ")
    parts = ["*" if part.startswith("{") else part for part in path.strip("/").split("/")]
    return f"{api_stage}/{method}/{'/'.join(parts)}"


def policy(principal: str, scopes: list[str], method_arn: str) -> dict[str, Any]:
    """Task 2: the authorizer's answer: principalId and a policyDocument (see README.md)."""
    api_stage = "/".join(method_arn.split("/")[:2])
    granted = sorted(_arn(api_stage, route) for route, scope in ROUTE_SCOPES.items() if scope in scopes)
    if granted:
        statement = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": granted}
    else:
        statement = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": f"{api_stage}/*"}
    return {"principalId": principal, "policyDocument": {"Version": "2012-10-17", "Statement": [statement]}}


def least_privilege(calls: list[dict[str, str]]) -> dict[str, Any]:
    """Task 3: an IAM policy document allowing exactly these calls (see README.md)."""
    statements = []
    for action, resource in sorted({(c["action"], c["resource"]) for c in calls}):
        statements.append({"Effect": "Allow", "Action": action, "Resource": resource})
    return {"Version": "2012-10-17", "Statement": statements}
