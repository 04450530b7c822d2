"""The lab's API front door: an HTTP request in, a real API Gateway proxy event to a local function, the
function's proxy response out.

moto's API Gateway stores APIs but cannot invoke Lambda for a proxy integration, so the lab answers
requests itself, as API Gateway would:

* **REST API** (payload format 1.0): the event of :func:`~patterns.lab.events.api_gateway_rest_event`;
  the function must return ``{"statusCode": int, "headers"?, "multiValueHeaders"?, "body"?: str,
  "isBase64Encoded"?}``; anything else, or a function error, is a ``502 Internal server error``. An
  unknown route or method is ``403 Missing Authentication Token``.
* **HTTP API** (payload format 2.0): the event of :func:`~patterns.lab.events.api_gateway_http_event`;
  a response without ``statusCode`` is sent as a ``200`` JSON body (HTTP API infers it), ``cookies``
  become ``Set-Cookie`` headers; a function error is ``500 Internal Server Error``; an unknown route is
  ``404 Not Found``.
* A body larger than API Gateway's payload limit is refused with ``413`` before any function runs; an
  invocation that outlasts the integration timeout is ``504`` (REST) or ``503`` (HTTP API).
* A throttled invocation (the function at its reserved concurrency, or the account at its limit) is
  answered ``429 Too Many Requests`` with ``x-amzn-ErrorType: TooManyRequestsException``. On AWS a
  Lambda proxy integration turns Lambda's 429 into a 500 unless the API maps its INTEGRATION_FAILURE
  gateway response to 429, which is what clients that back off need; pass
  ``throttled_status=500`` for the unmapped default.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from patterns.lab import limits
from patterns.lab.events import api_gateway_http_event, api_gateway_rest_event
from patterns.lab.exceptions import ConfigurationError, TooManyRequestsError
from patterns.lab.gateway.authorizers import AuthorizerOutcome, LambdaAuthorizer
from patterns.lab.gateway.routes import RouteMatch, RouteTable
from patterns.lab.lambda_runtime import Invocation, LocalLambdaRuntime

__all__ = ["FrontDoor", "HttpResponse", "PayloadFormat"]

PayloadFormat = Literal["1.0", "2.0"]
Body = str | bytes | Mapping[str, Any] | list[Any] | None


@dataclass(frozen=True)
class HttpResponse:
    """What the client receives, plus what happened behind the front door (for tables and tests)."""

    status: int
    headers: dict[str, str]
    body: bytes
    route: str | None = None
    invocation: Invocation | None = None
    problem: str | None = None  # why the front door answered instead of the function (502, 504, ...)
    latency_ms: float = 0.0
    set_cookies: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; a clear error if it is not JSON."""
        try:
            return json.loads(self.body or b"null")
        except ValueError as error:
            raise ValueError(f"the {self.status} response body is not JSON: {self.text[:200]!r}") from error

    def header(self, name: str) -> str | None:
        """A response header, by case-insensitive name."""
        lowered = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == lowered), None)


