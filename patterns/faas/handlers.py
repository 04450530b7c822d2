"""Single-purpose Lambda handlers for user registration: each parses its event and delegates.

Each function does one job, so each gets its own memory size, timeout, permissions and metrics.
Clients are created once per execution environment (on the first request, not at import, so
importing this module never touches AWS) and reused by every later request in that environment.
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any
from urllib.parse import unquote

from patterns.faas.adapters import ConditionalWriteUserStore, SnsNotifier, store_from_environment
from patterns.faas.exceptions import DuplicateUserError, InvalidRegistrationError
from patterns.faas.service import parse_registration, register_user
from patterns.lab.http import json_response

__all__ = ["export_users", "get_user", "register"]

_store: ConditionalWriteUserStore | None = None
_notifier: SnsNotifier | None = None


def _dependencies() -> tuple[ConditionalWriteUserStore, SnsNotifier]:
    global _store, _notifier
    if _store is None or _notifier is None:
        _store, _notifier = store_from_environment(), SnsNotifier(os.environ["TOPIC_ARN"])
    return _store, _notifier


def register(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """POST /users: 201 with the user, 400 for a bad body, 409 for a duplicate email."""
    try:
        registration = parse_registration(event.get("body"))
    except InvalidRegistrationError as invalid:
        return json_response(400, {"error": "invalid registration", "problems": invalid.problems})
    store, notifier = _dependencies()
    try:
        user = register_user(registration, store, notifier)
    except DuplicateUserError as duplicate:
        return json_response(409, {"error": str(duplicate)})
    return json_response(201, {"user": user.to_dict()}, headers={"Location": f"/users/{user.email}"})


def get_user(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """GET /users/{email}: 200 with the user or 404."""
    email = unquote((event.get("pathParameters") or {}).get("email", "")).strip().lower()
    if not email:
        return json_response(400, {"error": "the path must name a user: /users/{email}"})
    user = _dependencies()[0].get(email)
    if user is None:
        return json_response(404, {"error": f"no user with email {email!r}"})
    return json_response(200, {"user": user.to_dict()})


def export_users(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """GET /users/export: every user as CSV (the heavy, rare job)."""
    users = _dependencies()[0].scan()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["email", "name", "company", "registered_at"])
    writer.writeheader()
    for user in sorted(users, key=lambda u: u.email):
        writer.writerow(user.to_dict())
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "text/csv"},
        "body": buffer.getvalue(),
        "isBase64Encoded": False,
    }
