"""Probes of the security exercise: they run in the learner's process, call the learner's code and
return plain JSON data for the grader to check. Tokens are signed here with a key pair made once per
worker (:func:`warm_up`), by the course's own :mod:`patterns.security.service`."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module

ISSUER, AUDIENCE = "https://issuer.test", "items-api"
NOW = 1_800_000_000.0
API_STAGE = "arn:aws:execute-api:us-east-1:123456789012:api1/prod"
_keys: list[Any] = []


def warm_up() -> None:
    """Make the key pair once (RSA key generation is the slow part)."""
    _key()


def _key() -> Any:
    if not _keys:
        from patterns.security.service import SigningKey

        _keys.append(SigningKey.generate("exercise-key"))
    return _keys[0]


def _token(kind: str, age_s: float) -> str:
    from patterns.security.service import bad_tokens, issue_token

    key = _key()
    if kind == "good":
        return issue_token(
            key, subject="alice", scopes=["items:read"], issuer=ISSUER, audience=AUDIENCE, now=NOW - age_s
        )
    return bad_tokens(key, issuer=ISSUER, audience=AUDIENCE, now=NOW)[kind]


def verify(kind: str, age_s: float = 0.0, leeway_s: float = 60.0) -> dict[str, Any]:
    """Task 1: ``verify`` on a token of ``kind`` issued ``age_s`` seconds before now (tokens live 900 s):
    what it returned, or the ``reason`` of the ``Rejected`` it raised."""
    from patterns.security.service import jwks

    module = learner_module("authorizer")
    try:
        claims = module.verify(
            _token(kind, age_s), jwks([_key()]), issuer=ISSUER, audience=AUDIENCE, now=NOW, leeway_s=leeway_s
        )
    except module.Rejected as rejected:
        return {"raised": "Rejected", "reason": rejected.reason}
    return {"returned": claims}


def policy(scopes: list[str], asked: list[str]) -> dict[str, Any]:
    """Task 2: ``policy("alice", scopes, <the methodArn of each asked request>)``, in order."""
    module = learner_module("authorizer")
    answers = []
    for request in asked:
        method, _, path = request.partition(" ")
        answers.append(module.policy("alice", scopes, f"{API_STAGE}/{method}/{path.lstrip('/')}"))
    return {"answers": answers}


def least_privilege(calls: list[dict[str, str]]) -> dict[str, Any]:
    """Task 3: what ``least_privilege(calls)`` returned."""
    return {"returned": learner_module("authorizer").least_privilege(calls)}
