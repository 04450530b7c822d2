"""Three functions: the command API (writes events), the query API (reads the read models) and the
projector (the event store's stream in, read models out). Each parses, delegates and answers.

Command routes (REST API, payload 1.0): ``POST /orders`` places an order (201); ``POST
/orders/{id}/items``, ``/cancel``, ``/ship`` carry ``expected_version`` and answer 200, or 409 when
another command wrote that version first, 404, 400 or 422. Query routes: ``GET /orders/{id}`` (the
DynamoDB view; 404 until the projector has seen the order) and ``GET /search?q=...&status=...`` (FTS5).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from patterns.cqrs.adapters import (
    OrderView,
    Projection,
    SearchIndex,
    events_from_stream,
    projections_from_environment,
    search_from_environment,
    service_from_environment,
    view_from_environment,
)
from patterns.cqrs.exceptions import (
    CommandRejectedError,
    ConcurrencyConflictError,
    InvalidCommandError,
    OrderNotFoundError,
)
from patterns.cqrs.service import CommandService, parse_command
from patterns.lab.http import json_response

__all__ = ["command", "project", "query"]

Event = dict[str, Any]
_ACTIONS = {"items": "add_item", "cancel": "cancel", "ship": "ship"}
_service: CommandService | None = None
_projections: list[Projection] | None = None
_view: OrderView | None = None
_search: SearchIndex | None = None


def _commands() -> CommandService:
    global _service
    if _service is None:
        _service = service_from_environment()
    return _service


def _body(event: Event) -> Any:
    try:
        return json.loads(event.get("body") or "null")
    except ValueError:
        raise InvalidCommandError("the body is not JSON") from None


def command(event: Event, context: Any) -> dict[str, Any]:
    """``POST /orders`` and ``POST /orders/{id}/{action}``: append one event, or say why not."""
    path = event.get("pathParameters") or {}
    try:
        body = _body(event)
        if "id" in path:
            kind = _ACTIONS.get(str(path.get("action")), str(path.get("action")))
            order_id = str(path["id"])
        else:
            kind = "place"
            given = body.get("order_id") if type(body) is dict else None
            order_id = given if type(given) is str and given else f"o-{uuid.uuid4().hex[:12]}"
        at = event.get("requestContext", {}).get("requestTimeEpoch", 0) / 1000
        stored = _commands().handle(order_id, parse_command(kind, body), at=at)
    except InvalidCommandError as error:
        return json_response(400, {"message": str(error)})
    except OrderNotFoundError as error:
        return json_response(404, {"message": str(error)})
    except ConcurrencyConflictError as error:
        return json_response(409, {"message": str(error), "version": error.version})
    except CommandRejectedError as error:
        return json_response(422, {"message": str(error)})
    answer = {"order_id": stored.order_id, "version": stored.version, "event": stored.type}
    if kind == "place":
        return json_response(201, answer, headers={"Location": f"/orders/{stored.order_id}"})
    return json_response(200, answer)


def query(event: Event, context: Any) -> dict[str, Any]:
    """``GET /orders/{id}`` from the DynamoDB view; ``GET /search`` from the full-text index."""
    global _view, _search
    if event.get("resource") == "/search":
        if _search is None:
            _search = search_from_environment()
        parameters = event.get("queryStringParameters") or {}
        text = parameters.get("q", "").strip()
        if not text:
            return json_response(400, {"message": "give the words to look for: /search?q=lamp"})
        try:
            hits = _search.search(text, status=parameters.get("status"))
        except Exception as error:  # an FTS5 syntax error in the query string
            return json_response(400, {"message": f"cannot search for {text!r}: {error}"})
        return json_response(200, {"hits": hits})
    if _view is None:
        _view = view_from_environment()
    order_id = str((event.get("pathParameters") or {}).get("id"))
    order = _view.get(order_id)
    if order is None:
        return json_response(404, {"message": f"no order {order_id!r} in the read model (yet?)"})
    return json_response(200, order.to_dict(), headers={"ETag": f'"{order.version}"'})


def project(event: Event, context: Any) -> dict[str, int]:
    """A DynamoDB Streams batch: every event applied to every read model, in order; an error fails the
    batch, which is retried whole (each read model skips what it has already applied)."""
    global _projections
    if _projections is None:
        _projections = projections_from_environment()
    applied = skipped = 0
    for stored in events_from_stream(event):
        for projection in _projections:
            if projection.apply(stored):
                applied += 1
            else:
                skipped += 1
    return {"applied": applied, "skipped": skipped}
