"""The same items API on Powertools for AWS Lambda's ``APIGatewayRestResolver``.

Powertools matches the routes, parses path parameters, answers CORS preflights (``CORSConfig``) and
adds CORS headers; the request checks, the service and the error mapping are the ones
:mod:`.handlers` uses, so the two functions answer every request alike (the tests run against both).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from patterns.api_crud.adapters import service_from_environment
from patterns.api_crud.exceptions import ItemApiError
from patterns.api_crud.service import ItemService, etag, parse_item, parse_limit, version_from_etag
from patterns.api_crud.web import (
    ALLOWED_HEADERS,
    EXPOSED_HEADERS,
    MAX_AGE_S,
    allowed_origins,
    error_response,
    request_problem,
)

__all__ = ["app", "handle"]


def _cors() -> CORSConfig:
    origins = allowed_origins() or ["https://nowhere.invalid"]
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        allow_headers=list(ALLOWED_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        max_age=MAX_AGE_S,
    )


app = APIGatewayRestResolver(cors=_cors())
_service: ItemService | None = None


def _items() -> ItemService:
    global _service
    if _service is None:
        _service = service_from_environment()
    return _service


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status, "application/json", json.dumps(body), headers=headers)


def _from_proxy(response: dict[str, Any]) -> Response[str]:
    return Response(response["statusCode"], "application/json", response["body"], headers=response["headers"])


def _check_request(resolver: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    event = resolver.current_event
    problem = request_problem(event.http_method, dict(event.headers), event.body)
    return _from_proxy(problem) if problem else next_middleware(resolver)


app.use(middlewares=[_check_request])


@app.exception_handler(ItemApiError)  # type: ignore[untyped-decorator]
def _service_error(error: ItemApiError) -> Response[str]:
    return _from_proxy(error_response(error))


@app.post("/items")
def create() -> Response[str]:
    item = _items().create(parse_item(app.current_event.body))
    return _json(201, item.to_dict(), {"Location": f"/items/{item.id}", "ETag": etag(item)})


@app.get("/items")
def list_items() -> Response[str]:
    query = app.current_event.query_string_parameters or {}
    page = _items().list_page(parse_limit(query.get("limit")), query.get("cursor"))
    return _json(200, {"items": [i.to_dict() for i in page.items], "next_cursor": page.next_cursor})


@app.get("/items/<item_id>")
def read(item_id: str) -> Response[str]:
    item = _items().get(item_id)
    return _json(200, item.to_dict(), {"ETag": etag(item)})


@app.put("/items/<item_id>")
def replace(item_id: str) -> Response[str]:
    if_match = app.current_event.headers.get("If-Match")  # Powertools 3 reads headers case-insensitively
    if if_match is None:
        return _json(428, {"message": "send If-Match with the ETag of the version you changed"})
    expected = version_from_etag(if_match)
    if expected is None:
        return _json(412, {"message": f"If-Match {if_match!r} is not an ETag of this API"})
    item = _items().replace(item_id, parse_item(app.current_event.body), expected)
    return _json(200, item.to_dict(), {"ETag": etag(item)})


@app.delete("/items/<item_id>")
def delete(item_id: str) -> Response[str]:
    _items().delete(item_id)
    return Response(204, None, "")


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point."""
    return app.resolve(event, context)
