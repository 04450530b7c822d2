"""The SQS event source mapping: Lambda's pollers, reproduced on the sandbox's clock.

Each :meth:`SqsEventSourceMapping.poll` receives messages (``ReceiveMessage``, up to 10 a call, repeated
to fill batches), builds Lambda's SQS event from them, invokes the function synchronously and deletes
what succeeded (``DeleteMessageBatch``). What failed stays in flight and comes back after the queue's
visibility timeout, with its receive count raised, until the queue's redrive policy moves it to the
dead-letter queue - as on AWS.

**Virtual visibility timeout.** moto measures visibility in real time, which the sandbox's clock does not
move. So the mapping receives with the longest visibility timeout SQS allows (12 hours), remembers every
message it holds, and when the queue's visibility timeout has passed in *virtual* time (a clock timer) it
makes them visible again with ``ChangeMessageVisibilityBatch(VisibilityTimeout=0)``. The next receive
counts one more delivery, and moto moves a message received ``maxReceiveCount`` times to the
dead-letter queue at that receive, exactly where AWS does.

**Calls AWS's pollers would not make**, counted apart in :attr:`SqsMappingStats.lab_only_calls` so a
billing demonstration can leave them out: ``GetQueueAttributes`` (and ``GetQueueUrl`` for an ARN) when
the mapping is created, and the ``ChangeMessageVisibilityBatch`` calls above. On the other side, AWS's
pollers long-poll without pause (and pay for empty receives all day long); the lab receives only when
the sandbox settles, so its ``empty_receives`` are far fewer.

Delays (``DelaySeconds``) and message retention are still measured by moto in real time.
"""

from __future__ import annotations

import contextlib
import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from patterns.lab import limits
from patterns.lab.clock import Timer
from patterns.lab.events import sqs_record_from_message
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.lambda_runtime import Invocation
from patterns.lab.sources._common import (
    attached,
    failed_item_identifiers,
    invoke_side_by_side,
    problems_to_error,
)

if TYPE_CHECKING:
    from patterns.lab.sandbox import Sandbox

__all__ = ["SqsEventSourceMapping", "SqsMappingStats", "sqs_event_source"]

_EVENT_OVERHEAD_BYTES = len(json.dumps({"Records": []}))


@dataclass(frozen=True)
class SqsMappingStats:
    """What an SQS event source mapping did so far."""

    receives: int
    """ReceiveMessage calls, the empty ones included."""
    empty_receives: int
    messages_received: int
    """Messages received, redeliveries included."""
    batches: int
    """Batches handed to the function (invoked or throttled)."""
    invocations: int
    """Invocations that ran (throttled ones excluded)."""
    failed_invocations: int
    """Invocations that returned a function error."""
    throttles: int
    messages_delivered: int
    """Records in the events of the invocations that ran."""
    batch_sizes: tuple[int, ...]
    """The number of records of every invocation, in order."""
    deletes: int
    """Messages deleted after success."""
    delete_calls: int
    """DeleteMessageBatch calls."""
    messages_returned: int
    """Messages the lab made visible again after the virtual visibility timeout."""
    lab_only_calls: int
    """Calls AWS's pollers would not make: GetQueueAttributes, GetQueueUrl, ChangeMessageVisibilityBatch."""


@dataclass
class _Message:
    """A message the mapping holds in flight."""

    record: dict[str, Any]
    received_at: float
    size: int

    @property
    def message_id(self) -> str:
        return str(self.record["messageId"])

    @property
    def receipt_handle(self) -> str:
        return str(self.record["receiptHandle"])


