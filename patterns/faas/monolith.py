"""The "before" picture: one multi-purpose handler that routes every user request itself.

It works, but one function must be sized for its heaviest route (memory, timeout, permissions), every
route shares one report and one bill, and a change to any route redeploys all of them. The pattern's
single-purpose handlers (``handlers.py``) are the same logic split by route.
"""

from __future__ import annotations

from typing import Any

from patterns.faas import handlers
from patterns.lab.http import json_response

__all__ = ["ROUTES", "handler"]

ROUTES = {
    ("POST", "/users"): handlers.register,
    ("GET", "/users/{email}"): handlers.get_user,
    ("GET", "/users/export"): handlers.export_users,
}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Route on the API Gateway resource and method."""
    route = ROUTES.get((event.get("httpMethod", ""), event.get("resource", "")))
    if route is None:
        return json_response(
            404, {"error": f"no route for {event.get('httpMethod')} {event.get('resource')}"}
        )
    return route(event, context)
