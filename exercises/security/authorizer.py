"""Your JWT authorizer and policies. Replace each ``raise NotImplementedError`` with your code.

PyJWT (``import jwt``) with ``cryptography`` is installed; use it.
"""

from __future__ import annotations

from typing import Any

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
    raise NotImplementedError("Task 1: verify is not written yet")


def policy(principal: str, scopes: list[str], method_arn: str) -> dict[str, Any]:
    """Task 2: the authorizer's answer: principalId and a policyDocument (see README.md)."""
    raise NotImplementedError("Task 2: policy is not written yet")


def least_privilege(calls: list[dict[str, str]]) -> dict[str, Any]:
    """Task 3: an IAM policy document allowing exactly these calls (see README.md)."""
    raise NotImplementedError("Task 3: least_privilege is not written yet")
