"""The payment function three ways, answering alike: ``pay`` (hand-built keyed conditional writes),
``pay_powertools`` (Powertools' ``@idempotent`` with its DynamoDB persistence layer) and ``pay_cached``
(seed 003's get-then-set cache).

Every answer is a dict with ``status``: 200 with the charge, 400 for a bad request, 409 while another
request with the key is in progress, 422 when the key was used with another payload. ``CRASH_AT`` (one
of :data:`~patterns.idempotency.service.CRASH_POINTS`) makes the function die there, for the crash
demonstrations. Clients and the persistence layer are built on the first request, never at import.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import boto3

from patterns.idempotency.adapters import (
    DynamoDbCacheStore,
    DynamoDbLedger,
    executor_from_environment,
)
from patterns.idempotency.exceptions import (
    AlreadyInProgressError,
    InvalidRequestError,
    PayloadMismatchError,
)
from patterns.idempotency.service import (
    CacheIdempotency,
    IdempotentExecutor,
    crash_at,
    parse_request,
)

__all__ = ["pay", "pay_cached", "pay_powertools"]

Event = dict[str, Any]
Answer = dict[str, Any]
IN_PROGRESS_ANSWER: Answer = {"status": 409, "error": "in-progress"}
MISMATCH_ANSWER: Answer = {"status": 422, "error": "payload-mismatch"}

_executor: IdempotentExecutor | None = None
_powertools: Callable[[Event, Any], Answer] | None = None
_cached: CacheIdempotency | None = None


def _checkpoint() -> Callable[[str], None]:
    return crash_at(os.environ.get("CRASH_AT") or None)


def _bad_request(error: InvalidRequestError) -> Answer:
    return {"status": 400, "error": str(error)}


def pay(event: Event, context: Any) -> Answer:
    """Hand-built: lock for the function's remaining time, charge, store the result."""
    global _executor
    try:
        request = parse_request(event)
    except InvalidRequestError as error:
        return _bad_request(error)
    if _executor is None:
        _executor = executor_from_environment()
    lock_for_s = context.get_remaining_time_in_millis() / 1000
    try:
        execution = _executor.execute(request, lock_for_s=lock_for_s, checkpoint=_checkpoint())
    except AlreadyInProgressError:
        return dict(IN_PROGRESS_ANSWER)
    except PayloadMismatchError:
        return dict(MISMATCH_ANSWER)
    return {"status": 200, **execution.result}


def _build_powertools() -> Callable[[Event, Any], Answer]:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent,
    )

    client = boto3.client("dynamodb")
    persistence = DynamoDBPersistenceLayer(table_name=os.environ["POWERTOOLS_TABLE"], boto3_client=client)
    config = IdempotencyConfig(
        event_key_jmespath="idempotency_key",
        payload_validation_jmespath="[order_id, amount_cents]",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=int(os.environ.get("EXPIRES_AFTER_S", "3600")),
    )
    ledger = DynamoDbLedger(os.environ["LEDGER_TABLE"], client)

    @idempotent(config=config, persistence_store=persistence)
    def charge(event: Event, context: Any) -> Answer:
        request = parse_request(event)
        checkpoint = _checkpoint()
        checkpoint("after-lock")
        charge_id = ledger.charge(request.order_id, request.amount_cents, request.idempotency_key)
        checkpoint("after-charge")
        return {
            "status": 200,
            "charge_id": charge_id,
            "order_id": request.order_id,
            "amount_cents": request.amount_cents,
        }

    return charge


def pay_powertools(event: Event, context: Any) -> Answer:
    """Powertools: ``@idempotent`` keyed by ``idempotency_key``, payload checked on order and amount."""
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    global _powertools
    try:
        parse_request(event)
    except InvalidRequestError as error:
        return _bad_request(error)
    if _powertools is None:
        _powertools = _build_powertools()
    checkpoint = _checkpoint()
    checkpoint("before-lock")
    try:
        answer = _powertools(event, context)
    except IdempotencyAlreadyInProgressError:
        return dict(IN_PROGRESS_ANSWER)
    except IdempotencyValidationError:
        return dict(MISMATCH_ANSWER)
    checkpoint("after-complete")
    return answer


def pay_cached(event: Event, context: Any) -> Answer:
    """Seed 003's version: ``cache.get``, on a miss charge, then ``cache.set``."""
    global _cached
    try:
        request = parse_request(event)
    except InvalidRequestError as error:
        return _bad_request(error)
    if _cached is None:
        client = boto3.client("dynamodb")
        _cached = CacheIdempotency(
            DynamoDbCacheStore(os.environ["CACHE_TABLE"], client),
            DynamoDbLedger(os.environ["LEDGER_TABLE"], client),
        )
    return {"status": 200, **_cached.execute(request).result}
