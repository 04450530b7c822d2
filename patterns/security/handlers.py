"""The functions: a JWT authorizer and three single-purpose item functions behind it.

* :func:`authorize` - a TOKEN (or REQUEST) authorizer: ``Bearer <jwt>`` verified against the JWKS in ``JWKS``
  (``ISSUER``, ``AUDIENCE``, ``LEEWAY_S``); a bad token raises ``Unauthorized`` (API Gateway answers 401);
  a good one gets the policy of ``POLICY_MODE`` (``scopes``, the fix, by default).
* :func:`list_items` (S3 ``ListBucket``), :func:`get_item` (S3 ``GetObject``), :func:`create_item` (S3
  ``PutObject`` and SQS ``SendMessage``): one function per route, so each needs and gets its own policy.
  Input checks and CORS are pattern 02's (:mod:`patterns.api_crud.web` and
  :func:`~patterns.api_crud.service.parse_item`).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from patterns.api_crud.exceptions import ItemApiError
from patterns.api_crud.service import Item, parse_item
from patterns.api_crud.web import cors_headers, error_response, header, request_problem
from patterns.lab.http import json_response
from patterns.security.adapters import S3ItemStore, function_client, lab_now, send_created
from patterns.security.exceptions import TokenRejectedError
from patterns.security.service import DEFAULT_LEEWAY_S, PolicyMode, TokenVerifier, policy_for, route_of

__all__ = ["ALLOWED_HEADERS", "authorize", "create_item", "get_item", "list_items"]

Event = dict[str, Any]
Response = dict[str, Any]
ALLOWED_HEADERS = "Authorization,Content-Type"  # pattern 02's list lacks Authorization: a browser needs it
_verifier: TokenVerifier | None = None
_store: S3ItemStore | None = None
_sqs: Any = None


def _token_verifier() -> TokenVerifier:
    global _verifier
    if _verifier is None:
        _verifier = TokenVerifier(
            json.loads(os.environ["JWKS"]),
            issuer=os.environ["ISSUER"],
            audience=os.environ["AUDIENCE"],
            leeway_s=float(os.environ.get("LEEWAY_S", DEFAULT_LEEWAY_S)),
        )
    return _verifier


def authorize(event: Event, context: Any) -> dict[str, Any]:
    """TOKEN authorizer: verify the bearer token, answer with an IAM policy or ``Unauthorized``."""
    raw = str(event.get("authorizationToken") or header(event.get("headers"), "authorization") or "")
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Exception("Unauthorized")
    try:
        claims = _token_verifier().verify(token.strip(), lab_now())
    except TokenRejectedError as error:
        print(json.dumps({"level": "WARN", "message": "token rejected", "reason": error.reason}))
        raise Exception("Unauthorized") from None
    mode: PolicyMode = os.environ.get("POLICY_MODE", "scopes")  # type: ignore[assignment]
    arn = str(event["methodArn"])
    return policy_for(claims.subject, claims.scopes, arn, mode, route=route_of(arn))


def _items() -> S3ItemStore:
    global _store
    if _store is None:
        _store = S3ItemStore(os.environ["BUCKET"])
    return _store


def _queue_client() -> Any:
    global _sqs
    if _sqs is None:
        _sqs = function_client("sqs")
    return _sqs


def _with_cors(event: Event, response: Response, methods: str) -> Response:
    origin = header(event.get("headers"), "origin")
    cors = cors_headers(origin, methods)
    if cors:
        cors["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response["headers"] = {**response.get("headers", {}), **cors}
    return response


def _preflight(event: Event, methods: str) -> Response | None:
    if event.get("httpMethod") == "OPTIONS":
        return _with_cors(event, {"statusCode": 204, "headers": {}, "body": ""}, methods)
    return None


def _caller(event: Event) -> str:
    return str(((event.get("requestContext") or {}).get("authorizer") or {}).get("principalId", ""))


def list_items(event: Event, context: Any) -> Response:
    """``GET /items``: the ids of stored items."""
    methods = "GET,OPTIONS,POST"
    answer = _preflight(event, methods) or json_response(200, {"ids": _items().ids()})
    return _with_cors(event, answer, methods)


def get_item(event: Event, context: Any) -> Response:
    """``GET /items/{id}``: one item, or 404."""
    methods = "GET,OPTIONS"
    preflight = _preflight(event, methods)
    if preflight is not None:
        return preflight
    item_id = str((event.get("pathParameters") or {}).get("id", ""))
    found = _items().get(item_id)
    answer = json_response(200, found) if found else json_response(404, {"message": f"no item {item_id!r}"})
    return _with_cors(event, answer, methods)


def create_item(event: Event, context: Any) -> Response:
    """``POST /items``: pattern 02's checks (413, 415, 400 listing every problem), then store and notify."""
    methods = "GET,OPTIONS,POST"
    preflight = _preflight(event, methods)
    if preflight is not None:
        return preflight
    problem = request_problem("POST", event.get("headers"), event.get("body"))
    if problem is not None:
        return _with_cors(event, problem, methods)
    try:
        fields = parse_item(event.get("body"))
    except ItemApiError as error:
        return _with_cors(event, error_response(error), methods)
    item = Item(uuid.uuid4().hex, fields.name, fields.price_cents, tuple(fields.tags), 1)
    _items().put(item)
    send_created(os.environ["QUEUE_URL"], item, _queue_client())
    body = {**item.to_dict(), "created_by": _caller(event)}
    return _with_cors(event, json_response(201, body, headers={"Location": f"/items/{item.id}"}), methods)
