"""Lambda handlers of two subscribers: parse the event, delegate to the service, record the effect.

``reserve_stock`` consumes the warehouse's SQS queue (raw delivery: each body is the order event) and
reports the records it could not process (ReportBatchItemFailures), so only those return to the queue
and, after ``maxReceiveCount`` receives, to its dead-letter queue. ``send_receipt`` is subscribed to the
topic directly (SNS invokes it asynchronously); a receipt it cannot make raises, and Lambda's
asynchronous retries take over. Effects are recorded once per order in DynamoDB.
"""

from __future__ import annotations

import json
from typing import Any

from patterns.pubsub.adapters import EffectStore, effects_from_environment
from patterns.pubsub.exceptions import InvalidOrderError
from patterns.pubsub.service import make_receipt, reserve_stock

__all__ = ["reserve_stock_handler", "send_receipt"]

_effects: EffectStore | None = None


def _store() -> EffectStore:
    global _effects
    if _effects is None:
        _effects = effects_from_environment()
    return _effects


def reserve_stock_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS batch: reserve stock for each order; list the failed records in ``batchItemFailures``."""
    failures = []
    for record in event.get("Records", []):
        try:
            reservation = reserve_stock(json.loads(record["body"]))
        except (InvalidOrderError, json.JSONDecodeError):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        _store().record("warehouse", reservation.order_id, {"country": reservation.country})
    return {"batchItemFailures": failures}


def send_receipt(event: dict[str, Any], context: Any) -> None:
    """SNS event: send (record) a receipt; raises InvalidOrderError when the order has no email."""
    for record in event.get("Records", []):
        receipt = make_receipt(json.loads(record["Sns"]["Message"]))
        _store().record("receipts", receipt.order_id, {"email": receipt.email})
