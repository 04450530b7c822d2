"""SQS batch handlers: parse the event, delegate to the service, answer the way the mapping expects.

``process_orders`` is for a mapping with ReportBatchItemFailures: it processes every record and lists
the failed ones in ``batchItemFailures``, so only those return to the queue. ``process_orders_all_or_nothing``
is for a mapping without it: it raises at the first failure, and the whole batch returns to the queue.
(Returning ``batchItemFailures`` to a mapping without the setting would be a bug: Lambda ignores the
response, counts the batch as a success and deletes the failed messages.)

The effect store is created once per execution environment, on its first request.
"""

from __future__ import annotations

from typing import Any

from patterns.queue_batching.adapters import DynamoDbEffectStore, effects_from_environment
from patterns.queue_batching.service import batch_item_failures, process_batch

__all__ = ["process_orders", "process_orders_all_or_nothing"]

_effects: DynamoDbEffectStore | None = None


def _store() -> DynamoDbEffectStore:
    global _effects
    if _effects is None:
        _effects = effects_from_environment()
    return _effects


def process_orders(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process every record; report the failed ones (ReportBatchItemFailures)."""
    outcome = process_batch(
        event.get("Records", []), _store(), request_id=context.aws_request_id, stop_at_failure=False
    )
    return batch_item_failures(outcome.failed)


def process_orders_all_or_nothing(event: dict[str, Any], context: Any) -> None:
    """Process the records in order; the first failure raises and fails the whole batch."""
    process_batch(event.get("Records", []), _store(), request_id=context.aws_request_id, stop_at_failure=True)
