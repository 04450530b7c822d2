"""API Gateway proxy events: REST API (payload format 1.0) and HTTP API (payload format 2.0)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeAlias
from urllib.parse import urlencode

from patterns.lab.events._common import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    epoch_millis,
    json_text,
    random_token,
    utc_moment,
)
from patterns.lab.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_API_ID",
    "DEFAULT_SOURCE_IP",
    "DEFAULT_USER_AGENT",
    "MultiValueMapping",
    "api_gateway_http_event",
    "api_gateway_rest_event",
]

DEFAULT_API_ID = "a1b2c3d4e5"
DEFAULT_SOURCE_IP = "198.51.100.7"
DEFAULT_USER_AGENT = "lab-client/1.0"

MultiValueMapping: TypeAlias = Mapping[str, str | Sequence[str]]
"""Headers or query parameters: each name maps to one value or to several."""

_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def api_gateway_rest_event(
    method: str = "GET",
    path: str = "/",
    *,
    body: str | Mapping[str, Any] | None = None,
    headers: MultiValueMapping | None = None,
    query: MultiValueMapping | None = None,
    path_parameters: Mapping[str, str] | None = None,
    stage: str = "dev",
    resource: str | None = None,
    request_id: str | None = None,
    is_base64_encoded: bool = False,
    stage_variables: Mapping[str, str] | None = None,
    source_ip: str = DEFAULT_SOURCE_IP,
    request_time: datetime | None = None,
    api_id: str = DEFAULT_API_ID,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> dict[str, Any]:
    """A REST API Lambda proxy integration event.

    ``resource`` is the matched resource template (``/orders/{orderId}``); it defaults to ``path``.
    A dict ``body`` is sent as JSON with ``Content-Type: application/json``. As API Gateway does, the
    single-value ``headers``/``queryStringParameters`` keep the last of several values, and absent
    query strings, path parameters and stage variables are ``null``.
    """
    method = _checked_method(method)
    _check_path(path)
    body_text = _body_text(body, is_base64_encoded)
    moment = utc_moment(request_time)
    resource_path = resource if resource is not None else path
    all_headers = _with_default_headers(
        headers,
        {
            "Host": _domain_name(api_id, region),
            "User-Agent": DEFAULT_USER_AGENT,
            "X-Amzn-Trace-Id": _trace_id(moment),
            "X-Forwarded-For": source_ip,
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
        },
        json_body=isinstance(body, Mapping),
    )
    multi_query = _multi_values(query or {})
    return {
        "resource": resource_path,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in all_headers.items()},
        "multiValueHeaders": all_headers,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": dict(stage_variables) if stage_variables else None,
        "requestContext": {
            "accountId": account_id,
            "apiId": api_id,
            "domainName": _domain_name(api_id, region),
            "domainPrefix": api_id,
            "extendedRequestId": random_token(10),
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": source_ip,
                "user": None,
                "userAgent": _header_value(all_headers, "user-agent"),
                "userArn": None,
            },
            "path": f"/{stage}{path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id or str(uuid.uuid4()),
            "requestTime": _clf_time(moment),
            "requestTimeEpoch": epoch_millis(moment),
            "resourceId": hashlib.sha1(resource_path.encode(), usedforsecurity=False).hexdigest()[:6],
            "resourcePath": resource_path,
            "stage": stage,
        },
        "body": body_text,
        "isBase64Encoded": is_base64_encoded,
    }


def api_gateway_http_event(
    method: str = "GET",
    path: str = "/",
    *,
    body: str | Mapping[str, Any] | None = None,
    headers: MultiValueMapping | None = None,
    query: MultiValueMapping | None = None,
    path_parameters: Mapping[str, str] | None = None,
    route_key: str | None = None,
    cookies: Sequence[str] | None = None,
    stage: str = "$default",
    request_id: str | None = None,
    is_base64_encoded: bool = False,
    source_ip: str = DEFAULT_SOURCE_IP,
    request_time: datetime | None = None,
    api_id: str = DEFAULT_API_ID,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> dict[str, Any]:
    """An HTTP API event in payload format 2.0.

    ``route_key`` defaults to ``"<METHOD> <path>"``; pass it (``"GET /orders/{orderId}"``) for templated
    routes. As HTTP API does, header names are lower-cased, repeated headers and query parameters are
    joined with commas, and ``cookies``, ``queryStringParameters``, ``pathParameters`` and ``body`` are
    left out when empty. A named ``stage`` prefixes ``rawPath``.
    """
    method = _checked_method(method)
    _check_path(path)
    body_text = _body_text(body, is_base64_encoded)
    moment = utc_moment(request_time)
    lowered: dict[str, str | Sequence[str]] = {name.lower(): value for name, value in (headers or {}).items()}
    all_headers = _with_default_headers(
        lowered,
        {
            "host": _domain_name(api_id, region),
            "user-agent": DEFAULT_USER_AGENT,
            "x-amzn-trace-id": _trace_id(moment),
            "x-forwarded-for": source_ip,
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
        },
        json_body=isinstance(body, Mapping),
        content_type_header="content-type",
    )
    multi_query = _multi_values(query or {})
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    resolved_route_key = route_key if route_key is not None else f"{method} {path}"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": resolved_route_key,
        "rawPath": raw_path,
        "rawQueryString": urlencode(multi_query, doseq=True),
    }
    if cookies:
        event["cookies"] = list(cookies)
    event["headers"] = {name: ",".join(values) for name, values in all_headers.items()}
    if multi_query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in multi_query.items()}
    event["requestContext"] = {
        "accountId": account_id,
        "apiId": api_id,
        "domainName": _domain_name(api_id, region),
        "domainPrefix": api_id,
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": _header_value(all_headers, "user-agent"),
        },
        "requestId": request_id or random_token(10),
        "routeKey": resolved_route_key,
        "stage": stage,
        "time": _clf_time(moment),
        "timeEpoch": epoch_millis(moment),
    }
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if body_text is not None:
        event["body"] = body_text
    event["isBase64Encoded"] = is_base64_encoded
    return event


def _checked_method(method: str) -> str:
    upper = method.upper()
    if upper not in _HTTP_METHODS:
        raise ConfigurationError(f"HTTP method must be one of {sorted(_HTTP_METHODS)}, got {method!r}")
    return upper


def _check_path(path: str) -> None:
    if not path.startswith("/"):
        raise ConfigurationError(f"request path must start with '/', got {path!r}")


def _body_text(body: str | Mapping[str, Any] | None, is_base64_encoded: bool) -> str | None:
    if body is None:
        return None
    if is_base64_encoded and not isinstance(body, str):
        raise ConfigurationError("is_base64_encoded=True needs body to be the base64 text, got a dict")
    return json_text(body, "request body")


def _multi_values(values: MultiValueMapping) -> dict[str, list[str]]:
    return {name: [value] if isinstance(value, str) else list(value) for name, value in values.items()}


def _with_default_headers(
    headers: MultiValueMapping | None,
    defaults: Mapping[str, str],
    *,
    json_body: bool,
    content_type_header: str = "Content-Type",
) -> dict[str, list[str]]:
    """Merge caller headers over the ones API Gateway always adds (matching names case-insensitively)."""
    given = _multi_values(headers or {})
    given_lower = {name.lower() for name in given}
    merged = {name: [value] for name, value in defaults.items() if name.lower() not in given_lower}
    if json_body and "content-type" not in given_lower:
        merged[content_type_header] = ["application/json"]
    merged.update(given)
    return merged


def _header_value(headers: Mapping[str, list[str]], lower_name: str) -> str | None:
    for name, values in headers.items():
        if name.lower() == lower_name:
            return values[-1]
    return None


def _domain_name(api_id: str, region: str) -> str:
    return f"{api_id}.execute-api.{region}.amazonaws.com"


def _clf_time(moment: datetime) -> str:
    """Common Log Format time, as API Gateway writes it: ``04/Mar/2020:19:15:17 +0000``."""
    return f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment:%Y:%H:%M:%S} +0000"


def _trace_id(moment: datetime) -> str:
    return f"Root=1-{int(moment.timestamp()):08x}-{uuid.uuid4().hex[:24]}"
