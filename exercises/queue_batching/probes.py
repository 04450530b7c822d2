"""Probes of the queue-batching exercise: they run in the learner's process, call the learner's code
with SQS events shaped like Lambda's, and return plain JSON data for the grader to check."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module
from patterns.lab.events import SqsMessageSpec, sqs_event


def warm_up() -> None:
    """Load the event builders and the price table once, before any learner code exists."""
    import patterns.lab.pricing  # noqa: F401 - cost_per_million uses it

    sqs_event([SqsMessageSpec("{}", message_id="warm")])


def handle(records: list[list[str]]) -> dict[str, Any]:
    """Task 1: call ``handler`` with one SQS event of ``[message_id, body]`` records; return what it
    returned and the orders it applied."""
    module = learner_module("batching")
    module.APPLIED.clear()
    event = sqs_event([SqsMessageSpec(body, message_id=message_id) for message_id, body in records])
    returned = module.handler(event, None)
    applied = module.APPLIED
    if type(applied) is not list:
        return {"returned": returned, "applied": applied}  # the grader says what it is instead
    # apply_order records tuples; one that is not exactly a tuple goes back as is, and is refused
    return {"returned": returned, "applied": [list(e) if type(e) is tuple else e for e in applied]}


def cost(batch_size: int, per_message_ms: float, per_invocation_ms: float, memory_mb: int) -> dict[str, Any]:
    """Task 2: what ``cost_per_million`` returns."""
    module = learner_module("batching")
    returned = module.cost_per_million(batch_size, per_message_ms, per_invocation_ms, memory_mb)
    return {"returned": returned}  # exactly as returned: anything but plain JSON data is refused
