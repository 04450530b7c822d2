"""Stream event sources: DynamoDB Streams and Kinesis Data Streams pollers driving a Lambda function.

Per shard the source keeps an iterator (``TRIM_HORIZON`` or ``LATEST``), reads up to ``batch_size``
records with ``GetRecords`` and invokes the function synchronously with them (the shards' batches side
by side, one per shard, as with a ParallelizationFactor of 1). It checkpoints - moves past the records -
only on success. On a function error it retries the same batch, and the shard's later records wait, so
order per shard holds:

* ``maximum_retry_attempts``: -1 retries until the records expire (``maximum_record_age_s``, else the
  stream's retention: 24 hours); when an ``on_failure`` destination is given and no maximum, the lab
  uses 3 (:data:`patterns.lab.limits.STREAM_LAB_RETRY_ATTEMPTS_WITH_DESTINATION`);
* ``bisect_batch_on_error``: a failed batch of several records is split in two and each half retried
  on its own; as on AWS, a split does not count as a retry;
* ``report_batch_item_failures``: the function returns ``{"batchItemFailures": [{"itemIdentifier":
  <sequence number>}]}``; the records before the lowest one reported are checkpointed and the batch is
  retried from it;
* ``on_failure``: an SQS queue or SNS topic ARN that receives, for every discarded batch, the record AWS
  sends: ``requestContext`` (condition ``RetryAttemptsExhausted`` or ``RecordAgeExceeded``),
  ``responseContext`` and ``KinesisBatchInfo`` / ``DDBStreamBatchInfo`` (shard id, first and last
  sequence numbers, arrival times, batch size, stream ARN) - not the records themselves.

**Retries in virtual time.** Each :meth:`poll` makes at most one attempt per shard. After a failed or
throttled attempt the shard waits ``1, 2, 4 ... 60`` seconds of virtual time (the lab's choice: AWS does
not document its backoff) and a clock timer wakes the sandbox then, so ``sandbox.settle()`` returns
while a shard is backing off and ``sandbox.advance(seconds)`` runs the retries. Bisected halves are
tried at once. A record's age is counted on the sandbox's clock from when it reached the stream.

**Parallelization, windows, checkpoints, lag.**

* ``parallelization_factor`` (1-10): each shard is worked by that many lanes side by side; a record goes
  to the lane of its partition key (an MD5 hash, as Kinesis maps keys to shards), so order holds per
  partition key, not per shard;
* ``tumbling_window_s`` (1-900): the batches of a shard never span a window (windows are aligned on the
  clock's Unix time, by record arrival); the event carries ``window``, ``state`` (what the function
  returned last in this window, ``{}`` at first), ``shardId``, ``eventSourceARN``,
  ``isFinalInvokeForWindow`` and ``isWindowTerminatedEarly``; the function answers ``{"state": {...}}``
  (at most 1 MB, else the window is terminated early and closed). When the window has ended, the lane
  makes one final invocation with no records and ``isFinalInvokeForWindow`` true; a failed invocation
  keeps the state it had before;
* :meth:`checkpoints` gives, per shard, the sequence number of the last record of the unbroken run of
  records done (processed or discarded); a new source given ``resume_from=`` those starts after them
  (``AFTER_SEQUENCE_NUMBER``), as a mapping does after a restart: whatever was in flight is read again;
* :attr:`iterator_ages`: at every invocation, the age of the batch's last record (CloudWatch's
  ``IteratorAge``), on the virtual clock;
* ``invocation_duration_s``: an optional work model, the virtual seconds an invocation of ``n`` records
  keeps its lane busy (the lab does not move the clock while a handler runs); without it a batch takes
  no virtual time.

A record's arrival is mapped onto the virtual clock: the source notes the real and virtual time at each
poll, and a record arrived at the virtual time that was current when it reached the stream (so records
that wait behind a blocked batch age correctly).

The shards are listed when the source is created; resharding after that is not followed. The lab runs
a mapping with a tumbling window at a ParallelizationFactor of 1.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from botocore.exceptions import ClientError

from patterns.lab import limits
from patterns.lab.clock import Timer
from patterns.lab.events import dynamodb_stream_record_from_boto, kinesis_record_from_boto
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.lambda_runtime import Invocation
from patterns.lab.sandbox import LAMBDA_ROLE_NAME
from patterns.lab.sources._common import (
    attached,
    failed_item_identifiers,
    invoke_side_by_side,
    problems_to_error,
)

if TYPE_CHECKING:
    from patterns.lab.sandbox import Sandbox

__all__ = [
    "DynamoDBStreamSource",
    "IteratorAgeSample",
    "KinesisStreamSource",
    "StartingPosition",
    "StreamSourceStats",
    "dynamodb_stream_source",
    "kinesis_stream_source",
]

StartingPosition = Literal["TRIM_HORIZON", "LATEST"]
FailureCondition = Literal["RetryAttemptsExhausted", "RecordAgeExceeded"]

_EVENT_OVERHEAD_BYTES = len(json.dumps({"Records": []}))


@dataclass(frozen=True)
class StreamSourceStats:
    """What a stream source did so far."""

    get_records_calls: int
    empty_get_records: int
    records_fetched: int
    invocations: int
    """Invocations that ran (throttled ones excluded)."""
    failed_invocations: int
    """Invocations that returned a function error or reported failed items."""
    throttles: int
    batch_sizes: tuple[int, ...]
    """The number of records of every invocation, in order."""
    records_processed: int
    """Records checkpointed after a successful invocation."""
    retries: int
    """Failed batches scheduled for another attempt (bisections excluded)."""
    bisections: int
    records_discarded: int
    """Records given up on (retries exhausted or too old)."""
    destination_messages: int
    """Records of discarded batches sent to the on-failure destination."""
    records_reprocessed: int = 0
    """Records handed to the function again after an earlier invocation already had them."""
    window_final_invocations: int = 0
    """Final invocations of tumbling windows (``isFinalInvokeForWindow``)."""
    windows_terminated_early: int = 0
    """Tumbling windows closed early because the state grew over the limit."""


@dataclass(frozen=True)
class IteratorAgeSample:
    """The age of a batch's last record when the function was invoked with it (``IteratorAge``)."""

    at_s: float
    """When, in the sandbox clock's seconds."""
    shard_id: str
    age_s: float


