"""Pattern 20 - Function-level security: verified JWTs at the door, least privilege behind it.

**Intent.** Let only callers with a valid token reach a function, only for the routes their token
grants, and let each function do only what it needs to AWS.

**Problem.** The seeds verify tokens with a shared secret (HS256, ``JWT_SECRET``) inside every function,
return the ``methodArn`` of the request as the authorizer's whole policy (which API Gateway's cache then
applies to every other route the same token calls), and give all of a service's functions one role with
every action any of them needs, with ``*`` in its ARNs.

**Solution.**

* a Lambda **TOKEN authorizer** verifying RS256 tokens against the issuer's **JWKS**: ``alg`` pinned (so
  ``alg: none`` and HS256-signed-with-the-public-key fail), ``kid`` required and known, signature,
  ``iss``, ``aud``, ``exp``/``nbf``/``iat`` with a bounded clock skew; it answers with an IAM policy;
* the policy names **every route the token's scopes grant**, whatever route asked, so the cached answer
  is right for the next route too;
* **one function per route**, each with a **policy generated from the calls it made** (what IAM Access
  Analyzer does from CloudTrail), checked by the lab's evaluator, linted by parliament and proven on
  moto's IAM enforcement;
* pattern 02's input validation (pydantic, 400/413/415) and CORS for allowed origins, reused.

**Where it runs here.** The front door (:mod:`patterns.lab.gateway`) runs the authorizer and caches its
answers on the lab's clock; the evaluator is :mod:`patterns.lab.iam`; moto enforces the generated
policies for S3 and SQS when asked to.

**Layers.** :mod:`.handlers` (the authorizer and three functions) -> :mod:`.service` (tokens, policies;
no boto3) -> :mod:`.adapters` (S3, SQS, IAM users, moto's enforcement switch).
"""

from patterns.security.exceptions import SecurityPatternError, TokenRejectedError
from patterns.security.service import (
    ALGORITHM,
    BAD_TOKENS,
    ROUTE_SCOPES,
    Claims,
    SigningKey,
    TokenVerifier,
    bad_tokens,
    issue_token,
    jwks,
    naive_verify,
    policy_for,
    route_of,
)

__all__ = [
    "ALGORITHM",
    "BAD_TOKENS",
    "ROUTE_SCOPES",
    "Claims",
    "SecurityPatternError",
    "SigningKey",
    "TokenRejectedError",
    "TokenVerifier",
    "bad_tokens",
    "issue_token",
    "jwks",
    "naive_verify",
    "policy_for",
    "route_of",
]
