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

The shards are listed when the source is created; resharding after that is not followed.
"""

from __future__ import annotations

import json
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    shard_id: str
    iterator: str | None
    pending: list[_Record] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)
    """Lengths of the batches being worked on (more than one after bisecting); pending starts with them."""
    retries: int = 0
    invokes: int = 0
    failures_in_a_row: int = 0
    retry_at: float = 0.0
    timer: Timer | None = None
    last_result: Invocation | None = None


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
        self.stream_arn = self._stream_arn(stream)
        self._validate(maximum_retry_attempts)
        default_retries = limits.STREAM_LAB_RETRY_ATTEMPTS_WITH_DESTINATION if on_failure else -1
        self.maximum_retry_attempts = (
            default_retries if maximum_retry_attempts is None else maximum_retry_attempts
        )
        self._destination_url = self._check_destination(on_failure)
        self._max_age_s = maximum_record_age_s if maximum_record_age_s != -1 else self._retention_s()
        self._shards = [
            _Shard(shard_id, self._iterator(shard_id, starting_position)) for shard_id in self._shard_ids()
        ]
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
    def _iterator(self, shard_id: str, position: str) -> str: ...

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
        age_s = max(0.0, (datetime.now(UTC) - arrival).total_seconds())
        size = len(json.dumps(record).encode()) + 2
        return _Record(record, sequence_number, arrival, self._sandbox.clock.elapsed - age_s, size)

    # ---- EventSource ----------------------------------------------------------------------------

    def poll(self) -> int:
        """One attempt per ready shard; return the invocations made plus the batches discarded."""
        if self._closed:
            return 0
        work = 0
        ready: list[tuple[_Shard, list[_Record]]] = []
        for shard in self._shards:
            batch = self._next_batch(shard)
            if batch is None:
                continue
            expired = self._expired_count(batch)
            if expired:
                self._discard(shard, expired, "RecordAgeExceeded")
                work += 1
            else:
                ready.append((shard, batch))
        events = [{"Records": [record.record for record in batch]} for _, batch in ready]
        results = invoke_side_by_side(self._invoke, events)
        for (shard, batch), result in zip(ready, results, strict=True):
            work += self._complete(shard, batch, result)
        return work

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
        )

    @property
    def shard_ids(self) -> list[str]:
        return [shard.shard_id for shard in self._shards]

    # ---- batching -------------------------------------------------------------------------------

    def _next_batch(self, shard: _Shard) -> list[_Record] | None:
        """The batch to attempt on this shard now, or None (backing off, or nothing new)."""
        if shard.retry_at > self._sandbox.clock.elapsed:
            return None
        if not shard.parts:
            if len(shard.pending) < self.batch_size:
                self._fetch(shard)
            if not shard.pending:
                return None
            shard.parts.append(self._batch_length(shard.pending))
        return shard.pending[: shard.parts[0]]

    def _fetch(self, shard: _Shard) -> None:
        wanted = self.batch_size - len(shard.pending)
        while wanted > 0 and shard.iterator is not None:
            records, shard.iterator = self._read(
                shard.shard_id, shard.iterator, min(wanted, self._get_records_max)
            )
            self._get_records_calls += 1
            if not records:
                self._empty_get_records += 1
                return
            shard.pending.extend(records)
            self._records_fetched += len(records)
            wanted -= len(records)

    def _batch_length(self, pending: list[_Record]) -> int:
        """Records that fit one invocation: at most batch_size, and at most 6 MB of event."""
        size, count = _EVENT_OVERHEAD_BYTES, 0
        for record in pending:
            if count == self.batch_size or size + record.size > limits.SYNC_PAYLOAD_BYTES:
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
        shard.invokes += 1
        shard.last_result = result
        failed_from = self._failed_from(result, batch)
        if failed_from is None:
            self._checkpoint(shard, len(batch))
            return 1
        self._failed_invocations += 1
        if failed_from > 0:  # partial success: the records before the first failure are done
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

    def _iterator(self, shard_id: str, position: str) -> str:
        response = self._client.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=position
        )
        iterator: str = response["ShardIterator"]
        return iterator

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

    def _iterator(self, shard_id: str, position: str) -> str:
        response = self._client.get_shard_iterator(
            StreamARN=self.stream_arn, ShardId=shard_id, ShardIteratorType=position
        )
        iterator: str = response["ShardIterator"]
        return iterator

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