@dataclass(frozen=True)
class _Record:
    """A stream record fetched and not yet checkpointed."""

    record: dict[str, Any]
    sequence_number: str
    arrival: datetime
    arrived_at: float
    """When the record reached the stream, in the sandbox clock's seconds."""
    size: int


@dataclass
class _Shard:
    """One lane of a shard (a shard has ``parallelization_factor`` of them): its records, in order."""

    shard_id: str
    lane: int = 0
    pending: list[_Record] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)
    """Lengths of the batches being worked on (more than one after bisecting); pending starts with them."""
    retries: int = 0
    invokes: int = 0
    failures_in_a_row: int = 0
    retry_at: float = 0.0
    timer: Timer | None = None
    last_result: Invocation | None = None
    busy_until: float = 0.0
    window_start: float | None = None
    """The open tumbling window's start (clock seconds), or None."""
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Reader:
    """A shard's iterator, its lanes, and what is needed to checkpoint it."""

    shard_id: str
    iterator: str | None
    lanes: list[_Shard]
    order: deque[str] = field(default_factory=deque)
    """Sequence numbers fetched and not yet done, in stream order."""
    done: set[str] = field(default_factory=set)
    checkpoint: str | None = None
    drained: bool = False
    """A read in this poll came back empty: the shard has nothing newer until the next poll."""


