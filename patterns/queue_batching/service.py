"""Batch processing logic: parse order messages, apply each once, report the failures. No boto3 here.

The business effect (recording an order's amount) goes through a small interface, :class:`EffectStore`,
whose ``apply_once`` is idempotent per SQS message id: a redelivered message is recognised and not
applied again. :class:`InMemoryEffectStore` is the fake for unit tests; ``adapters`` has the DynamoDB one.

:class:`WorkModel` is the handler's simulated work (init on a cold start, set-up per invocation, work per
message). The lab bills it as the invocation's duration instead of sleeping, so runs take milliseconds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from patterns.lab import pricing
from patterns.lab.exceptions import ConfigurationError
from patterns.queue_batching.exceptions import MalformedMessageError, PoisonMessageError

__all__ = [
    "BatchOutcome",
    "Effect",
    "EffectStore",
    "InMemoryEffectStore",
    "OrderMessage",
    "WorkModel",
    "batch_item_failures",
    "order_body",
    "parse_order",
    "process_batch",
]


@dataclass(frozen=True)
class OrderMessage:
    """One order message: a business id, an amount in cents, when it was sent (virtual seconds)."""

    order_id: str
    amount_cents: int
    sent_at_s: float
    poison: bool = False


def order_body(order: OrderMessage, *, size_bytes: int = 0) -> str:
    """The JSON body of ``order``, padded with spaces to ``size_bytes`` (if that is more than it needs)."""
    body = json.dumps(
        {
            "order_id": order.order_id,
            "amount_cents": order.amount_cents,
            "sent_at_s": order.sent_at_s,
            "poison": order.poison,
        }
    )
    return body + " " * max(0, size_bytes - len(body.encode()))


def parse_order(body: str) -> OrderMessage:
    """Read an order message body; raise :class:`MalformedMessageError` saying what is wrong."""
    try:
        data = json.loads(body)
    except (TypeError, json.JSONDecodeError) as error:
        raise MalformedMessageError(f"the body is not JSON ({error}): {body[:60]!r}") from None
    if not isinstance(data, dict):
        raise MalformedMessageError(f"the body must be a JSON object, got {type(data).__name__}")
    order_id, amount, sent_at = data.get("order_id"), data.get("amount_cents"), data.get("sent_at_s", 0.0)
    problems = []
    if not isinstance(order_id, str) or not order_id:
        problems.append(f"order_id must be a non-empty string, got {order_id!r}")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        problems.append(f"amount_cents must be an integer >= 0, got {amount!r}")
    if not isinstance(sent_at, int | float) or isinstance(sent_at, bool):
        problems.append(f"sent_at_s must be a number, got {sent_at!r}")
    if problems:
        raise MalformedMessageError("; ".join(problems))
    assert isinstance(order_id, str)
    assert isinstance(amount, int)
    return OrderMessage(order_id, amount, float(sent_at), data.get("poison") is True)


@dataclass(frozen=True)
class Effect:
    """What processing one message does: record the order, remembering which invocation did it."""

    message_id: str
    order_id: str
    amount_cents: int
    sent_at_s: float
    request_id: str
    batch_size: int


class EffectStore(Protocol):
    def apply_once(self, effect: Effect) -> bool:
        """Apply ``effect`` unless its message id was applied before; True if applied now."""
        ...


class InMemoryEffectStore:
    """A fake :class:`EffectStore` for unit tests: effects by message id, and the repeats it refused."""

    def __init__(self) -> None:
        self.effects: dict[str, Effect] = {}
        self.repeats: dict[str, int] = {}

    def apply_once(self, effect: Effect) -> bool:
        if effect.message_id in self.effects:
            self.repeats[effect.message_id] = self.repeats.get(effect.message_id, 0) + 1
            return False
        self.effects[effect.message_id] = effect
        return True


@dataclass
class BatchOutcome:
    """What one invocation did with its batch."""

    applied: list[str] = field(default_factory=list)
    """Message ids applied by this invocation."""
    repeats: list[str] = field(default_factory=list)
    """Message ids delivered again after an earlier invocation applied them (not applied again)."""
    failed: list[str] = field(default_factory=list)
    """Message ids that failed, each once, in batch order."""


def process_batch(
    records: Sequence[Mapping[str, Any]], effects: EffectStore, *, request_id: str, stop_at_failure: bool
) -> BatchOutcome:
    """Process an SQS event's records in order, each at most once in effect.

    A malformed or poison message fails. With ``stop_at_failure`` the first failure is raised (the whole
    batch fails: what a handler without partial batch responses must do); otherwise the batch goes on and
    the failures are listed in the outcome, for :func:`batch_item_failures`.
    """
    outcome = BatchOutcome()
    for record in records:
        message_id = str(record["messageId"])
        if message_id in outcome.applied or message_id in outcome.repeats or message_id in outcome.failed:
            continue  # the same message twice in one batch (standard queues deliver at least once)
        try:
            order = parse_order(record.get("body", ""))
            if order.poison:
                raise PoisonMessageError(message_id)
        except (MalformedMessageError, PoisonMessageError):
            if stop_at_failure:
                raise
            outcome.failed.append(message_id)
            continue
        effect = Effect(
            message_id, order.order_id, order.amount_cents, order.sent_at_s, request_id, len(records)
        )
        (outcome.applied if effects.apply_once(effect) else outcome.repeats).append(message_id)
    return outcome


def batch_item_failures(failed_message_ids: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    """The partial batch response (ReportBatchItemFailures); an empty list: the whole batch succeeded."""
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed_message_ids]}


@dataclass(frozen=True)
class WorkModel:
    """The handler's simulated work, billed as duration: init (cold), set-up per invocation, per message.

    ``init_ms`` is whole milliseconds, so a cold invocation bills exactly ``init_ms`` more than a warm one.
    """

    per_message_ms: float = 5.0
    per_invocation_ms: float = 20.0
    init_ms: int = 0

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be a finite number >= 0, got {value!r}"
            for name, value in (
                ("per_message_ms", self.per_message_ms),
                ("per_invocation_ms", self.per_invocation_ms),
                ("init_ms", self.init_ms),
            )
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0
        ]
        if isinstance(self.init_ms, float) and not problems:
            problems.append(f"init_ms must be whole milliseconds (an int), got {self.init_ms!r}")
        if problems:
            raise ConfigurationError("WorkModel: " + "; ".join(problems))

    def duration_ms(self, messages: int, *, cold: bool = False) -> float:
        """Milliseconds one invocation with ``messages`` records runs (init included when ``cold``)."""
        return self.per_invocation_ms + self.per_message_ms * messages + (self.init_ms if cold else 0)

    def billed_ms(self, messages: int, *, cold: bool = False) -> int:
        """Billed milliseconds of that invocation (rounded up to 1 ms by :mod:`patterns.lab.pricing`)."""
        return pricing.billed_duration_ms(self.duration_ms(messages, cold=cold))
