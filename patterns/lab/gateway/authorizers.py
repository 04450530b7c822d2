"""Lambda authorizers for the lab's front door: a function decides, before the route's function runs.

As API Gateway (REST APIs) does it:

* a **TOKEN** authorizer gets ``{"type": "TOKEN", "authorizationToken": <the header>, "methodArn"}``; a
  **REQUEST** authorizer gets the request (``headers``, ``queryStringParameters``, ``pathParameters``,
  ``httpMethod``, ``resource``, ``path``) and the ``methodArn``;
* a request without its identity source (the ``Authorization`` header, or any header a REQUEST
  authorizer lists) is answered ``401 Unauthorized`` and no function runs;
* the authorizer returns ``{"principalId", "policyDocument", "context"?}``; the gateway evaluates the
  policy for ``execute-api:Invoke`` on the request's ``methodArn`` (with :mod:`patterns.lab.iam`): allowed,
  the route's function runs with ``requestContext.authorizer`` = ``principalId`` and the context; denied,
  ``403`` ("User is not authorized to access this resource..."). An authorizer that fails with the
  message ``Unauthorized`` gives ``401``; any other failure or a malformed answer gives ``500``;
* the answer is **cached** for ``ttl_s`` (API Gateway's default is 300 s, 0 turns it off) under the
  identity source's value: the token alone for TOKEN authorizers, the listed sources for REQUEST ones
  (headers, ``Authorization`` or ``method.request.header.Authorization``, and the request's
  ``context.httpMethod`` / ``context.resourcePath``, which key the cache by route too).
  The cached *policy* is then evaluated against every later request's ``methodArn``, whichever route
  first produced it: a policy that names only the route it was made for denies the next route (the
  classic pitfall), one that allows ``*`` allows routes it should not. The TTL runs on the lab's clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from patterns.lab.exceptions import ConfigurationError
from patterns.lab.iam import evaluate
from patterns.lab.lambda_runtime import LocalLambdaRuntime

__all__ = ["AuthorizerKind", "AuthorizerOutcome", "LambdaAuthorizer", "method_arn"]

AuthorizerKind = Literal["TOKEN", "REQUEST"]
DEFAULT_TTL_S = 300.0  # API Gateway's default authorizer result TTL
MAX_TTL_S = 3600.0


def method_arn(region: str, account_id: str, *, api_id: str, stage: str, method: str, path: str) -> str:
    """``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path without the leading /}``."""
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{method}/{path.lstrip('/')}"


@dataclass(frozen=True)
class AuthorizerOutcome:
    """What the authorizer step decided for one request."""

    status: int | None  # None: the request goes on to the route's function
    message: str
    cached: bool
    invoked: bool
    principal_id: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    method_arn: str = ""

    @property
    def allowed(self) -> bool:
        return self.status is None


@dataclass
class _Entry:
    expires_at: float
    answer: dict[str, Any] | None  # None: the authorizer said Unauthorized (401), cached too


class LambdaAuthorizer:
    """A Lambda authorizer in front of every route of a :class:`~patterns.lab.gateway.FrontDoor`."""

    def __init__(
        self,
        function: str,
        *,
        kind: AuthorizerKind = "TOKEN",
        identity_sources: Sequence[str] = ("Authorization",),
        ttl_s: float = DEFAULT_TTL_S,
        api_id: str = "labapi",
    ) -> None:
        if kind not in ("TOKEN", "REQUEST"):
            raise ConfigurationError(f"kind must be 'TOKEN' or 'REQUEST', got {kind!r}")
        if not 0 <= ttl_s <= MAX_TTL_S:
            raise ConfigurationError(f"ttl_s must be 0-{MAX_TTL_S:g} s, got {ttl_s}")
        if kind == "TOKEN" and len(identity_sources) != 1:
            raise ConfigurationError("a TOKEN authorizer has exactly one identity source (a header)")
        if not identity_sources:
            raise ConfigurationError("an authorizer needs at least one identity source")
        self.function = function
        self.kind: AuthorizerKind = kind
        self.identity_sources = tuple(identity_sources)
        self.ttl_s = ttl_s
        self.api_id = api_id
        self.invocations = 0
        self.cache_hits = 0
        self._cache: dict[tuple[str, ...], _Entry] = {}

    def flush(self) -> None:
        """Empty the cache (the console's "Flush authorizer cache")."""
        self._cache.clear()

    def _sources(self, headers: Mapping[str, Any], context: Mapping[str, str]) -> tuple[str, ...] | None:
        values = []
        for name in self.identity_sources:
            if name.startswith("context."):
                value: Any = context.get(name.removeprefix("context."))
            else:
                header = name.removeprefix("method.request.header.")
                value = next((v for k, v in headers.items() if k.lower() == header.lower()), None)
            if isinstance(value, list | tuple):
                value = value[-1] if value else None
            if value is None or str(value) == "":
                return None
            values.append(str(value))
        return tuple(values)

    def authorize(
        self,
        runtime: LocalLambdaRuntime,
        *,
        method: str,
        path: str,
        resource: str,
        stage: str,
        headers: Mapping[str, Any],
        query: Mapping[str, list[str]],
        path_parameters: Mapping[str, str] | None,
    ) -> AuthorizerOutcome:
        arn = method_arn(
            runtime.region, runtime.account_id, api_id=self.api_id, stage=stage, method=method, path=path
        )
        sources = self._sources(headers, {"httpMethod": method, "resourcePath": resource, "stage": stage})
        if sources is None:
            return AuthorizerOutcome(401, "Unauthorized", False, False, method_arn=arn)
        now = runtime.clock.timestamp()
        entry = self._cache.get(sources)
        cached = entry is not None and entry.expires_at > now
        invoked = False
        if entry is None or not cached:
            event = self._event(
                arn,
                method=method,
                path=path,
                resource=resource,
                stage=stage,
                headers=headers,
                query=query,
                path_parameters=path_parameters,
                sources=sources,
            )
            invocation = runtime.invoke(self.function, event)
            self.invocations += 1
            invoked = True
            if not invocation.ok:
                message = (
                    str((invocation.payload or {}).get("errorMessage", ""))
                    if isinstance(invocation.payload, dict)
                    else ""
                )
                if message != "Unauthorized":
                    return AuthorizerOutcome(500, "authorizer failed", False, True, method_arn=arn)
                entry = _Entry(now + self.ttl_s, None)
            else:
                problem = _malformed(invocation.payload)
                if problem:
                    return AuthorizerOutcome(500, problem, False, True, method_arn=arn)
                entry = _Entry(now + self.ttl_s, dict(invocation.payload))
            if self.ttl_s > 0:
                self._cache[sources] = entry
        else:
            self.cache_hits += 1
        if entry.answer is None:
            return AuthorizerOutcome(401, "Unauthorized", cached, invoked, method_arn=arn)
        answer = entry.answer
        decision = evaluate([answer["policyDocument"]], "execute-api:Invoke", arn)
        principal = str(answer["principalId"])
        if not decision.allowed:
            return AuthorizerOutcome(
                403,
                "User is not authorized to access this resource with an explicit deny"
                if decision.decision.value == "explicit deny"
                else "User is not authorized to access this resource",
                cached,
                invoked,
                principal,
                method_arn=arn,
            )
        context = dict(answer.get("context") or {})
        return AuthorizerOutcome(None, "allowed", cached, invoked, principal, context, arn)

    def _event(
        self,
        arn: str,
        *,
        method: str,
        path: str,
        resource: str,
        stage: str,
        headers: Mapping[str, Any],
        query: Mapping[str, list[str]],
        path_parameters: Mapping[str, str] | None,
        sources: tuple[str, ...],
    ) -> dict[str, Any]:
        if self.kind == "TOKEN":
            return {"type": "TOKEN", "authorizationToken": sources[0], "methodArn": arn}
        single = {str(k): (v[-1] if isinstance(v, list | tuple) else str(v)) for k, v in headers.items()}
        return {
            "type": "REQUEST",
            "methodArn": arn,
            "resource": resource,
            "path": path,
            "httpMethod": method,
            "headers": single,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "pathParameters": dict(path_parameters) if path_parameters else None,
            "stageVariables": None,
            "requestContext": {"stage": stage, "httpMethod": method, "resourcePath": resource},
        }


def _malformed(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return f"the authorizer returned {type(answer).__name__}; it must return an object"
    if not isinstance(answer.get("principalId"), str):
        return "the authorizer's answer has no principalId string"
    document = answer.get("policyDocument")
    if not isinstance(document, dict) or not document.get("Statement"):
        return "the authorizer's answer has no policyDocument with a Statement"
    context = answer.get("context") or {}
    if not isinstance(context, dict) or any(
        not isinstance(v, str | int | float | bool) for v in context.values()
    ):
        return "the authorizer's context must map names to strings, numbers or booleans"
    try:
        json.dumps(document)
    except (TypeError, ValueError):
        return "the policyDocument is not JSON"
    return None