class _StreamSource(ABC):
    """What the DynamoDB Streams and Kinesis pollers share: batching, retries, bisecting, destinations."""

    _service: ClassVar[str]
    _batch_info_key: ClassVar[str]
    _get_records_max: ClassVar[int]

    def __init__(
        self,
        sandbox: Sandbox,
        stream: str,
        function_name: str,
        *,
        batch_size: int = limits.STREAM_BATCH_SIZE_DEFAULT,
        starting_position: StartingPosition = "TRIM_HORIZON",
        maximum_retry_attempts: int | None = None,
        maximum_record_age_s: int = -1,
        bisect_batch_on_error: bool = False,
        on_failure: str | None = None,
        report_batch_item_failures: bool = False,
        parallelization_factor: int = 1,
        tumbling_window_s: int = 0,
        resume_from: Mapping[str, str] | None = None,
        invocation_duration_s: Callable[[int], float] | None = None,
    ) -> None:
        self._sandbox = sandbox
        self._client = sandbox.client(self._service)
        self.function = sandbox.lambdas.function(function_name)
        self.batch_size = batch_size
        self.starting_position = starting_position
        self.maximum_record_age_s = maximum_record_age_s
        self.bisect_batch_on_error = bisect_batch_on_error
        self.on_failure = on_failure
        self.report_batch_item_failures = report_batch_item_failures
        self.parallelization_factor = parallelization_factor
        self.tumbling_window_s = tumbling_window_s
        self.invocation_duration_s = invocation_duration_s
        self._times: list[tuple[datetime, float]] = []
        self._note_time()
        self.stream_arn = self._stream_arn(stream)
        self._validate(maximum_retry_attempts)
        default_retries = limits.STREAM_LAB_RETRY_ATTEMPTS_WITH_DESTINATION if on_failure else -1
        self.maximum_retry_attempts = (
            default_retries if maximum_retry_attempts is None else maximum_retry_attempts
        )
        self._destination_url = self._check_destination(on_failure)
        self._max_age_s = maximum_record_age_s if maximum_record_age_s != -1 else self._retention_s()
        resume = dict(resume_from or {})
        self._readers = [
            _Reader(
                shard_id,
                self._iterator(shard_id, starting_position, resume.get(shard_id)),
                [_Shard(shard_id, lane) for lane in range(parallelization_factor)],
            )
            for shard_id in self._shard_ids()
        ]
        self._reader_of = {reader.shard_id: reader for reader in self._readers}
        self._shards = [lane for reader in self._readers for lane in reader.lanes]
        self.iterator_ages: list[IteratorAgeSample] = []
        """Every invocation's ``IteratorAge`` sample, in order."""
        self._invoked: set[str] = set()
        self._reprocessed = self._final_invocations = self._terminated_early = 0
        self._closed = False
        self._get_records_calls = self._empty_get_records = self._records_fetched = 0
        self._invocations = self._failed_invocations = self._throttles = self._records_processed = 0
        self._retries = self._bisections = self._records_discarded = self._destination_messages = 0
        self._batch_sizes: list[int] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.stream_arn!r} -> {self.function.config.name!r})"

    # ---- what differs between the two services --------------------------------------------------

    @abstractmethod
    def _stream_arn(self, stream: str) -> str: ...

    @abstractmethod
    def _retention_s(self) -> float: ...

    @abstractmethod
    def _shard_ids(self) -> list[str]: ...

    @abstractmethod
    def _iterator(self, shard_id: str, position: str, after: str | None = None) -> str:
        """A shard iterator at ``position``, or just after sequence number ``after`` when given."""

    @abstractmethod
    def _partition_key(self, record: dict[str, Any]) -> str: ...

    @abstractmethod
    def _read(self, shard_id: str, iterator: str, limit: int) -> tuple[list[_Record], str | None]:
        """One GetRecords call: the records (in the Lambda shape) and the next iterator."""

    @abstractmethod
    def _format_arrival(self, arrival: datetime) -> str: ...

    # ---- set-up ---------------------------------------------------------------------------------

    def _validate(self, maximum_retry_attempts: int | None) -> None:
        problems = []
        if not 1 <= self.batch_size <= limits.STREAM_BATCH_SIZE_MAX:
            problems.append(f"batch_size must be 1-{limits.STREAM_BATCH_SIZE_MAX}, got {self.batch_size}")
        if self.starting_position not in ("TRIM_HORIZON", "LATEST"):
            problems.append(
                f"starting_position must be 'TRIM_HORIZON' or 'LATEST', got {self.starting_position!r}"
            )
        most = limits.STREAM_MAX_RETRY_ATTEMPTS_MAX
        if maximum_retry_attempts is not None and not -1 <= maximum_retry_attempts <= most:
            problems.append(
                f"maximum_retry_attempts must be -1 (until the record expires) to {most}, "
                f"got {maximum_retry_attempts}"
            )
        low, high = limits.STREAM_RECORD_AGE_MIN_S, limits.STREAM_RECORD_AGE_MAX_S
        if self.maximum_record_age_s != -1 and not low <= self.maximum_record_age_s <= high:
            problems.append(
                f"maximum_record_age_s must be -1 (infinite) or {low}-{high}, got {self.maximum_record_age_s}"
            )
        factor_max = limits.STREAM_PARALLELIZATION_FACTOR_MAX
        if not 1 <= self.parallelization_factor <= factor_max:
            problems.append(
                f"parallelization_factor must be 1-{factor_max}, got {self.parallelization_factor}"
            )
        window_max = limits.STREAM_TUMBLING_WINDOW_MAX_S
        if not 0 <= self.tumbling_window_s <= window_max:
            problems.append(f"tumbling_window_s must be 0-{window_max}, got {self.tumbling_window_s}")
        if self.tumbling_window_s and self.parallelization_factor > 1:
            problems.append("the lab runs a tumbling window at a parallelization_factor of 1 only")
        if self.on_failure is not None and self.on_failure.split(":")[2:3] not in (["sqs"], ["sns"]):
            problems.append(f"on_failure must be an SQS queue or SNS topic ARN, got {self.on_failure!r}")
        problems_to_error(
            f"{self._service} event source {self.stream_arn} -> {self.function.config.name}", problems
        )

    def _check_destination(self, arn: str | None) -> str | None:
        """Check the on-failure destination exists; return the queue URL for an SQS destination."""
        if arn is None:
            return None
        parts = arn.split(":")
        try:
            if parts[2] == "sns":
                self._sandbox.client("sns").get_topic_attributes(TopicArn=arn)
                return None
            response = self._sandbox.client("sqs").get_queue_url(
                QueueName=parts[5], QueueOwnerAWSAccountId=parts[4]
            )
        except ClientError as error:
            raise ConfigurationError(
                f"on_failure destination {arn!r} does not exist: create it first"
            ) from error
        url: str = response["QueueUrl"]
        return url

    def _record(self, record: dict[str, Any], sequence_number: str, arrival: datetime) -> _Record:
        size = len(json.dumps(record).encode()) + 2
        return _Record(record, sequence_number, arrival, self._virtual_arrival(arrival), size)

    def _note_time(self) -> None:
        """Remember which virtual time was current at this real moment (one entry per virtual time)."""
        elapsed = self._sandbox.clock.elapsed
        if not self._times or self._times[-1][1] != elapsed:
            self._times.append((datetime.now(UTC), elapsed))

    def _virtual_arrival(self, arrival: datetime) -> float:
        """The virtual time current when a record reached the stream (real time ``arrival``)."""
        index = bisect.bisect_right([real for real, _ in self._times], arrival) - 1
        if index >= 0:
            return self._times[index][1]
        first_real, first_virtual = self._times[0]  # before this source existed
        return first_virtual - max(0.0, (first_real - arrival).total_seconds())

    # ---- EventSource ----------------------------------------------------------------------------

    def poll(self) -> int:
        """One attempt per ready shard; return the invocations made plus the batches discarded."""
        if self._closed:
            return 0
        self._note_time()
        for reader in self._readers:
            reader.drained = False
        work = 0
        ready: list[tuple[_Shard, list[_Record], bool]] = []
        for shard in self._shards:
            if self._waiting(shard):
                continue
            if self._window_over(shard):
                ready.append((shard, [], True))
                continue
            batch = self._next_batch(shard)
            if batch is None:
                continue
            expired = self._expired_count(batch)
            if expired:
                self._discard(shard, expired, "RecordAgeExceeded")
                work += 1
            else:
                ready.append((shard, batch, False))
        events = [self._event(shard, batch, final) for shard, batch, final in ready]
        results = invoke_side_by_side(self._invoke, events)
        for (shard, batch, final), result in zip(ready, results, strict=True):
            work += self._complete_window(shard, result) if final else self._complete(shard, batch, result)
        return work

    def checkpoints(self) -> dict[str, str]:
        """Per shard that has one, the sequence number after which a restarted mapping resumes."""
        return {
            reader.shard_id: reader.checkpoint for reader in self._readers if reader.checkpoint is not None
        }

    def close(self) -> None:
        """Stop polling (the iterators are dropped, as when a mapping is deleted)."""
        self._closed = True
        for shard in self._shards:
            if shard.timer is not None:
                shard.timer.cancel()

    def stats(self) -> StreamSourceStats:
        return StreamSourceStats(
            get_records_calls=self._get_records_calls,
            empty_get_records=self._empty_get_records,
            records_fetched=self._records_fetched,
            invocations=self._invocations,
            failed_invocations=self._failed_invocations,
            throttles=self._throttles,
            batch_sizes=tuple(self._batch_sizes),
            records_processed=self._records_processed,
            retries=self._retries,
            bisections=self._bisections,
            records_discarded=self._records_discarded,
            destination_messages=self._destination_messages,
            records_reprocessed=self._reprocessed,
            window_final_invocations=self._final_invocations,
            windows_terminated_early=self._terminated_early,
        )

    @property
    def shard_ids(self) -> list[str]:
        return [reader.shard_id for reader in self._readers]

    # ---- batching -------------------------------------------------------------------------------

    def _waiting(self, shard: _Shard) -> bool:
        """Backing off after a failure, or busy with its last batch (the work model)."""
        return max(shard.retry_at, shard.busy_until) > self._sandbox.clock.elapsed

    def _next_batch(self, shard: _Shard) -> list[_Record] | None:
        """The batch to attempt on this lane now, or None (nothing new)."""
        if not shard.parts:
            if len(shard.pending) < self.batch_size:
                self._fetch(shard)
            if not shard.pending:
                return None
            shard.parts.append(self._batch_length(shard.pending))
            if self.tumbling_window_s and shard.window_start is None:
                shard.window_start = self._window_of(shard.pending[0])
                self._wake_at(shard, shard.window_start + self.tumbling_window_s, "window end")
        return shard.pending[: shard.parts[0]]

    def _fetch(self, shard: _Shard) -> None:
        """Read the lane's shard until the lane has a batch (other lanes get their keys' records too)."""
        reader = self._reader_of[shard.shard_id]
        wanted = self.batch_size - len(shard.pending)
        while wanted > 0 and reader.iterator is not None and not reader.drained:
            records, reader.iterator = self._read(
                reader.shard_id, reader.iterator, min(wanted, self._get_records_max)
            )
            self._get_records_calls += 1
            if not records:
                self._empty_get_records += 1
                reader.drained = True
                return
            self._records_fetched += len(records)
            for record in records:
                reader.order.append(record.sequence_number)
                lane = reader.lanes[self._lane_of(record)]
                lane.pending.append(record)
                if lane is shard:
                    wanted -= 1

    def _lane_of(self, record: _Record) -> int:
        if self.parallelization_factor == 1:
            return 0
        digest = hashlib.md5(self._partition_key(record.record).encode(), usedforsecurity=False).digest()
        return int.from_bytes(digest, "big") % self.parallelization_factor

    def _batch_length(self, pending: list[_Record]) -> int:
        """Records that fit one invocation: at most batch_size, at most 6 MB of event, one window."""
        size, count = _EVENT_OVERHEAD_BYTES, 0
        window = self._window_of(pending[0]) if self.tumbling_window_s else None
        for record in pending:
            if count == self.batch_size or size + record.size > limits.SYNC_PAYLOAD_BYTES:
                break
            if window is not None and self._window_of(record) != window:
                break
            size += record.size
            count += 1
        return max(count, 1)

    def _expired_count(self, batch: list[_Record]) -> int:
        """How many leading records of the batch are older than the maximum record age (or the retention)."""
        now = self._sandbox.clock.elapsed
        for index, record in enumerate(batch):
            if now - record.arrived_at <= self._max_age_s:
                return index
        return len(batch)

    # ---- tumbling windows -------------------------------------------------------------------------

    def _window_of(self, record: _Record) -> float:
        """The start (clock seconds) of the tumbling window a record arrived in; aligned on Unix time."""
        origin = self._sandbox.clock.timestamp() - self._sandbox.clock.elapsed
        unix = origin + record.arrived_at
        return unix - unix % self.tumbling_window_s - origin

    def _window_over(self, shard: _Shard) -> bool:
        """The lane's window has ended and none of its records is left: time for the final invocation."""
        if shard.window_start is None or shard.parts:
            return False
        if not shard.pending:
            self._fetch(shard)
        if shard.pending:
            return self._window_of(shard.pending[0]) != shard.window_start
        return self._sandbox.clock.elapsed >= shard.window_start + self.tumbling_window_s

    def _wake_at(self, shard: _Shard, due: float, what: str) -> None:
        self._sandbox.clock.call_at(due, lambda: None, f"stream {what} {shard.shard_id} of {self.stream_arn}")

    def _event(self, shard: _Shard, batch: list[_Record], final: bool) -> dict[str, Any]:
        event: dict[str, Any] = {"Records": [record.record for record in batch]}
        if not self.tumbling_window_s:
            return event
        start = shard.window_start if shard.window_start is not None else self._window_of(batch[0])
        origin = self._sandbox.clock.now() - _seconds(self._sandbox.clock.elapsed)
        event.update(
            window={
                "start": _utc(origin + _seconds(start), "milliseconds"),
                "end": _utc(origin + _seconds(start + self.tumbling_window_s), "milliseconds"),
            },
            state=dict(shard.state),
            shardId=shard.shard_id,
            eventSourceARN=self.stream_arn,
            isFinalInvokeForWindow=final,
            isWindowTerminatedEarly=False,
        )
        return event

    def _complete_window(self, shard: _Shard, result: Invocation | None) -> int:
        """After the final invocation of a window: close it (or retry it after a failure)."""
        if result is None or not result.ok:
            if result is None:
                self._throttles += 1
            else:
                self._invocations += 1
                self._failed_invocations += 1
                self._batch_sizes.append(0)
            self._back_off(shard)
            return 0 if result is None else 1
        self._invocations += 1
        self._batch_sizes.append(0)
        self._final_invocations += 1
        self._close_window(shard)
        shard.failures_in_a_row = 0
        shard.retry_at = 0.0
        self._keep_busy(shard, 0)
        return 1

    def _close_window(self, shard: _Shard) -> None:
        shard.window_start = None
        shard.state = {}

    def _keep_state(self, shard: _Shard, result: Invocation) -> None:
        """Carry the state the function returned to the window's next invocation."""
        if not self.tumbling_window_s:
            return
        state = result.payload.get("state") if isinstance(result.payload, dict) else None
        state = state if isinstance(state, dict) else {}
        if len(json.dumps(state).encode()) > limits.STREAM_TUMBLING_STATE_MAX_BYTES:
            self._terminated_early += 1
            self._close_window(shard)
            return
        shard.state = state

    def _keep_busy(self, shard: _Shard, records: int) -> None:
        if self.invocation_duration_s is None:
            return
        shard.busy_until = self._sandbox.clock.elapsed + self.invocation_duration_s(records)
        self._wake_at(shard, shard.busy_until, "busy")

    # ---- invoking and completing ----------------------------------------------------------------

    def _invoke(self, event: dict[str, Any]) -> Invocation:
        return self._sandbox.lambdas.invoke(self.function.config.name, event)

    def _complete(self, shard: _Shard, batch: list[_Record], result: Invocation | None) -> int:
        if result is None:
            self._throttles += 1  # a throttle is not a retry: the batch waits and is tried again
            self._back_off(shard)
            return 0
        self._invocations += 1
        self._batch_sizes.append(len(batch))
        now = self._sandbox.clock.elapsed
        self.iterator_ages.append(IteratorAgeSample(now, shard.shard_id, now - batch[-1].arrived_at))
        for record in batch:
            if record.sequence_number in self._invoked:
                self._reprocessed += 1
            self._invoked.add(record.sequence_number)
        shard.invokes += 1
        shard.last_result = result
        self._keep_busy(shard, len(batch))
        failed_from = self._failed_from(result, batch)
        if failed_from is None:
            self._keep_state(shard, result)
            self._checkpoint(shard, len(batch))
            return 1
        self._failed_invocations += 1
        if failed_from > 0:  # partial success: the records before the first failure are done
            self._keep_state(shard, result)
            self._checkpoint(shard, failed_from)
        elif self.bisect_batch_on_error and len(batch) > 1:
            half = (len(batch) + 1) // 2
            shard.parts[0:1] = [half, len(batch) - half]
            self._bisections += 1
            return 1
        shard.retries += 1
        if self.maximum_retry_attempts != -1 and shard.retries > self.maximum_retry_attempts:
            self._discard(shard, shard.parts[0], "RetryAttemptsExhausted")
            return 1
        self._retries += 1
        self._back_off(shard)
        return 1

    def _failed_from(self, result: Invocation, batch: list[_Record]) -> int | None:
        """None when the batch succeeded, else the index of the first record to retry."""
        if not result.ok:
            return 0
        if not self.report_batch_item_failures:
            return None
        failed = failed_item_identifiers(result.payload, [record.sequence_number for record in batch])
        if failed is None:
            return 0
        if not failed:
            return None
        return min(index for index, record in enumerate(batch) if record.sequence_number in failed)

    def _checkpoint(self, shard: _Shard, count: int) -> None:
        self._records_processed += count
        self._drop(shard, count)

    def _drop(self, shard: _Shard, count: int) -> None:
        """Move past the first ``count`` records of the current batch."""
        reader = self._reader_of[shard.shard_id]
        reader.done.update(record.sequence_number for record in shard.pending[:count])
        while reader.order and reader.order[0] in reader.done:
            reader.checkpoint = reader.order.popleft()
            reader.done.discard(reader.checkpoint)
        del shard.pending[:count]
        shard.parts[0] -= count
        if shard.parts[0] == 0:
            shard.parts.pop(0)
            shard.retries = shard.invokes = 0
            shard.last_result = None
        shard.failures_in_a_row = 0
        shard.retry_at = 0.0

    def _back_off(self, shard: _Shard) -> None:
        shard.failures_in_a_row += 1
        delay = min(
            limits.STREAM_RETRY_BASE_DELAY_S * 2 ** (shard.failures_in_a_row - 1),
            limits.STREAM_RETRY_MAX_DELAY_S,
        )
        shard.retry_at = self._sandbox.clock.elapsed + delay
        label = f"stream retry {shard.shard_id} of {self.stream_arn}"
        shard.timer = self._sandbox.clock.call_at(shard.retry_at, lambda: None, label)

    def _discard(self, shard: _Shard, count: int, condition: FailureCondition) -> None:
        records = shard.pending[:count]
        if self.on_failure is not None:
            self._send_failure(shard, records, condition)
        self._records_discarded += count
        self._drop(shard, count)

    def _send_failure(self, shard: _Shard, records: list[_Record], condition: FailureCondition) -> None:
        """Send AWS's on-failure record for a discarded batch to the destination."""
        result = shard.last_result
        message: dict[str, Any] = {
            "requestContext": {
                "requestId": result.report.request_id if result else str(uuid.uuid4()),
                "functionArn": self.function.arn,
                "condition": condition,
                "approximateInvokeCount": shard.invokes,
            },
        }
        if result is not None:
            message["responseContext"] = {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                **({"functionError": result.function_error} if result.function_error else {}),
            }
        message["version"] = "1.0"
        message["timestamp"] = _utc(self._sandbox.clock.now(), "milliseconds")
        message[self._batch_info_key] = {
            "shardId": shard.shard_id,
            "startSequenceNumber": records[0].sequence_number,
            "endSequenceNumber": records[-1].sequence_number,
            "approximateArrivalOfFirstRecord": self._format_arrival(records[0].arrival),
            "approximateArrivalOfLastRecord": self._format_arrival(records[-1].arrival),
            "batchSize": len(records),
            "streamArn": self.stream_arn,
        }
        body = json.dumps(message)
        if self._destination_url is not None:
            self._sandbox.client("sqs").send_message(QueueUrl=self._destination_url, MessageBody=body)
        else:
            self._sandbox.client("sns").publish(TopicArn=self.on_failure, Message=body)
        self._destination_messages += 1


