"""The state pattern's Lambda handlers: each parses its event and delegates.

Module globals live as long as their execution environment, one copy per environment: that is what
``_cache``, ``_local_count``, ``_seen`` and ``_connection`` show. Clients are created on the first
request of an environment (never at import) and reused.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import boto3

from patterns.lab.databases import is_too_many_clients
from patterns.lab.http import json_response
from patterns.state.adapters import (
    ChargeLog,
    DynamoDbCounter,
    DynamoDbSessions,
    PriceStore,
    database_connection,
)
from patterns.state.exceptions import InvalidSessionRequestError
from patterns.state.service import Session, TtlCache, is_live, parse_session_request, request_time

__all__ = [
    "charge_once",
    "charge_with_local_dedup",
    "count_in_dynamodb",
    "count_in_memory",
    "create_session",
    "get_session",
    "get_session_trusting_ttl",
    "price_with_cache",
    "query_connect_per_call",
    "query_reused_connection",
]

_dynamodb: Any = None
_cache: TtlCache[str, int] | None = None
_local_count = 0
_seen: set[str] = set()
_connection: Any = None


def _client() -> Any:
    global _dynamodb
    if _dynamodb is None:
        _dynamodb = boto3.client("dynamodb")
    return _dynamodb


def _sessions() -> DynamoDbSessions:
    return DynamoDbSessions(os.environ["SESSIONS_TABLE"], _client())


def create_session(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """POST /sessions {"user"}: 201 with a session that expires SESSION_TTL_S after the request."""
    try:
        user = parse_session_request(event.get("body"))
    except InvalidSessionRequestError as invalid:
        return json_response(400, {"message": str(invalid)})
    expires_at = int(request_time(event) + float(os.environ["SESSION_TTL_S"]))
    session = Session(uuid.uuid4().hex, user, expires_at)
    _sessions().put(session)
    return json_response(201, session.to_dict())


def get_session(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """GET /sessions/{id}: 200 while the session is live, 404 once it has expired (deleted or not)."""
    session = _sessions().get(event["pathParameters"]["id"])
    if session is None or not is_live(session, request_time(event)):
        return json_response(404, {"message": "no such session, or it has expired"})
    return json_response(200, session.to_dict())


def get_session_trusting_ttl(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The same, trusting DynamoDB's TTL to have deleted expired sessions: it has not, for a while."""
    session = _sessions().get(event["pathParameters"]["id"])
    if session is None:
        return json_response(404, {"message": "no such session"})
    return json_response(200, session.to_dict())


def count_in_memory(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A visit counter in a module global: each execution environment counts only its own requests."""
    global _local_count
    _local_count += 1
    return {"count": _local_count}


def count_in_dynamodb(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The same counter as a DynamoDB atomic ADD: every environment increments the one value."""
    return {"count": DynamoDbCounter(os.environ["COUNTERS_TABLE"], _client()).add("visits")}


def price_with_cache(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """GET /prices/{sku}: the price, from this environment's cache for CACHE_TTL_S seconds."""
    global _cache
    if _cache is None:
        _cache = TtlCache(float(os.environ["CACHE_TTL_S"]))
    store = PriceStore(os.environ["PRICES_TABLE"], _client())
    sku = event["pathParameters"]["sku"]
    price, cached = _cache.get(sku, request_time(event), store.get)
    return json_response(200, {"sku": sku, "price_cents": price, "cached": cached})


def charge_with_local_dedup(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Seed 003's idempotency: remember handled payment ids in memory, in this environment only."""
    payment_id = event["payment_id"]
    if payment_id in _seen:
        return {"charged": False, "reason": "seen in this environment"}
    _seen.add(payment_id)
    ChargeLog(os.environ["CHARGES_TABLE"], _client()).record(uuid.uuid4().hex, payment_id)
    return {"charged": True}


def charge_once(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The fix: a conditional write keyed by the payment id, shared by every environment."""
    charged = ChargeLog(os.environ["CHARGES_TABLE"], _client()).record_once(event["payment_id"])
    return {"charged": charged}


def _query(connection: Any, hold_ms: float) -> None:
    connection.run("SELECT pg_sleep(:seconds)", seconds=hold_ms / 1000)


def query_connect_per_call(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Open a connection, query, close it: one connection per invocation."""
    started = time.perf_counter()
    try:
        connection = database_connection()
    except Exception as error:
        if is_too_many_clients(error):
            return {"ok": False, "refused": True, "opened": 0}
        raise
    try:
        _query(connection, float(event.get("hold_ms", 0)))
    finally:
        connection.close()
    return {"ok": True, "refused": False, "opened": 1, "ms": (time.perf_counter() - started) * 1000}


def query_reused_connection(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Open a connection on the environment's first request and keep it for the later ones."""
    global _connection
    started = time.perf_counter()
    opened = 0
    if _connection is None:
        try:
            _connection = database_connection()
        except Exception as error:
            if is_too_many_clients(error):
                return {"ok": False, "refused": True, "opened": 0}
            raise
        opened = 1
    _query(_connection, float(event.get("hold_ms", 0)))
    return {"ok": True, "refused": False, "opened": opened, "ms": (time.perf_counter() - started) * 1000}
