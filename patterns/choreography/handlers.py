"""Lambda handlers of the flow: parse the event, do the step's work on its own table, hand on.

One code base serves both compositions; each function's environment says which (see
:func:`patterns.choreography.adapters.deploy_flow`):

* ``COMPOSITION=events``: a step publishes the event it ``EMITS`` to ``BUS_NAME`` and returns; the
  next step's rule delivers it (asynchronously). ``validate`` answers the API with 202 at once.
* ``COMPOSITION=invoke``: a step calls ``NEXT_FUNCTION`` with boto3's ``invoke`` (``RequestResponse``)
  and waits for its answer; ``validate`` answers 201 when the whole chain is done, 502 if it failed.

Events (and synchronous payloads) carry the order's ``correlation_id``, which every step also writes to
its table. ``WORK_MS`` is the step's modelled provider latency (slept, so the reports include it).
``FAIL=1`` injects a fault: the step raises before doing anything (its provider is down).
``fulfil`` is seed 001's ``fulfillOrder`` (not idempotent: a duplicate delivery sends a second email);
``fulfil_once`` is the fix (a conditional write decides; a duplicate does nothing).
"""

from __future__ import annotations

import json
import time
from typing import Any

from patterns.choreography.adapters import (
    EventPublisher,
    FulfilmentStore,
    LambdaInvoker,
    Mailer,
    PaymentStore,
    StepStore,
    step_settings,
)
from patterns.choreography.contracts import validate_event
from patterns.choreography.exceptions import DownstreamFailedError, InvalidOrderError, StepFailedError
from patterns.choreography.service import confirmation_message, order_detail, parse_order, payment_detail

__all__ = ["fulfil", "fulfil_once", "payment", "validate", "work_step"]


def _detail(event: dict[str, Any]) -> dict[str, Any]:
    """The event's detail (an EventBridge delivery) or the payload itself (a synchronous call)."""
    detail = event["detail"] if "detail-type" in event else event
    assert isinstance(detail, dict), f"expected a JSON object, got {detail!r}"
    return detail


def _check_fault(settings: dict[str, str]) -> None:
    if settings["FAIL"]:
        raise StepFailedError(settings["STEP"])


def _provider_call(settings: dict[str, str]) -> None:
    """The step's call to its provider (payment API, email service): ``WORK_MS`` of modelled latency."""
    time.sleep(float(settings["WORK_MS"] or 0) / 1000)


def _hand_on(settings: dict[str, str], detail_type: str, detail: dict[str, Any]) -> Any:
    """Publish the step's event (events) or call the next function and wait (invoke)."""
    check = bool(settings["CHECK_CONTRACTS"])
    if settings["COMPOSITION"] == "events":
        EventPublisher(settings["BUS_NAME"], check_contracts=check).publish(detail_type, detail)
        return {"published": detail_type}
    if not settings["NEXT_FUNCTION"]:
        return {}
    if check:
        validate_event(detail_type, detail)  # the same contract holds for a synchronous payload
    return LambdaInvoker().call(settings["NEXT_FUNCTION"], detail)


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def validate(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """POST /orders: validate, record, hand on; 202 (events), 201 or 502 (invoke), 400 when invalid."""
    settings = step_settings()
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    correlation_id = str(headers.get("x-correlation-id") or context.aws_request_id)
    try:
        order = parse_order(event.get("body"))
    except InvalidOrderError as invalid:
        return _response(400, {"problems": invalid.problems, "correlation_id": correlation_id})
    _check_fault(settings)
    StepStore(settings["TABLE_NAME"]).record(
        order["order_id"], status="VALIDATED", correlation_id=correlation_id, total_cents=order["total_cents"]
    )
    detail = order_detail(order, correlation_id)
    answer = {"order_id": order["order_id"], "correlation_id": correlation_id}
    try:
        result = _hand_on(settings, settings["EMITS"], detail)
    except DownstreamFailedError as failed:
        return _response(502, {**answer, "status": "failed", "error": str(failed)})
    if settings["COMPOSITION"] == "events":
        return _response(202, {**answer, "status": "processing"})
    return _response(201, {**answer, "status": "fulfilled", "payment_id": result.get("payment_id")})


def work_step(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """An added step (fraud check, stock, discount, courier): record on its own table, pass the order on."""
    settings, detail = step_settings(), _detail(event)
    _check_fault(settings)
    _provider_call(settings)
    StepStore(settings["TABLE_NAME"]).record(
        detail["order_id"], status="DONE", correlation_id=detail["correlation_id"]
    )
    downstream = _hand_on(settings, settings["EMITS"], detail)
    return {"step": settings["STEP"], **(downstream or {})}


def payment(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Charge the order once (a conditional write on the payment table), then emit PaymentProcessed."""
    settings, detail = step_settings(), _detail(event)
    _check_fault(settings)
    _provider_call(settings)
    payment_id = PaymentStore(settings["TABLE_NAME"]).charge(
        detail["order_id"], detail["total_cents"], detail["correlation_id"]
    )
    processed = payment_detail(detail, payment_id, int(settings["PAYMENT_EVENT_VERSION"] or 1))
    downstream = _hand_on(settings, "PaymentProcessed", processed)
    return {**(downstream or {}), "payment_id": payment_id}


def _fulfilled(settings: dict[str, str], detail: dict[str, Any]) -> dict[str, Any]:
    _provider_call(settings)
    Mailer(settings["EMAIL_QUEUE_URL"]).send(confirmation_message(detail))
    fulfilled = {k: detail[k] for k in ("correlation_id", "order_id", "payment_id")}
    downstream = _hand_on(settings, settings["EMITS"], fulfilled)
    return {
        **(downstream or {}),
        "order_id": detail["order_id"],
        "payment_id": detail["payment_id"],
        "outcome": "fulfilled",
    }


def fulfil(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Seed 001's ``fulfillOrder``: update the order, send the email. Twice if delivered twice."""
    settings, detail = step_settings(), _detail(event)
    _check_fault(settings)
    FulfilmentStore(settings["TABLE_NAME"]).mark_fulfilled(
        detail["order_id"], detail["payment_id"], detail["correlation_id"]
    )
    return _fulfilled(settings, detail)


def fulfil_once(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """The fix: claim the order with a conditional write; only the delivery that claimed it sends."""
    settings, detail = step_settings(), _detail(event)
    _check_fault(settings)
    claimed = FulfilmentStore(settings["TABLE_NAME"]).claim(
        detail["order_id"], detail["payment_id"], detail["correlation_id"]
    )
    if not claimed:
        return {"order_id": detail["order_id"], "payment_id": detail["payment_id"], "outcome": "duplicate"}
    return _fulfilled(settings, detail)