class SqsEventSourceMapping:
    """An SQS queue -> Lambda function event source mapping (``CreateEventSourceMapping`` for SQS).

    ``batch_size`` 1-10,000 (at most 10 for FIFO queues); ``batching_window_s``
    (MaximumBatchingWindowInSeconds) 0-300, not for FIFO queues, and at least 1 when the batch size is
    above 10; ``report_batch_item_failures`` turns on partial batch responses; ``maximum_concurrency``
    (2-1,000) caps the batches in flight at once. Without it the lab runs up to five at a time (AWS starts
    with five and scales up), each on its own thread, so a function's reserved concurrency can throttle
    them: a throttled batch stays in flight and returns after the visibility timeout, as on AWS. On a
    FIFO queue the lab runs one batch at a time, which keeps every message group in order.

    Create it with :func:`sqs_event_source`, which also attaches it to the sandbox.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        queue_url_or_arn: str,
        function_name: str,
        *,
        batch_size: int = limits.SQS_BATCH_SIZE_DEFAULT,
        batching_window_s: int = 0,
        report_batch_item_failures: bool = False,
        maximum_concurrency: int | None = None,
    ) -> None:
        self._sandbox = sandbox
        self._sqs = sandbox.client("sqs")
        self._lab_only_calls = 0
        self.queue_url = self._queue_url(queue_url_or_arn)
        attributes = self._queue_attributes(queue_url_or_arn)
        self.queue_arn: str = attributes["QueueArn"]
        self.fifo = attributes.get("FifoQueue") == "true"
        self.visibility_timeout_s = int(attributes["VisibilityTimeout"])
        self.function = sandbox.lambdas.function(function_name)
        self.batch_size = batch_size
        self.batching_window_s = batching_window_s
        self.report_batch_item_failures = report_batch_item_failures
        self.maximum_concurrency = maximum_concurrency
        self._validate()
        # One batch at a time on a FIFO queue: a message group's later messages then never overtake
        # (or run beside) its earlier ones, which stay in flight, and so block their group, until done.
        self._concurrency = 1 if self.fifo else maximum_concurrency or limits.SQS_ESM_INITIAL_CONCURRENCY
        self._buffer: list[_Message] = []
        self._window_timer: Timer | None = None
        self._held: dict[int, tuple[Timer, list[_Message]]] = {}
        self._next_hold = 0
        self._closed = False
        self._receives = self._empty_receives = self._messages_received = 0
        self._batches = self._invocations = self._failed_invocations = self._throttles = 0
        self._messages_delivered = self._deletes = self._delete_calls = self._messages_returned = 0
        self._batch_sizes: list[int] = []

    def __repr__(self) -> str:
        return (
            f"SqsEventSourceMapping({self.queue_arn!r} -> {self.function.config.name!r}, "
            f"batch_size={self.batch_size}, batching_window_s={self.batching_window_s})"
        )

    # ---- set-up ---------------------------------------------------------------------------------

    def _queue_url(self, queue_url_or_arn: str) -> str:
        if not queue_url_or_arn.startswith("arn:"):
            return queue_url_or_arn
        parts = queue_url_or_arn.split(":")
        if len(parts) != 6 or parts[2] != "sqs":
            raise ConfigurationError(
                f"expected a queue URL or an SQS queue ARN like 'arn:aws:sqs:us-east-1:123456789012:name', "
                f"got {queue_url_or_arn!r}"
            )
        self._lab_only_calls += 1
        try:
            response = self._sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])
        except ClientError as error:
            raise ConfigurationError(f"queue {queue_url_or_arn!r} does not exist: create it first") from error
        url: str = response["QueueUrl"]
        return url

    def _queue_attributes(self, given: str) -> dict[str, str]:
        self._lab_only_calls += 1
        try:
            response = self._sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["All"])
        except ClientError as error:
            raise ConfigurationError(f"queue {given!r} does not exist: create it first") from error
        attributes: dict[str, str] = response["Attributes"]
        return attributes

    def _validate(self) -> None:
        problems = []
        largest = limits.SQS_BATCH_SIZE_MAX_FIFO if self.fifo else limits.SQS_BATCH_SIZE_MAX_STANDARD
        kind = "FIFO" if self.fifo else "standard"
        if not 1 <= self.batch_size <= largest:
            problems.append(f"batch_size must be 1-{largest} for a {kind} queue, got {self.batch_size}")
        if not 0 <= self.batching_window_s <= limits.SQS_BATCH_WINDOW_MAX_S:
            problems.append(
                "batching_window_s (MaximumBatchingWindowInSeconds) must be "
                f"0-{limits.SQS_BATCH_WINDOW_MAX_S}, got {self.batching_window_s}"
            )
        if self.fifo and self.batching_window_s:
            problems.append(
                f"batching_window_s is not supported for FIFO queues, got {self.batching_window_s}; use 0"
            )
        if (
            self.batch_size > limits.SQS_BATCH_WITHOUT_WINDOW_MAX
            and self.batching_window_s < 1
            and not self.fifo
        ):
            problems.append(
                f"a batch_size above {limits.SQS_BATCH_WITHOUT_WINDOW_MAX} (got {self.batch_size}) needs "
                f"batching_window_s (MaximumBatchingWindowInSeconds) of at least 1 second, got "
                f"{self.batching_window_s}"
            )
        low, high = limits.SQS_MAXIMUM_CONCURRENCY_MIN, limits.SQS_MAXIMUM_CONCURRENCY_MAX
        if self.maximum_concurrency is not None and not low <= self.maximum_concurrency <= high:
            problems.append(
                f"maximum_concurrency must be {low}-{high} or None, got {self.maximum_concurrency}"
            )
        if self.function.config.timeout_s > self.visibility_timeout_s:
            problems.append(
                f"the queue's visibility timeout ({self.visibility_timeout_s} s) is less than the function's "
                f"timeout ({self.function.config.timeout_s:g} s); raise VisibilityTimeout to at least the "
                "function timeout"
            )
        problems_to_error(
            f"SQS event source mapping {self.queue_arn} -> {self.function.config.name}", problems
        )

    # ---- EventSource ----------------------------------------------------------------------------

    def poll(self) -> int:
        """Receive, batch, invoke, delete; return messages received plus batches handed to the function."""
        if self._closed:
            return 0
        received = self._fill_buffer()
        batches = self._ready_batches()
        if batches:
            results = invoke_side_by_side(self._invoke, [self._event(batch) for batch in batches])
            for batch, result in zip(batches, results, strict=True):
                self._complete(batch, result)
        self._arm_window_timer()
        return received + len(batches)

    def close(self) -> None:
        """Stop polling and make every message the mapping holds visible again."""
        if self._closed:
            return
        self._closed = True
        if self._window_timer is not None:
            self._window_timer.cancel()
        held = [message for _, messages in self._held.values() for message in messages]
        for timer, _ in self._held.values():
            timer.cancel()
        self._held.clear()
        with contextlib.suppress(ClientError):  # a deleted queue has nothing to give back
            self._make_visible([*self._buffer, *held])
        self._buffer.clear()

    def stats(self) -> SqsMappingStats:
        return SqsMappingStats(
            receives=self._receives,
            empty_receives=self._empty_receives,
            messages_received=self._messages_received,
            batches=self._batches,
            invocations=self._invocations,
            failed_invocations=self._failed_invocations,
            throttles=self._throttles,
            messages_delivered=self._messages_delivered,
            batch_sizes=tuple(self._batch_sizes),
            deletes=self._deletes,
            delete_calls=self._delete_calls,
            messages_returned=self._messages_returned,
            lab_only_calls=self._lab_only_calls,
        )

    @property
    def in_flight(self) -> int:
        """Messages the mapping holds: waiting for a batch, or failed and held back until visible again."""
        return len(self._buffer) + sum(len(messages) for _, messages in self._held.values())

    # ---- receiving and batching -----------------------------------------------------------------

    def _fill_buffer(self) -> int:
        """Receive until there is a batch for every concurrent slot or the queue shows nothing more."""
        wanted = self._concurrency * self.batch_size
        received = 0
        while len(self._buffer) < wanted:
            response = self._sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(limits.SQS_RECEIVE_MAX_MESSAGES, wanted - len(self._buffer)),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                VisibilityTimeout=limits.SQS_VISIBILITY_TIMEOUT_MAX_S,
                WaitTimeSeconds=0,
            )
            self._receives += 1
            messages = response.get("Messages", [])
            if not messages:
                self._empty_receives += 1
                break
            now = self._sandbox.clock.elapsed
            for message in messages:
                record = sqs_record_from_message(
                    message, queue_arn=self.queue_arn, region=self._sandbox.region
                )
                self._buffer.append(_Message(record, now, len(json.dumps(record).encode()) + 2))
            received += len(messages)
        self._messages_received += received
        return received

    def _ready_batches(self) -> list[list[_Message]]:
        """Take the batches to invoke now: full ones (batch size or 6 MB), and a partial one once the
        batching window that started with its first message has passed."""
        batches: list[list[_Message]] = []
        while self._buffer and len(batches) < self._concurrency:
            size, count = _EVENT_OVERHEAD_BYTES, 0
            for message in self._buffer:
                if count == self.batch_size or size + message.size > limits.SYNC_PAYLOAD_BYTES:
                    break
                size += message.size
                count += 1
            count = max(count, 1)
            full = count == self.batch_size or count < len(self._buffer)
            if not full and self._sandbox.clock.elapsed < self._window_closes_at():
                break
            batches.append(self._buffer[:count])
            del self._buffer[:count]
        return batches

    def _window_closes_at(self) -> float:
        return self._buffer[0].received_at + self.batching_window_s if self._buffer else 0.0

    def _arm_window_timer(self) -> None:
        """Wake the sandbox when the window of the waiting partial batch closes."""
        closes_at = self._window_closes_at()
        current = self._window_timer
        if current is not None and (current.cancelled or current.due != closes_at):
            current.cancel()
            self._window_timer = current = None
        if current is None and self._buffer and closes_at > self._sandbox.clock.elapsed:
            label = f"SQS batching window {self.queue_arn}"
            self._window_timer = self._sandbox.clock.call_at(closes_at, self._window_closed, label)

    def _window_closed(self) -> None:
        self._window_timer = None  # the next poll invokes the partial batch

    # ---- invoking and completing ----------------------------------------------------------------

    def _event(self, batch: list[_Message]) -> dict[str, Any]:
        return {"Records": [message.record for message in batch]}

    def _invoke(self, event: dict[str, Any]) -> Invocation:
        return self._sandbox.lambdas.invoke(self.function.config.name, event)

    def _complete(self, batch: list[_Message], result: Invocation | None) -> None:
        self._batches += 1
        if result is None:
            self._throttles += 1
            self._hold(batch)
            return
        self._invocations += 1
        self._messages_delivered += len(batch)
        self._batch_sizes.append(len(batch))
        failed: set[str] | None = set()
        if not result.ok:
            self._failed_invocations += 1
            failed = None
        elif self.report_batch_item_failures:
            failed = failed_item_identifiers(result.payload, [message.message_id for message in batch])
        if failed is None:
            self._hold(batch)
            return
        self._delete([message for message in batch if message.message_id not in failed])
        self._hold([message for message in batch if message.message_id in failed])

    def _delete(self, messages: list[_Message]) -> None:
        for start in range(0, len(messages), limits.SQS_DELETE_BATCH_MAX):
            chunk = messages[start : start + limits.SQS_DELETE_BATCH_MAX]
            entries = [{"Id": str(index), "ReceiptHandle": m.receipt_handle} for index, m in enumerate(chunk)]
            response = self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            self._delete_calls += 1
            self._deletes += len(response.get("Successful", []))

    def _hold(self, messages: list[_Message]) -> None:
        """Keep failed (or throttled) messages in flight until their virtual visibility timeout ends."""
        by_expiry: dict[float, list[_Message]] = {}
        for message in messages:
            by_expiry.setdefault(message.received_at + self.visibility_timeout_s, []).append(message)
        for expiry, group in by_expiry.items():
            key, self._next_hold = self._next_hold, self._next_hold + 1
            label = f"SQS visibility timeout {self.queue_arn}"
            timer = self._sandbox.clock.call_at(expiry, functools.partial(self._release, key), label)
            self._held[key] = (timer, group)

    def _release(self, key: int) -> None:
        _, messages = self._held.pop(key)
        self._messages_returned += len(messages)
        self._make_visible(messages)

    def _make_visible(self, messages: list[_Message]) -> None:
        for start in range(0, len(messages), limits.SQS_DELETE_BATCH_MAX):
            chunk = messages[start : start + limits.SQS_DELETE_BATCH_MAX]
            entries = [
                {"Id": str(index), "ReceiptHandle": m.receipt_handle, "VisibilityTimeout": 0}
                for index, m in enumerate(chunk)
            ]
            self._lab_only_calls += 1
            self._sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)


sqs_event_source = attached(
    SqsEventSourceMapping, "sqs_event_source", "An SQS queue -> function event source mapping"
)
