"""The items API behind API Gateway (REST, payload 1.0), with a hand-written router.

One function answers ``/items`` and ``/items/{id}``: it matches the event's resource and method, checks
the request, delegates to :class:`~patterns.api_crud.service.ItemService` and answers with a proxy
response. :mod:`.powertools_app` is the same API on Powertools' ``APIGatewayRestResolver``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from patterns.api_crud.adapters import service_from_environment
from patterns.api_crud.exceptions import ItemApiError
from patterns.api_crud.service import ItemService, etag, parse_item, parse_limit, version_from_etag
from patterns.api_crud.web import cors_headers, error_response, header, request_problem
from patterns.lab.http import json_response

__all__ = ["ROUTES", "handle"]

Event = dict[str, Any]
Response = dict[str, Any]
_service: ItemService | None = None


def _items() -> ItemService:
    global _service
    if _service is None:
        _service = service_from_environment()
    return _service


def _item_id(event: Event) -> str:
    return str((event.get("pathParameters") or {})["id"])


def create(event: Event) -> Response:
    item = _items().create(parse_item(event.get("body")))
    headers = {"Location": f"/items/{item.id}", "ETag": etag(item)}
    return json_response(201, item.to_dict(), headers=headers)


def list_items(event: Event) -> Response:
    query = event.get("queryStringParameters") or {}
    page = _items().list_page(parse_limit(query.get("limit")), query.get("cursor"))
    return json_response(200, {"items": [i.to_dict() for i in page.items], "next_cursor": page.next_cursor})


def read(event: Event) -> Response:
    item = _items().get(_item_id(event))
    return json_response(200, item.to_dict(), headers={"ETag": etag(item)})


def replace(event: Event) -> Response:
    if_match = header(event.get("headers"), "if-match")
    if if_match is None:
        return json_response(428, {"message": "send If-Match with the ETag of the version you changed"})
    expected = version_from_etag(if_match)
    if expected is None:
        return json_response(412, {"message": f"If-Match {if_match!r} is not an ETag of this API"})
    item = _items().replace(_item_id(event), parse_item(event.get("body")), expected)
    return json_response(200, item.to_dict(), headers={"ETag": etag(item)})


def delete(event: Event) -> Response:
    _items().delete(_item_id(event))
    return {"statusCode": 204, "headers": {}, "body": ""}


ROUTES: dict[str, dict[str, Callable[[Event], Response]]] = {
    "/items": {"GET": list_items, "POST": create},
    "/items/{id}": {"GET": read, "PUT": replace, "DELETE": delete},
}


def handle(event: Event, context: Any) -> Response:
    """Route by resource and method; answer preflights; map service errors to statuses."""
    methods = ROUTES.get(event.get("resource", ""), {})
    method = event.get("httpMethod", "")
    origin = header(event.get("headers"), "origin")
    allowed = ",".join(sorted([*methods, "OPTIONS"]))
    if method == "OPTIONS" and methods:
        return {"statusCode": 204, "headers": cors_headers(origin, allowed), "body": ""}
    response = _answer(event, method, methods)
    response["headers"] = {**response.get("headers", {}), **cors_headers(origin)}
    return response


def _answer(event: Event, method: str, methods: dict[str, Callable[[Event], Response]]) -> Response:
    route = methods.get(method)
    if route is None:
        if methods:
            allowed = ",".join(sorted([*methods, "OPTIONS"]))
            return json_response(
                405, {"message": f"{method} is not allowed here"}, headers={"Allow": allowed}
            )
        return json_response(404, {"message": "no such resource"})
    problem = request_problem(method, event.get("headers"), event.get("body"))
    if problem is not None:
        return problem
    try:
        return route(event)
    except ItemApiError as error:
        return error_response(error)