class DynamoDBStreamSource(_StreamSource):
    """A DynamoDB Streams -> Lambda event source mapping; ``stream`` is a stream ARN or a table name.

    Create it with :func:`dynamodb_stream_source`, which also attaches it to the sandbox. GetRecords is
    called with at most 1,000 records a call, several calls filling a larger batch.
    """

    _service: ClassVar[str] = "dynamodbstreams"
    _batch_info_key: ClassVar[str] = "DDBStreamBatchInfo"
    _get_records_max: ClassVar[int] = limits.DYNAMODB_STREAMS_GET_RECORDS_MAX

    def _stream_arn(self, stream: str) -> str:
        if stream.startswith("arn:"):
            return stream
        try:
            table = self._sandbox.client("dynamodb").describe_table(TableName=stream)["Table"]
        except ClientError as error:
            raise ConfigurationError(f"table {stream!r} does not exist: create it first") from error
        if "LatestStreamArn" not in table:
            raise ConfigurationError(
                f"table {stream!r} has no stream; create it with StreamSpecification="
                "{'StreamEnabled': True, 'StreamViewType': 'NEW_AND_OLD_IMAGES'}"
            )
        arn: str = table["LatestStreamArn"]
        return arn

    def _retention_s(self) -> float:
        return float(limits.DYNAMODB_STREAM_RETENTION_S)

    def _shard_ids(self) -> list[str]:
        try:
            description = self._client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        except ClientError as error:
            raise ConfigurationError(f"stream {self.stream_arn!r} does not exist") from error
        return [shard["ShardId"] for shard in description["Shards"]]

    def _iterator(self, shard_id: str, position: str, after: str | None = None) -> str:
        where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after else {}
        response = self._client.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, **({"ShardIteratorType": position} | where)
        )
        iterator: str = response["ShardIterator"]
        return iterator

    def _partition_key(self, record: dict[str, Any]) -> str:
        return json.dumps(record["dynamodb"]["Keys"], sort_keys=True)

    def _read(self, _shard_id: str, iterator: str, limit: int) -> tuple[list[_Record], str | None]:
        response = self._client.get_records(ShardIterator=iterator, Limit=limit)
        records = [
            self._record(
                dynamodb_stream_record_from_boto(
                    raw, stream_arn=self.stream_arn, region=self._sandbox.region
                ),
                raw["dynamodb"]["SequenceNumber"],
                raw["dynamodb"]["ApproximateCreationDateTime"],
            )
            for raw in response.get("Records", [])
        ]
        return records, response.get("NextShardIterator")

    def _format_arrival(self, arrival: datetime) -> str:
        return _utc(arrival, "seconds")