class FrontDoor:
    """Routes declared once, answered by functions of the local Lambda runtime."""

    def __init__(
        self,
        runtime: LocalLambdaRuntime,
        routes: RouteTable | Mapping[str, str],
        *,
        payload_format: PayloadFormat = "1.0",
        stage: str | None = None,
        throttled_status: int = 429,
        authorizer: LambdaAuthorizer | None = None,
    ) -> None:
        """``authorizer``: a Lambda authorizer run before every route's function (CORS preflights,
        ``OPTIONS``, pass without it, as API Gateway's CORS set-up leaves them unauthorized)."""
        if payload_format not in ("1.0", "2.0"):
            raise ConfigurationError(f"payload_format must be '1.0' or '2.0', got {payload_format!r}")
        self.runtime = runtime
        self.routes = routes if isinstance(routes, RouteTable) else RouteTable.from_mapping(routes)
        self.payload_format: PayloadFormat = payload_format
        self.stage = stage or ("dev" if payload_format == "1.0" else "$default")
        self.throttled_status = throttled_status
        self.authorizer = authorizer
        self.authorizations: list[AuthorizerOutcome] = []
        self.integration_timeout_s = (
            limits.APIGW_REST_INTEGRATION_TIMEOUT_S
            if payload_format == "1.0"
            else limits.APIGW_HTTP_INTEGRATION_TIMEOUT_S
        )

    @property
    def kind(self) -> str:
        return "REST API" if self.payload_format == "1.0" else "HTTP API"

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str | Sequence[str]] | None = None,
        body: Body = None,
    ) -> HttpResponse:
        """Answer one request. ``url`` is a path with an optional query string (``/orders?limit=2``)."""
        started = time.perf_counter()
        method = method.upper()
        split = urlsplit(url)
        path = split.path or "/"
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(split.query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        body_text, is_base64, size = _encode_body(body)
        sent_headers: dict[str, str | Sequence[str]] = dict(headers or {})
        if isinstance(body, Mapping | list) and not any(k.lower() == "content-type" for k in sent_headers):
            sent_headers["Content-Type"] = "application/json"

        if size > limits.APIGW_PAYLOAD_BYTES:
            return self._gateway(
                413, "Request Too Long", started, f"body of {size} bytes > {limits.APIGW_PAYLOAD_BYTES}"
            )
        match = self.routes.resolve(method, path)
        if match is None:
            if self.payload_format == "1.0":
                return self._gateway(
                    403, "Missing Authentication Token", started, f"no route {method} {path}"
                )
            return self._gateway(404, "Not Found", started, f"no route {method} {path}")
        event = self._event(
            method, path, match, headers=sent_headers, query=query, body=body_text, is_base64=is_base64
        )
        if self.authorizer is not None and method != "OPTIONS":
            outcome = self.authorizer.authorize(
                self.runtime,
                method=method,
                path=path,
                resource=match.route.path,
                stage=self.stage,
                headers=sent_headers,
                query=query,
                path_parameters=match.path_parameters or None,
            )
            self.authorizations.append(outcome)
            if not outcome.allowed:
                status = outcome.status or 403
                message = outcome.message if status != 500 else "Internal Server Error"
                return self._gateway(status, message, started, outcome.message, route=match.route.key)
            claims = {"principalId": outcome.principal_id, **outcome.context}
            if self.payload_format == "1.0":
                event["requestContext"]["authorizer"] = claims
            else:
                event["requestContext"]["authorizer"] = {"lambda": dict(outcome.context)}
        try:
            invocation = self.runtime.invoke(match.route.function, event)
        except TooManyRequestsError as error:
            return self._gateway(
                self.throttled_status,
                "Too Many Requests" if self.throttled_status == 429 else "Internal server error",
                started,
                str(error),
                route=match.route.key,
                extra_headers={"x-amzn-ErrorType": "TooManyRequestsException"},
            )
        if invocation.report.duration_ms > self.integration_timeout_s * 1000:
            status, message = (
                (504, "Endpoint request timed out")
                if self.payload_format == "1.0"
                else (
                    503,
                    "Service Unavailable",
                )
            )
            return self._gateway(
                status,
                message,
                started,
                "the integration timed out",
                route=match.route.key,
                invocation=invocation,
            )
        if not invocation.ok:
            status, message = (
                (502, "Internal server error")
                if self.payload_format == "1.0"
                else (
                    500,
                    "Internal Server Error",
                )
            )
            problem = f"the function failed: {invocation.function_error}: {invocation.payload}"
            return self._gateway(
                status, message, started, problem, route=match.route.key, invocation=invocation
            )
        return self._from_function(invocation, match.route.key, started)

    def _event(
        self,
        method: str,
        path: str,
        match: RouteMatch,
        *,
        headers: Mapping[str, str | Sequence[str]],
        query: Mapping[str, list[str]],
        body: str | None,
        is_base64: bool,
    ) -> dict[str, Any]:
        common: dict[str, Any] = {
            "body": body,
            "headers": headers,
            "query": query,
            "path_parameters": match.path_parameters or None,
            "stage": self.stage,
            "is_base64_encoded": is_base64,
            "region": self.runtime.region,
            "account_id": self.runtime.account_id,
            "request_time": self.runtime.clock.now(),  # requestTimeEpoch / timeEpoch: virtual time
        }
        if self.payload_format == "1.0":
            return api_gateway_rest_event(method, path, resource=match.route.path, **common)
        cookie_header = next((v for k, v in headers.items() if k.lower() == "cookie"), None)
        cookies = None
        if isinstance(cookie_header, str):
            cookies = [part.strip() for part in cookie_header.split(";") if part.strip()]
        return api_gateway_http_event(method, path, route_key=match.route.key, cookies=cookies, **common)

    def _from_function(self, invocation: Invocation, route: str, started: float) -> HttpResponse:
        result = invocation.payload
        if self.payload_format == "2.0" and not (isinstance(result, dict) and "statusCode" in result):
            body = json.dumps(result).encode()
            headers = {"Content-Type": "application/json"}
            return self._response(200, headers, body, started=started, route=route, invocation=invocation)
        problem = _malformed(result)
        if problem is not None:
            status, message = (
                (502, "Internal server error")
                if self.payload_format == "1.0"
                else (
                    500,
                    "Internal Server Error",
                )
            )
            return self._gateway(status, message, started, problem, route=route, invocation=invocation)
        headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[str(name)] = ", ".join(str(value) for value in values)
        raw = result.get("body")
        text = raw if isinstance(raw, str) else "" if raw is None else json.dumps(raw)
        data = base64.b64decode(text) if result.get("isBase64Encoded") else text.encode()
        cookies = tuple(str(c) for c in result.get("cookies") or ()) if self.payload_format == "2.0" else ()
        return self._response(
            int(result["statusCode"]),
            headers,
            data,
            started=started,
            route=route,
            invocation=invocation,
            cookies=cookies,
        )

    def _gateway(
        self,
        status: int,
        message: str,
        started: float,
        problem: str,
        *,
        route: str | None = None,
        invocation: Invocation | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """A response API Gateway makes itself (no route, throttled, failed or malformed function)."""
        headers = {"Content-Type": "application/json", **(extra_headers or {})}
        body = json.dumps({"message": message}).encode()
        return HttpResponse(
            status,
            headers,
            body,
            route,
            invocation,
            problem,
            (time.perf_counter() - started) * 1000,
        )

    def _response(
        self,
        status: int,
        headers: dict[str, str],
        body: bytes,
        *,
        started: float,
        route: str,
        invocation: Invocation,
        cookies: tuple[str, ...] = (),
    ) -> HttpResponse:
        latency = (time.perf_counter() - started) * 1000
        return HttpResponse(status, headers, body, route, invocation, None, latency, cookies)


def _encode_body(body: Body) -> tuple[str | None, bool, int]:
    """The event's body text, whether it is base64, and the size the client sent."""
    if body is None:
        return None, False, 0
    if isinstance(body, bytes):
        try:
            return body.decode("utf-8"), False, len(body)
        except UnicodeDecodeError:
            return base64.b64encode(body).decode(), True, len(body)
    text = body if isinstance(body, str) else json.dumps(body)
    return text, False, len(text.encode())


def _malformed(result: Any) -> str | None:
    """Why ``result`` is not a valid proxy-integration response, or None if it is."""
    if not isinstance(result, dict):
        return f"the function returned {type(result).__name__} {result!r:.80}; a proxy response is an object"
    status = result.get("statusCode")
    if type(status) is not int or not 100 <= status <= 599:
        return f"statusCode must be an integer HTTP status, got {status!r}"
    allowed = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "cookies"}
    unknown = sorted(set(result) - allowed)
    if unknown:
        return f"unexpected keys in the proxy response: {unknown} (allowed: {sorted(allowed)})"
    if result.get("body") is not None and not isinstance(result["body"], str):
        return f"body must be a string (json.dumps it), got {type(result['body']).__name__}"
    for key in ("headers", "multiValueHeaders"):
        if result.get(key) is not None and not isinstance(result[key], dict):
            return f"{key} must be an object, got {type(result[key]).__name__}"
    return None