class KinesisStreamSource(_StreamSource):
    """A Kinesis Data Streams -> Lambda event source mapping; ``stream`` is a stream ARN or name.

    Create it with :func:`kinesis_stream_source`, which also attaches it to the sandbox. The records'
    ``invokeIdentityArn`` is the lab's Lambda execution role; their age limit defaults to the stream's
    retention period.
    """

    _service: ClassVar[str] = "kinesis"
    _batch_info_key: ClassVar[str] = "KinesisBatchInfo"
    _get_records_max: ClassVar[int] = limits.KINESIS_GET_RECORDS_MAX
    _summary: dict[str, Any]

    def _stream_arn(self, stream: str) -> str:
        given = {"StreamARN": stream} if stream.startswith("arn:") else {"StreamName": stream}
        try:
            self._summary = self._client.describe_stream_summary(**given)["StreamDescriptionSummary"]
        except ClientError as error:
            raise ConfigurationError(f"Kinesis stream {stream!r} does not exist: create it first") from error
        arn: str = self._summary["StreamARN"]
        return arn

    def _retention_s(self) -> float:
        return float(self._summary["RetentionPeriodHours"]) * 3600

    def _shard_ids(self) -> list[str]:
        shard_ids: list[str] = []
        request: dict[str, Any] = {"StreamARN": self.stream_arn}
        while True:
            response = self._client.list_shards(**request)
            shard_ids.extend(shard["ShardId"] for shard in response["Shards"])
            if not response.get("NextToken"):
                return shard_ids
            request = {"NextToken": response["NextToken"]}

    def _iterator(self, shard_id: str, position: str, after: str | None = None) -> str:
        where = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": after} if after else {}
        )
        response = self._client.get_shard_iterator(
            StreamARN=self.stream_arn, ShardId=shard_id, **({"ShardIteratorType": position} | where)
        )
        iterator: str = response["ShardIterator"]
        return iterator

    def _partition_key(self, record: dict[str, Any]) -> str:
        key: str = record["kinesis"]["partitionKey"]
        return key

    def _read(self, shard_id: str, iterator: str, limit: int) -> tuple[list[_Record], str | None]:
        response = self._client.get_records(ShardIterator=iterator, Limit=limit, StreamARN=self.stream_arn)
        role = f"arn:aws:iam::{self._sandbox.account_id}:role/{LAMBDA_ROLE_NAME}"
        records = [
            self._record(
                kinesis_record_from_boto(
                    raw,
                    shard_id=shard_id,
                    stream_arn=self.stream_arn,
                    region=self._sandbox.region,
                    invoke_identity_arn=role,
                ),
                raw["SequenceNumber"],
                raw["ApproximateArrivalTimestamp"],
            )
            for raw in response.get("Records", [])
        ]
        return records, response.get("NextShardIterator")

    def _format_arrival(self, arrival: datetime) -> str:
        return _utc(arrival, "milliseconds")


def _seconds(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def _utc(moment: datetime, precision: Literal["seconds", "milliseconds"]) -> str:
    """Format as AWS's on-failure records do: ``2019-11-14T00:38:04.835Z`` (Kinesis) or whole seconds."""
    utc = moment.astimezone(UTC)
    if precision == "seconds":
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


dynamodb_stream_source = attached(
    DynamoDBStreamSource, "dynamodb_stream_source", "A DynamoDB Streams -> function poller"
)


kinesis_stream_source = attached(
    KinesisStreamSource, "kinesis_stream_source", "A Kinesis stream -> function poller"
)
